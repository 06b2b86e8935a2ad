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
