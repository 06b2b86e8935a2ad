import { formatHelp } from "./format-help.ts";
import { type ContentOptions, readContentOptions } from "./generate-content.ts";
import { type OutputOptions, readOutputOptions } from "./generate-output.ts";
import { readSource, type SourceOptions } from "./generate-source.ts";
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
  return {
    help,
    // --help alone needs no source; it never opens one.
    source: help ? { kind: "demo" } : readSource(values, env),
    ...output,
    ...content,
  };
}
