import { describe, expect, it } from "vitest";
import {
  BadParameterError,
  DatabaseResumingError,
  MethodNotAllowedError,
  NotAuthenticatedError,
  ReportUploadError,
} from "#lib/errors.ts";
import { toErrorResponse } from "#lib/http/error-response.ts";

describe("Function: toErrorResponse", () => {
  it.each([
    [new BadParameterError("format", "Invalid format"), 400, {}],
    [new NotAuthenticatedError("No token"), 401, { "www-authenticate": 'Bearer realm="license-report"' }],
    [new MethodNotAllowedError("No POST", ["GET", "HEAD"]), 405, { allow: "GET, HEAD" }],
    [new DatabaseResumingError(15, "Resuming"), 503, { "retry-after": "15" }],
    [new ReportUploadError("Upload failed"), 502, {}],
  ])("answers %s with its status, headers and message", (error, status, headers) => {
    // Act
    const { response, known } = toErrorResponse(error, "req-1");

    // Assess
    expect(known).toBe(true);
    expect(response.statusCode).toBe(status);
    expect(response.headers).toEqual({
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    });
    expect(JSON.parse(response.body)).toEqual({ message: error.message });
  });

  it("hides an unknown error behind a generic 500 that gives the request id", () => {
    // Act
    const { response, known } = toErrorResponse(
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      "req-2",
    );

    // Assess
    expect(known).toBe(false);
    expect(response.statusCode).toBe(500);
    const { message } = JSON.parse(response.body) as { message: string };
    expect(message).toContain("req-2");
    expect(message).not.toContain("Cannot read");
  });

  it("maps middy's own early-timeout error to 504", () => {
    // Prepare: what @middy/core throws when timeoutEarlyResponse is left at its default.
    const error = new Error("[AbortError]: The operation was aborted.", {
      cause: { package: "@middy/core" },
    });
    error.name = "TimeoutError";

    // Act
    const { response } = toErrorResponse(error, "req-3");

    // Assess
    expect(response.statusCode).toBe(504);
    expect(JSON.parse(response.body).message).toMatch(/deadline/);
  });
});
