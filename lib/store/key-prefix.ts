// S3's "safe characters" for object keys.
const SAFE_KEY_CHARACTERS = /^[A-Za-z0-9!_.*'()/-]+$/;

/**
 * The key prefix under which reports are stored, as every key and listing uses it: "" or ending in
 * "/" (a prefix without one would write keys that the listing under "<prefix>/" never finds).
 * Returns the reason when `raw` cannot be a prefix, naming `name` (REPORT_PREFIX, --s3-prefix).
 */
export function readKeyPrefix(raw: string, name: string): { prefix: string } | { problem: string } {
  const prefix = raw.trim();
  if (prefix === "") return { prefix: "" };
  if (
    prefix.startsWith("/") ||
    prefix
      .split("/")
      .some(
        (part, index, parts) => part === "." || part === ".." || (part === "" && index < parts.length - 1),
      )
  ) {
    return {
      problem: `${name} "${prefix}" is not a usable key prefix: it must not start with "/" or contain "." or ".." segments or "//" (e.g. license-reports/).`,
    };
  }
  if (prefix.length > 512 || !SAFE_KEY_CHARACTERS.test(prefix)) {
    return {
      problem: `${name} holds characters S3 keys should avoid or is longer than 512 characters. Use letters, digits and ! - _ . * ' ( ) / only.`,
    };
  }
  return { prefix: prefix.endsWith("/") ? prefix : `${prefix}/` };
}
