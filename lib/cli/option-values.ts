import { DEFAULT_PREFIX, DEFAULT_URL_TTL_SECONDS, MAX_URL_TTL_SECONDS } from "../config/storage.ts";
import { BadParameterError } from "../errors.ts";
import { readKeyPrefix } from "../store/key-prefix.ts";
import type { OptionSpec, OptionValues, StringOption } from "./command-table.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** The names of a table's options that take a value. */
type StringOptionName<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K] extends StringOption ? K : never;
}[keyof O] &
  string;

/** An option's value, and what to name if it is wrong: the option, or the variable it came from. */
export interface GivenValue {
  readonly value: string | undefined;
  readonly from: string;
}

/**
 * An option, else its environment fallback as the table declares it. A blank variable counts as
 * unset, as in the Lambda configuration.
 */
export function readOptionOrEnv<O extends Record<string, OptionSpec>>(
  options: O,
  values: OptionValues<O>,
  name: StringOptionName<O>,
  env: Env,
): GivenValue {
  const given = values[name] as string | undefined;
  const variable = (options[name] as StringOption).env;
  if (given !== undefined || variable === undefined) return { value: given, from: `--${name}` };
  const value = env[variable]?.trim();
  return { value: value === "" ? undefined : value, from: variable };
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

/** `--url-ttl`: the lifetime of presigned links, whole seconds up to SigV4's seven days. */
export function readUrlTtl(value: string | undefined): number {
  const seconds = value === undefined ? DEFAULT_URL_TTL_SECONDS : Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_URL_TTL_SECONDS) {
    throw new BadParameterError(
      "--url-ttl",
      `Invalid --url-ttl "${value}": expected whole seconds from 1 to ${MAX_URL_TTL_SECONDS} (7 days).`,
    );
  }
  return seconds;
}

/** `{ key: value }`, or no key at all when the value is undefined (exactOptionalPropertyTypes). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `--s3-prefix`, checked as REPORT_PREFIX is: "" or ending in "/", S3's safe characters, no "..". */
export function readS3Prefix(value: string | undefined): string {
  const read = readKeyPrefix(value ?? DEFAULT_PREFIX, "--s3-prefix");
  if ("problem" in read) throw new BadParameterError("--s3-prefix", read.problem);
  return read.prefix;
}
