import { BadParameterError } from "../errors.ts";

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
