// Types for scripts/exclusive-lock.mjs.
export declare function withExclusiveLock<T>(
  path: string,
  job: () => T,
  options?: { timeoutMs?: number; pollMs?: number },
): T;
