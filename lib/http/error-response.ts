import { ReportError, TimeoutError } from "../errors.ts";
import type { HttpResponse } from "./http-api-event.ts";

/** Headers on every answer: JSON, and never cached (a link document holds a signed URL). */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

export interface ErrorAnswer {
  readonly response: HttpResponse;
  /** The error as the product knows it; unknown errors become a generic 500. */
  readonly known: boolean;
}

/**
 * The one place errors become HTTP responses: a ReportError answers its status, headers and message;
 * anything else answers 500 with a generic message and the request id (the details go to the log only).
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorAnswer {
  const known = asReportError(error);
  if (known === undefined) {
    return {
      known: false,
      response: respond(
        500,
        {},
        {
          message: `Internal error while producing the license report. Retry; if it persists, give the request id ${requestId} to the operator, whose function log holds the details.`,
        },
      ),
    };
  }
  const headers: Record<string, string> = { ...known.headers };
  if (known.status === 401) headers["www-authenticate"] = 'Bearer realm="license-report"';
  return { known: true, response: respond(known.status, headers, { message: known.message }) };
}

/** A JSON response with the base headers. */
export function respond(
  statusCode: number,
  headers: Readonly<Record<string, string>>,
  body: unknown,
): HttpResponse {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** middy's own early-timeout error (name TimeoutError, cause.package @middy/core) is the deadline too. */
function asReportError(error: unknown): ReportError | undefined {
  if (error instanceof ReportError) return error;
  if (
    error instanceof Error &&
    error.name === "TimeoutError" &&
    (error.cause as { package?: unknown } | undefined)?.package === "@middy/core"
  ) {
    return new TimeoutError(
      "The report was not finished before the function's deadline; nothing was stored. Retry later, or raise the function timeout if this repeats.",
      { cause: error },
    );
  }
  return undefined;
}
