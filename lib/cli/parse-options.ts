import { BadParameterError } from "../errors.ts";
import type { CliIo } from "./io.ts";

/** Runs node:util parseArgs and turns its errors into a one-line BadParameterError naming the option. */
export function parseOptions<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = (error as Error).message;
    const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? "arguments";
    const reason = message.split(". ")[0]?.replace(/^Unknown option/, "unknown option") ?? message;
    throw new BadParameterError(option, `${reason}. See --help for the options.`, { cause: error });
  }
}

/** The option tokens of a `parseArgs({ tokens: true })` result. */
interface OptionTokens {
  readonly tokens?: ReadonlyArray<{
    readonly kind: string;
    readonly name?: string;
    readonly rawName?: string;
  }>;
}

/**
 * Refuses an option given twice (`--as-of 2026-01 --as-of 2026-10`): parseArgs keeps the last one
 * silently, and a report for the wrong month is worse than an error.
 */
export function rejectRepeatedOptions(parsed: OptionTokens): void {
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
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

/** Reads an option that must be one of a few values. */
export function readChoice<T extends string>(
  value: string | undefined,
  option: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BadParameterError(
    option,
    `Invalid ${option} "${value}": allowed values are ${allowed.join(", ")}.`,
  );
}

/**
 * The preamble of a command that takes options only: `--help` prints its help (true: the caller
 * exits 0), otherwise a stray argument is refused. Help wins so `estate --help x` still helps.
 */
export function printHelpOrRejectPositionals(
  command: string,
  parsed: {
    readonly values: { readonly help?: boolean | undefined };
    readonly positionals: readonly string[];
  },
  help: string,
  io: Pick<CliIo, "stdout">,
): boolean {
  if (parsed.values.help === true) {
    io.stdout(help);
    return true;
  }
  rejectPositionals(command, parsed.positionals);
  return false;
}

/** Refuses a positional argument: parseArgs allows them only so the error can name the stray word. */
export function rejectPositionals(command: string, positionals: readonly string[]): void {
  const first = positionals[0];
  if (first === undefined) return;
  throw new BadParameterError(
    first,
    `Unexpected argument "${first}": ${command} takes options only. See --help.`,
  );
}
