import { describe, expect, it } from "vitest";
import { createLogger, describeError, readLogLevel, redact, redactText, redactUrl } from "#lib/log.ts";
import { readInvocationFields } from "#lib/middy/lambda-context.ts";
import { buildLambdaContext } from "../helpers/lambda-events.ts";

const PRESIGNED =
  "https://reports.s3.eu-west-1.amazonaws.com/license-reports/2026/10/report.tar?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA%2F20261005&X-Amz-Security-Token=IQoJ&X-Amz-Signature=abc123";

describe("Module: log", () => {
  it("writes one JSON object per line with the base fields, dropping records below the level", () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger({ level: "info", write: (line) => lines.push(line), now: () => new Date(0) });

    // Act
    logger.child({ request_id: "r1" }).info("report stored", { bytes: 10 });
    logger.debug("hidden");

    // Assess
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        timestamp: "1970-01-01T00:00:00.000Z",
        level: "INFO",
        message: "report stored",
        request_id: "r1",
        bytes: 10,
      },
    ]);
  });

  it.each([
    [{ AWS_LAMBDA_LOG_LEVEL: "WARN", LOG_LEVEL: "debug" }, "warn"],
    [{ AWS_LAMBDA_LOG_LEVEL: "TRACE" }, "debug"],
    [{ AWS_LAMBDA_LOG_LEVEL: "FATAL" }, "error"],
    [{ AWS_LAMBDA_LOG_LEVEL: "bogus", LOG_LEVEL: "error" }, "error"],
    [{ LOG_LEVEL: "debug" }, "debug"],
    [{}, "info"],
  ])("logs at the level Lambda's application log level sets, else LOG_LEVEL (%j -> %s)", (env, level) => {
    expect(readLogLevel(env)).toBe(level);
  });

  it("names an invocation's fields as Lambda and Powertools do, cold start on the first only", () => {
    // Prepare
    const first = buildLambdaContext();
    const second = buildLambdaContext();
    const env = {
      _X_AMZN_TRACE_ID: "Root=1-6745b5c1-0a1b2c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=1",
    };

    // Act
    const fields = [
      readInvocationFields(first, env),
      readInvocationFields(first, env),
      readInvocationFields(second, {}),
    ];

    // Assess
    expect(fields[0]).toEqual({
      requestId: first.awsRequestId,
      function_request_id: first.awsRequestId,
      function_name: "kong-license-report-dev-http",
      function_version: "$LATEST",
      function_arn: "arn:aws:lambda:us-east-1:123456789012:function:kong-license-report-dev-http",
      function_memory_size: 512,
      // This file's first invocation is its worker's first: the container's cold start.
      cold_start: true,
      xray_trace_id: "1-6745b5c1-0a1b2c3d4e5f60718293a4b5",
    });
    expect(fields[1]).toEqual(fields[0]);
    expect(fields[2]).toMatchObject({ requestId: second.awsRequestId, cold_start: false });
    expect(fields[2]).not.toHaveProperty("xray_trace_id");
  });

  it("strips presigned query strings wherever they appear, idempotently", () => {
    // Act
    const once = redactText(`link ${PRESIGNED} sent`);

    // Assess
    expect(once).toBe(
      "link https://reports.s3.eu-west-1.amazonaws.com/license-reports/2026/10/report.tar?[query redacted] sent",
    );
    expect(redactText(once)).toBe(once);
    expect(redactUrl(PRESIGNED)).toBe(once.slice(5, -5));
  });

  it("hides secret-named fields and connection passwords", () => {
    // Act
    const safe = redact({
      license: { license_key: "KEY-123", license_expiration_date: "2027-01-01" },
      KONG_LICENSE: "{...}",
      secretArn: "arn:aws:secretsmanager:...",
      authorization: "Bearer eyJ",
      url: "postgres://kong:hunter2@db:5432/kong",
      nested: [{ password: "p" }],
    });

    // Assess
    expect(safe).toEqual({
      license: "[redacted]",
      KONG_LICENSE: "[redacted]",
      secretArn: "[redacted]",
      authorization: "[redacted]",
      url: "postgres://kong:[redacted]@db:5432/kong",
      nested: [{ password: "[redacted]" }],
    });
  });

  it("describes an error by name, message, code and cause, never its stack", () => {
    // Prepare
    const cause = Object.assign(new Error(`fetch ${PRESIGNED} failed`), { code: "ECONNRESET" });
    const error = new Error("Upload failed", { cause });

    // Act
    const described = describeError(error);

    // Assess
    expect(described).toEqual({
      name: "Error",
      message: "Upload failed",
      cause: { name: "Error", message: expect.stringContaining("?[query redacted]"), code: "ECONNRESET" },
    });
    expect(JSON.stringify(described)).not.toContain("at ");
  });
});
