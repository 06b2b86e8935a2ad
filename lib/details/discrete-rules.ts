import { BadParameterError } from "../errors.ts";
import { isRecord } from "../shared/is-record.ts";
import { parseJsonText } from "../shared/json-text.ts";

/** One KLCR "discreteness" rule: every match of `find` (a regex) in a key becomes `replace_with`. */
export interface DiscreteRule {
  find: string;
  replace_with: string;
}

/** A rule list compiled once, applied to every discrete-service key. */
export interface CompiledRules {
  readonly rules: readonly DiscreteRule[];
  apply(key: string): string;
}

const MAX_RULES = 100;
const MAX_PATTERN_LENGTH = 1000;

/**
 * Parses discrete rules from JSON text: an array of `{find, replace_with}`, or a KLCR input
 * file (`{"discrete": [...]}`). Throws BadParameterError naming the bad rule.
 */
export function parseDiscreteRules(json: string, parameter = "discrete-rules"): DiscreteRule[] {
  const value = parseJsonText(
    json,
    (reason, cause) =>
      new BadParameterError(
        parameter,
        `${parameter} ${reason}; expected [{"find": "<regex>", "replace_with": "<text>"}, ...].`,
        { cause },
      ),
  );
  return validateDiscreteRules(value, parameter);
}

/** Validates already-decoded rules (same forms and errors as `parseDiscreteRules`). */
export function validateDiscreteRules(value: unknown, parameter = "discrete-rules"): DiscreteRule[] {
  const list = isRecord(value) && "discrete" in value ? value.discrete : value;
  if (!Array.isArray(list)) {
    throw new BadParameterError(
      parameter,
      `${parameter} must be a JSON array of {"find": "<regex>", "replace_with": "<text>"} (or a KLCR file with a "discrete" array).`,
    );
  }
  if (list.length > MAX_RULES) {
    throw new BadParameterError(
      parameter,
      `${parameter} has ${list.length} rules; at most ${MAX_RULES} are allowed.`,
    );
  }
  return list.map((entry: unknown, index) => validateRule(entry, index, parameter));
}

function validateRule(entry: unknown, index: number, parameter: string): DiscreteRule {
  const label = `${parameter} rule #${index + 1}`;
  if (!isRecord(entry)) {
    throw new BadParameterError(
      parameter,
      `${label} must be an object {"find": "<regex>", "replace_with": "<text>"}.`,
    );
  }
  const extra = Object.keys(entry).filter((key) => key !== "find" && key !== "replace_with");
  if (extra.length > 0) {
    throw new BadParameterError(
      parameter,
      `${label} has unknown key(s) ${extra.map((k) => JSON.stringify(k)).join(", ")}; only "find" and "replace_with" are allowed.`,
    );
  }
  const { find, replace_with: replaceWith } = entry;
  if (typeof find !== "string" || find.length === 0) {
    throw new BadParameterError(
      parameter,
      `${label}: "find" must be a non-empty string (a regular expression).`,
    );
  }
  if (find.length > MAX_PATTERN_LENGTH) {
    throw new BadParameterError(
      parameter,
      `${label}: "find" is longer than ${MAX_PATTERN_LENGTH} characters.`,
    );
  }
  if (typeof replaceWith !== "string") {
    throw new BadParameterError(parameter, `${label}: "replace_with" must be a string (it may be empty).`);
  }
  try {
    new RegExp(find, "g");
  } catch (error) {
    throw new BadParameterError(
      parameter,
      `${label}: "find" ${JSON.stringify(find)} is not a valid regular expression (${(error as Error).message}).`,
    );
  }
  return { find, replace_with: replaceWith };
}

/**
 * Compiles rules for KLCR's semantics: applied in order, each one a global replace (jq `gsub`)
 * whose replacement is literal text (KLCR passes it with `--arg`, so `$1` is not a back-reference).
 */
export function compileDiscreteRules(rules: readonly DiscreteRule[]): CompiledRules {
  const compiled = rules.map((rule) => ({
    pattern: new RegExp(rule.find, "g"),
    replaceWith: rule.replace_with,
  }));
  return {
    rules,
    apply(key) {
      let out = key;
      for (const { pattern, replaceWith } of compiled) out = out.replace(pattern, () => replaceWith);
      return out;
    },
  };
}
