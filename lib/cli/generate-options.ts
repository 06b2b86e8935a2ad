import { BadParameterError } from "../errors.ts";
import { formatHelp } from "./format-help.ts";
import { type ContentOptions, readContentOptions } from "./generate-content.ts";
import { type OutputOptions, readOutputOptions } from "./generate-output.ts";
import { readSource, type SourceOptions } from "./generate-source.ts";
import type { GenerateValues } from "./generate-table.ts";
import { GENERATE_COMMAND } from "./generate-table.ts";
import type { Env } from "./option-values.ts";
import { readCommandLine } from "./read-command-line.ts";

export type { SourceOptions } from "./generate-source.ts";

export interface GenerateOptions extends OutputOptions, ContentOptions {
  readonly help: boolean;
  readonly source: SourceOptions;
}

export const GENERATE_HELP = formatHelp(GENERATE_COMMAND);

/** Parses and validates every option before anything touches a database or a file. */
export function readGenerateOptions(args: string[], env: Env): GenerateOptions {
  const { help, values } = readCommandLine(GENERATE_COMMAND, args);
  const output = readOutputOptions(values);
  const content = readContentOptions(values, env, output);
  // --help alone needs no source; it never opens one.
  const source = help ? ({ kind: "demo" } as const) : readSource(values, env);
  if (source.kind === "admin-api") refuseBesideAdminApi(values);
  return { help, source, ...output, ...content };
}

/**
 * What Kong's Admin API does not let us choose: Kong builds its report itself (its month, its node
 * facts, its license, its SHA-1), and response.json must stay Kong's bytes (no details inside it).
 */
const NOT_WITH_ADMIN_API: ReadonlyArray<readonly [keyof GenerateValues, string]> = [
  ["as-of", "Kong reports its own current month"],
  ["time-zone", "Kong reports its own current month"],
  ["kong-version", "Kong's report says its own version"],
  ["deployment-type", "Kong's report says its own deployment"],
  ["node-uname", "Kong's report says its own system_info"],
  ["node-cores", "Kong's report says its own system_info"],
  ["node-hostname", "Kong's report says its own system_info"],
  ["checksum-algorithm", "Kong's report carries Kong's own checksum"],
  ["license", "Kong's report says the license it runs with"],
  ["include-details", "response.json stays Kong's bytes: use --format tar for details.json beside it"],
  ["previous", "not yet for an Admin API report"],
  ["s3-bucket", "not yet for an Admin API report: write a file and upload it"],
  ["contract", "not yet for an Admin API report: use a database source, or an estate"],
  ["fail-on", "not yet for an Admin API report: use a database source, or an estate"],
  ["tag-prefix", "Kong's Admin API report has no per-team usage"],
];

function refuseBesideAdminApi(values: GenerateValues): void {
  for (const [option, why] of NOT_WITH_ADMIN_API) {
    if (values[option] !== undefined) {
      throw new BadParameterError(`--${option}`, `--${option} does not apply to --admin-api: ${why}.`);
    }
  }
}
