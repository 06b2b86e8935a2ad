import { parseArgs } from "node:util";
import { BadParameterError } from "../errors.ts";
import { type CommandSpec, type OptionSpec, type OptionValues, toParseArgsOptions } from "./command-table.ts";
import { PROGRAM } from "./format-help.ts";
import { refuseParseError } from "./refuse-parse-error.ts";

/** A command line read against its command's table. */
export interface CommandLine<O extends Record<string, OptionSpec>> {
  /** `--help` was given: the positionals were not checked. */
  readonly help: boolean;
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

/**
 * Reads a command line the same way for every command: an unknown option, a missing or unwanted
 * value, a repeated option and a stray argument are each refused with one line naming it (exit 2).
 * `--help` wins over stray arguments (`estate --help x` still helps), not over a wrong option.
 */
export function readCommandLine<O extends Record<string, OptionSpec>>(
  command: CommandSpec<O>,
  args: readonly string[],
): CommandLine<O> {
  let parsed: ReturnType<typeof parseTokens>;
  try {
    parsed = parseTokens(command, args);
  } catch (error) {
    throw refuseParseError(command, args, error);
  }
  rejectRepeatedOptions(parsed.tokens);
  const values = parsed.values as OptionValues<O>;
  const help = values.help === true;
  if (!help) rejectPositionals(command, parsed.positionals);
  return { help, values, positionals: parsed.positionals };
}

// Positionals are allowed here so that --help can win over them and their refusal can name them.
function parseTokens(command: CommandSpec, args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: toParseArgsOptions(command),
    strict: true,
    allowPositionals: true,
    tokens: true,
  });
}

/**
 * Refuses an option given twice (`--as-of 2026-01 --as-of 2026-10`): parseArgs keeps the last one
 * silently, and a report for the wrong month is worse than an error.
 */
function rejectRepeatedOptions(
  tokens: ReadonlyArray<{ readonly kind: string; readonly name?: string }>,
): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined) continue;
    if (seen.has(token.name)) {
      throw new BadParameterError(
        `--${token.name}`,
        `--${token.name} is given more than once: give it once (the last value would otherwise win silently).`,
      );
    }
    seen.add(token.name);
  }
}

/** Refuses arguments that are not options beyond what the command takes. */
function rejectPositionals(command: CommandSpec, positionals: readonly string[]): void {
  const wanted = command.positionals;
  if (wanted === undefined) {
    const first = positionals[0];
    if (first === undefined) return;
    throw new BadParameterError(
      first,
      `Unexpected argument "${first}": ${command.name} takes options only. See --help.`,
    );
  }
  if (positionals.length === wanted.count) return;
  throw new BadParameterError(
    positionals[wanted.count] ?? "arguments",
    `${command.name} takes exactly ${wanted.what}. See: ${PROGRAM} ${command.name} --help`,
  );
}
