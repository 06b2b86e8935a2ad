import type { Fail } from "./entry-fields.ts";

// `${NAME}` references in the environments file: how a value names a variable, where the value
// comes from, and which expanded values count as secrets (redacted from every later message).
// Kept apart so that its rules can change without touching the file's other checks.

/** `${NAME}`: a variable name, a letter or `_` first, then letters, digits or `_`. */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Shorter values are not kept as secrets: redacting them would garble ordinary words in messages. */
const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every `${NAME}` in `text` (the field `key`) with the variable's value from `env`, adding
 * each value long enough to be a secret to `secrets`; a variable that is not set fails naming `key`.
 */
export function expandReferences(
  text: string,
  key: string,
  env: Readonly<Record<string, string | undefined>>,
  secrets: string[],
  fail: Fail,
): string {
  return text.replace(REFERENCE, (_match, variable: string) => {
    const found = env[variable];
    if (found === undefined) {
      return fail(`"${key}" refers to \${${variable}}, which is not set in the environment.`);
    }
    if (found.length >= MIN_SECRET_LENGTH) secrets.push(found);
    return found;
  });
}
