import { describe, expect, it } from "vitest";
import { MethodNotAllowedError, RouteNotFoundError } from "#lib/errors.ts";
import { readEstateRoute } from "#lib/http/estate-request.ts";
import { type HttpApiEvent, readRoute } from "#lib/http/http-api-event.ts";
import { readReportsRoute } from "#lib/http/reports-request.ts";

/** The three HTTP functions' route checks, one shared checkRoute: exact 404 and 405 answers. */
function event(method: string, path: string): HttpApiEvent {
  return { rawPath: path, requestContext: { http: { method, path } } } as unknown as HttpApiEvent;
}

function thrown(check: () => unknown): Error & { headers?: Readonly<Record<string, string>> } {
  try {
    check();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the route check to throw");
}

describe("route checks", () => {
  it.each([
    [readRoute, "/license/report", "HEAD", "The report is at GET /license/report?format=json|tar."],
    [
      readReportsRoute,
      "/license/reports",
      "HEAD",
      "Stored reports are listed at GET /license/reports?limit=N&next=TOKEN.",
    ],
    [
      readEstateRoute,
      "/license/estate",
      "GET",
      "The estate is at GET /license/estate?format=json|tar, as_of=YYYY-MM, include=details.",
    ],
  ])("%o on %s: the method (upper-cased), else 404 naming where to go", (check, path, method, where) => {
    expect(check(event(method.toLowerCase(), `${path}/`))).toBe(method);
    const notFound = thrown(() => check(event("GET", "")));
    expect(notFound).toBeInstanceOf(RouteNotFoundError);
    expect(notFound.message).toBe(`No route (empty path). ${where}`);
  });

  it.each([
    [readRoute, "/license/report", "GET, HEAD, OPTIONS", "Use GET (or HEAD to check access and parameters)."],
    [
      readReportsRoute,
      "/license/reports",
      "GET, HEAD, OPTIONS",
      "Use GET (or HEAD to check access and parameters).",
    ],
    [readEstateRoute, "/license/estate", "GET, OPTIONS", "Use GET."],
  ])("%o on %s: 405 with Allow for another method", (check, path, allow, use) => {
    const refused = thrown(() => check(event("POST", path)));
    expect(refused).toBeInstanceOf(MethodNotAllowedError);
    expect(refused.message).toBe(`Method POST is not allowed on ${path}. ${use}`);
    expect(refused.headers).toEqual({ allow });
  });
});
