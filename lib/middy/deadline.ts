import { TimeoutError } from "../errors.ts";

export interface DeadlineOptions {
  /** How long before Lambda's deadline the handler's abort signal fires. */
  readonly marginMs?: number;
  /** Of that margin, how long the handler may take to clean up (abort the upload) before 504 is answered anyway. */
  readonly cleanupMs?: number;
}

export const DEFAULT_DEADLINE: Required<DeadlineOptions> = { marginMs: 3_000, cleanupMs: 2_000 };

/**
 * middy plugin options for the Lambda deadline. `marginMs` before the deadline middy aborts the
 * handler's signal: the queries and the upload stop, the multipart upload is aborted, and the handler
 * rejects with TimeoutError (504). If that cleanup hangs, middy answers the same 504 after `cleanupMs`,
 * still before Lambda would kill the invocation.
 */
export function deadlinePlugin(options: DeadlineOptions = {}) {
  const { marginMs, cleanupMs } = { ...DEFAULT_DEADLINE, ...options };
  return {
    timeoutEarlyInMillis: marginMs,
    timeoutEarlyResponse: () =>
      new Promise<never>((_, reject) => {
        setTimeout(
          () =>
            reject(
              new TimeoutError(
                "The report was not finished before the function's deadline and stopping it took too long. Retry later, or raise the function timeout if this repeats.",
              ),
            ),
          cleanupMs,
        ).unref();
      }),
  };
}
