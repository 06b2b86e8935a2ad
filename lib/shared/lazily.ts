/** Returns `create()`'s value, computing it on first use; a failure is not cached, so it repeats per call. */
export function lazily<T>(create: () => T): () => T {
  let value: { readonly current: T } | undefined;
  return () => {
    value ??= { current: create() };
    return value.current;
  };
}
