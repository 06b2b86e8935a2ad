import { describe, expect, it } from "vitest";
import { readMonitoringConfig } from "#lib/config/monitoring.ts";
import { ConfigError } from "#lib/errors.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    readMonitoringConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("readMonitoringConfig: REPORT_CONTRACT, REPORT_TAG_PREFIX, REPORT_EVENT_BUS", () => {
  it("reads an S3 object or an SSM parameter, a tag prefix and a bus name or ARN", () => {
    expect(
      readMonitoringConfig({
        REPORT_CONTRACT: "s3://acme-config/kong/contract.json",
        REPORT_TAG_PREFIX: "owner=",
        REPORT_EVENT_BUS: "arn:aws:events:eu-west-1:123456789012:event-bus/kong",
      }),
    ).toStrictEqual({
      contract: { kind: "s3", bucket: "acme-config", key: "kong/contract.json" },
      tagPrefix: "owner=",
      eventBus: "arn:aws:events:eu-west-1:123456789012:event-bus/kong",
    });
    expect(
      readMonitoringConfig({ REPORT_CONTRACT: "ssm:/kong/contract", REPORT_EVENT_BUS: "default" }),
    ).toStrictEqual({
      contract: { kind: "ssm", name: "/kong/contract" },
      eventBus: "default",
    });
    // Blank values are unset, as every variable the template may leave empty.
    expect(readMonitoringConfig({ REPORT_CONTRACT: "", REPORT_EVENT_BUS: " " })).toStrictEqual({});
  });

  it.each([
    [
      { REPORT_CONTRACT: "https://example.com/contract.json" },
      "REPORT_CONTRACT",
      /Expected s3:\/\/<bucket>\/<key>/,
    ],
    [{ REPORT_CONTRACT: "ssm:kong/contract" }, "REPORT_CONTRACT", /ssm:\/<parameter-name>/],
    [
      { REPORT_EVENT_BUS: "my bus!" },
      "REPORT_EVENT_BUS",
      /an EventBridge bus name \(e\.g\. default\) or its ARN/,
    ],
    [{ REPORT_TAG_PREFIX: "x".repeat(65) }, "REPORT_TAG_PREFIX", /expected 1 to 64 printable characters/],
  ])("refuses %j naming %s", (env, variable, message) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.status).toBe(500);
    expect(error.message).toMatch(message);
  });
});
