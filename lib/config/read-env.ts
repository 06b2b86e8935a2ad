import { ConfigError } from "../errors.ts";

/** The process environment, or what a test passes in its place. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value, or undefined when unset or blank. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** A required value that must match `pattern`; the error names the variable and what it accepts. */
export function matching(env: Env, name: string, pattern: RegExp, expected: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, `${name} is not set. Set it to ${expected}.`);
  if (!pattern.test(value))
    throw new ConfigError(name, `${name} "${value}" is invalid. Expected ${expected}.`);
  return value;
}

export function readInteger(
  env: Env,
  name: string,
  rule: { min: number; max: number; fallback?: number; hint: string },
): number {
  const value = optional(env, name);
  if (value === undefined) {
    if (rule.fallback !== undefined) return rule.fallback;
    throw new ConfigError(name, `${name} is not set. Set it to ${rule.hint}.`);
  }
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < rule.min || number > rule.max) {
    throw new ConfigError(
      name,
      `${name} "${value}" is invalid: expected a whole number from ${rule.min} to ${rule.max} (${rule.hint}).`,
    );
  }
  return number;
}

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `${name} "${value}" is not allowed. Use one of ${choices.join(", ")}.`);
  }
  return value as T;
}

export function optionalUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `${name} "${value}" is not a URL. Expected e.g. http://127.0.0.1:4569.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `${name} "${value}" must be an ${protocols.join(" or ")} URL.`);
  }
  return value;
}

/** A comma- or blank-separated list; empty when unset. */
export function readList(env: Env, name: string): string[] {
  return (env[name] ?? "")
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
