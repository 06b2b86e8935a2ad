import type { Fail } from "./entry-fields.ts";

// `${NAME}` references in the environments file. They exist so that secrets never sit in the file,
// and that is all they may do: they expand only where a secret belongs (the password of a
// "database_url", an "admin_token"), only from variables the user allowed by name, never from
// AWS_* (the process's own credentials), and never on AWS, where a secret comes from Secrets Manager
// or SSM. Every expanded value is a secret of its environment: redacted from every later message.

/** `${NAME}`: a variable name, a letter or `_` first, then letters, digits or `_`. */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** Variables with this prefix may be named without listing them. */
export const SECRET_VARIABLE_PREFIX = "ESTATE_SECRET_";
/** A comma-separated list of further variables that may be named. */
export const SECRET_VARIABLES_LIST = "ESTATE_SECRET_VARIABLES";
/** The fields that may hold a reference, as messages name them. */
export const SECRET_FIELDS = 'the password of "database_url" and "admin_token"';

/** Where `${NAME}` looks: the CLI's environment, or nowhere (on AWS). */
export type ReferenceSource =
  | { readonly kind: "environment"; readonly env: Readonly<Record<string, string | undefined>> }
  | { readonly kind: "none"; readonly why: string };

/** Refuses `${…}` in a field where no secret belongs: such a value is used as written. */
export function refuseReferences(text: string, field: string, fail: Fail): string {
  if (text.includes("${")) {
    fail(`"${field}" holds a \${…} reference; references expand only in ${SECRET_FIELDS}.`);
  }
  return text;
}

/**
 * Expands every `${NAME}` of a secret field; each value (and its URL-encoded form when `encode`, for
 * the password inside a URL) is added to `secrets`. Messages name the variable, never its value.
 */
export function expandSecretReferences(
  text: string,
  field: string,
  source: ReferenceSource,
  secrets: string[],
  fail: Fail,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(REFERENCE, (_match, variable: string) => {
    if (source.kind === "none") return fail(`"${field}" refers to \${${variable}}: ${source.why}`);
    if (variable.startsWith("AWS_")) {
      return fail(
        `"${field}" refers to \${${variable}}: AWS_* variables are never read (they hold this process's own AWS credentials and settings).`,
      );
    }
    if (!isAllowed(variable, source.env)) {
      return fail(
        `"${field}" refers to \${${variable}}, which is not an allowed variable: name it ${SECRET_VARIABLE_PREFIX}… or list it in ${SECRET_VARIABLES_LIST} (comma-separated).`,
      );
    }
    const value = source.env[variable];
    if (value === undefined || value === "") {
      return fail(`"${field}" refers to \${${variable}}, which is not set in the environment.`);
    }
    const written = encode(value);
    secrets.push(value, written);
    return written;
  });
}

function isAllowed(variable: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (variable.startsWith(SECRET_VARIABLE_PREFIX)) return true;
  const listed = (env[SECRET_VARIABLES_LIST] ?? "").split(",").map((name) => name.trim());
  return listed.includes(variable);
}
