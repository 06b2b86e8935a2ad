import { BadParameterError } from "../errors.ts";

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
