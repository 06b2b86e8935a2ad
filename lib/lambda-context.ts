/** The parts of the Lambda context object this project reads. */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName?: string;
  readonly functionVersion?: string;
  /** Milliseconds left before Lambda stops the invocation; absent outside Lambda. */
  readonly getRemainingTimeInMillis?: () => number;
}

/** Returns `create()`'s value, computing it on first use; a failure is not cached, so it repeats per call. */
export function lazily<T>(create: () => T): () => T {
  let value: { readonly current: T } | undefined;
  return () => {
    value ??= { current: create() };
    return value.current;
  };
}
