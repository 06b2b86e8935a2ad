import { describe, expect, it } from "vitest";
import { createLogger, describeError, redact, redactText, redactUrl } from "#lib/log.ts";

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
        level: "info",
        message: "report stored",
        request_id: "r1",
        bytes: 10,
      },
    ]);
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
