/**
 * A record keyed by names that come from a database or a file (plugin names are the user's own): it
 * has no prototype, so "constructor", "toString" or "__proto__" are names like any other. Counting
 * happens in a Map; this is how counts are written out into a document.
 */
export function createNameRecord<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [name, value] of entries) record[name] = value;
  return record;
}

/** Adds `count` to `name`'s total in `counts`. */
export function addCount(counts: Map<string, number>, name: string, count: number): void {
  counts.set(name, (counts.get(name) ?? 0) + count);
}
