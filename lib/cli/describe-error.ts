import { ReportError } from "../errors.ts";

/**
 * The CLI's one mapping from errors to a message and an exit code. Unknown errors show their
 * message only (no stack) unless DEBUG is set.
 */
export function describeCliError(
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { message: string; exitCode: number } {
  if (error instanceof ReportError) return { message: error.message, exitCode: error.exitCode };
  const text = error instanceof Error ? error.message : String(error);
  if (env.DEBUG !== undefined && error instanceof Error && error.stack !== undefined) {
    return { message: `unexpected error: ${error.stack}`, exitCode: 1 };
  }
  return { message: `unexpected error: ${text} (set DEBUG=1 for details)`, exitCode: 1 };
}
