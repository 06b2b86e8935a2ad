import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import type { HttpApiEvent, HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import { httpResponses } from "#lib/middy/http-responses.ts";
import { scheduledErrors } from "#lib/middy/scheduled-errors.ts";
import { buildHttpApiEvent, buildLambdaContext } from "../helpers/lambda-events.ts";

// The two error middlewares of the handlers, on middy itself, with a handler that fails the way a bug
// does (a TypeError): the real components never throw one on demand. The product's own errors through
// these middlewares are covered by the handler tests (http, scheduled, estate-*).

const BUG = "Cannot read properties of undefined (reading 'rows')";

describe("middy error middlewares", () => {
  let logs: Record<string, unknown>[];
  const logger = () =>
    createLogger({ write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const withoutRequestId = (): Context => ({ ...buildLambdaContext(), awsRequestId: undefined as never });

  beforeEach(() => {
    logs = [];
  });

  describe("httpResponses", () => {
    const http = (body: () => Promise<HttpResponse>) =>
      middy<HttpApiEvent, HttpResponse>(body).use(httpResponses({ logger: logger() }));

    it("answers an unexpected error with a 500 that gives the request id, and logs the error, not the answer", async () => {
      // Prepare
      const context = buildLambdaContext();
      const event = await buildHttpApiEvent({ path: "/license/report" });

      // Act
      const response = await http(() => Promise.reject(new TypeError(BUG)))(event, context);

      // Assess
      expect(response.statusCode).toBe(500);
      const { message } = JSON.parse(response.body) as { message: string };
      expect(message).toContain(`request id ${context.awsRequestId}`);
      expect(message).not.toContain("Cannot read");
      expect(logs.map((record) => [record.level, record.message])).toEqual([
        ["ERROR", "unexpected error"],
        ["INFO", "request finished"],
      ]);
      expect(logs[0]).toMatchObject({
        function_request_id: context.awsRequestId,
        api_request_id: event.requestContext.requestId,
        error: { name: "TypeError", message: BUG },
      });
      expect(logs[1]).toMatchObject({ method: "GET", path: "/license/report", status: 500 });
      expect(typeof logs[1]?.duration_ms).toBe("number");
      expect(JSON.stringify(logs)).not.toMatch(/\bat .*\.ts:\d+/);
    });

    it("says the request id is unknown when the context has none", async () => {
      // Act
      const response = await http(() => Promise.reject(new TypeError(BUG)))(
        await buildHttpApiEvent(),
        withoutRequestId(),
      );

      // Assess
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body).message).toContain("request id unknown");
    });

    it("logs an event that did not come through API Gateway without an api_request_id", async () => {
      // Prepare: a bare console test event.
      const event = { rawPath: "/license/report" } as HttpApiEvent;
      const answer: HttpResponse = { statusCode: 200, headers: {}, body: "{}" };

      // Act
      const response = await http(async () => answer)(event, buildLambdaContext());

      // Assess
      expect(response).toEqual(answer);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ message: "request finished", path: "/license/report", status: 200 });
      expect(logs[0]).not.toHaveProperty("api_request_id");
      expect(logs[0]).not.toHaveProperty("method");
    });
  });

  describe("scheduledErrors", () => {
    const scheduled = (body: () => Promise<unknown>) =>
      middy<unknown, unknown>(body).use(scheduledErrors({ logger: logger() }));

    it("fails the invocation with a generic InternalError naming the request id, the log keeping the error", async () => {
      // Prepare
      const context = buildLambdaContext();

      // Act
      const failure = (await scheduled(() => Promise.reject(new TypeError(BUG)))({}, context).catch(
        (error: unknown) => error,
      )) as Error;

      // Assess: what the Lambda console (or Step Functions' Cause) shows: no message of the bug, no trace.
      expect(failure.name).toBe("InternalError");
      expect(failure.message).toBe(
        `Internal error while producing the license report; the function log holds the details (request id ${context.awsRequestId}).`,
      );
      expect(failure.stack).toBe(`InternalError: ${failure.message}`);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        level: "ERROR",
        message: "report run failed",
        function_request_id: context.awsRequestId,
        error: { name: "TypeError", message: BUG },
      });
    });

    it("says the request id is unknown when the context has none", async () => {
      // Act
      const failure = (await scheduled(() => Promise.reject(new TypeError(BUG)))(
        {},
        withoutRequestId(),
      ).catch((error: unknown) => error)) as Error;

      // Assess
      expect(failure.name).toBe("InternalError");
      expect(failure.message).toMatch(/\(request id unknown\)\.$/);
    });
  });
});
