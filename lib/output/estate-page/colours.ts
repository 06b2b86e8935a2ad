import type { EstateDocument } from "../../estate/types.ts";

/** Colour-blind-safe palette (Okabe–Ito first), cycled past ten environments. */
const COLOURS = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#f0e442",
  "#6b4c9a",
  "#8c8c8c",
  "#1b9e77",
] as const;

/** Each reported environment's colour, in the chart and beside its name in the table. */
export type EnvironmentColours = ReadonlyMap<string, string>;

/** Colours by the order the environments reported in. */
export function assignColours(estate: EstateDocument): EnvironmentColours {
  const reported = estate.environments.filter((entry) => entry.status === "ok");
  return new Map(
    reported.map((entry, index) => [entry.environment, COLOURS[index % COLOURS.length] as string]),
  );
}

/** An environment's colour (the first one for a name without its own). */
export function colourOf(colours: EnvironmentColours, environment: string): string {
  return colours.get(environment) ?? COLOURS[0];
}
