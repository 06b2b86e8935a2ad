// What the environments file's readers share: one way to fail (naming the entry) and to read a
// string field (its `${NAME}` references expanded).

/** Throws the usage error, its message naming the file (and, once known, the entry). */
export type Fail = (message: string) => never;

/** A non-empty string field of the entry (or of `object`, named `path` in messages), expanded; undefined when absent. */
export type ReadText = (key: string, object?: Record<string, unknown>, path?: string) => string | undefined;

/** `"a", "b"`: keys as a message lists them. */
export function quoteAll(keys: readonly string[]): string {
  return keys.map((key) => JSON.stringify(key)).join(", ");
}
