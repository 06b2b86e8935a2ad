import { describe, expect, it } from "vitest";
import { readAdminPolicy } from "#lib/config/admin.ts";
import { readReportConfig } from "#lib/config/report.ts";
import { DEFAULT_URL_TTL_SECONDS } from "#lib/config/storage.ts";
import { ConfigError } from "#lib/errors.ts";

const DATA_API = {
  KONG_DB_RESOURCE_ARN: "arn:aws:rds:eu-west-1:123456789012:cluster:kong",
  KONG_DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-db-AbCdEf",
  KONG_DB_NAME: "kong",
  REPORT_BUCKET: "acme-kong-reports",
} as const;

const LICENSE = JSON.stringify({
  license: { payload: { license_key: "KEY-123", license_expiration_date: "2027-01-01" } },
});

function configError(env: Record<string, string>): ConfigError {
  try {
    readReportConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("Function: readReportConfig", () => {
  it("reads the Data API variables and applies the documented defaults", () => {
    // Act
    const config = readReportConfig(DATA_API);

    // Assess
    expect(config).toEqual({
      database: {
        kind: "data-api",
        resourceArn: DATA_API.KONG_DB_RESOURCE_ARN,
        secretArn: DATA_API.KONG_DB_SECRET_ARN,
        database: "kong",
        settings: "environment",
      },
      bucket: "acme-kong-reports",
      prefix: "license-reports/",
      urlTtlSeconds: DEFAULT_URL_TTL_SECONDS,
      timeZone: "UTC",
      node: {},
      checksumAlgorithm: "sha1",
      logLevel: "info",
      signing: {},
      monitoring: {}, // no contract, the default tag prefix, no events
    });
  });

  it("reads a direct connection, endpoints, KMS key, prefix and the Kong node facts", () => {
    // Act
    const config = readReportConfig({
      KONG_DATABASE_URL: "postgres://kong:s3cret@127.0.0.1:5432/kong",
      REPORT_BUCKET: "reports",
      REPORT_PREFIX: "kong/reports",
      REPORT_URL_TTL_SECONDS: "3600",
      REPORT_TIME_ZONE: "America/New_York",
      REPORT_KMS_KEY_ID: "alias/kong-reports",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4569",
      KONG_VERSION: "3.9.1.2",
      KONG_DEPLOYMENT_TYPE: "hybrid",
      KONG_NODE_UNAME: "Linux cp-0 6.1.0",
      KONG_NODE_CORES: "8",
      KONG_NODE_HOSTNAME: "kong-cp-0",
      REPORT_CHECKSUM_ALGORITHM: "sha256",
      KONG_LICENSE: Buffer.from(LICENSE).toString("base64"),
      CLUSTER_NAME: "prod-eu-1",
    });

    // Assess
    expect(config).toMatchObject({
      database: {
        kind: "postgres",
        url: "postgres://kong:s3cret@127.0.0.1:5432/kong",
        settings: "environment",
      },
      prefix: "kong/reports/",
      urlTtlSeconds: 3600,
      timeZone: "America/New_York",
      kmsKeyId: "alias/kong-reports",
      s3Endpoint: "http://127.0.0.1:4569",
      clusterName: "prod-eu-1",
      node: {
        kongVersion: "3.9.1.2",
        deploymentType: "hybrid",
        systemInfo: { uname: "Linux cp-0 6.1.0", cores: 8, hostname: "kong-cp-0" },
        license: Buffer.from(LICENSE).toString("base64"),
      },
      checksumAlgorithm: "sha256",
    });
  });

  it("treats an empty REPORT_PREFIX as no prefix", () => {
    expect(readReportConfig({ ...DATA_API, REPORT_PREFIX: "" }).prefix).toBe("");
  });

  it.each([
    [{ REPORT_BUCKET: "acme" }, "KONG_DB_RESOURCE_ARN", /No database configured/],
    [{ ...DATA_API, KONG_DB_SECRET_ARN: "" }, "KONG_DB_SECRET_ARN", /KONG_DB_SECRET_ARN is not set/],
    [{ ...DATA_API, KONG_DATABASE_URL: "postgres://h/kong" }, "KONG_DATABASE_URL", /not both/],
    [{ ...DATA_API, KONG_DB_RESOURCE_ARN: "kong-cluster" }, "KONG_DB_RESOURCE_ARN", /Aurora cluster ARN/],
    [{ ...DATA_API, REPORT_BUCKET: "" }, "REPORT_BUCKET", /REPORT_BUCKET is not set/],
    [{ ...DATA_API, REPORT_BUCKET: "My_Bucket" }, "REPORT_BUCKET", /S3 bucket name/],
    [{ ...DATA_API, REPORT_URL_TTL_SECONDS: "0" }, "REPORT_URL_TTL_SECONDS", /from 1 to 604800/],
    [{ ...DATA_API, REPORT_URL_TTL_SECONDS: "604801" }, "REPORT_URL_TTL_SECONDS", /7 days/],
    [{ ...DATA_API, REPORT_URL_TTL_SECONDS: "15m" }, "REPORT_URL_TTL_SECONDS", /whole number/],
    [{ ...DATA_API, REPORT_PREFIX: "/abs/" }, "REPORT_PREFIX", /must not start with "\/"/],
    [{ ...DATA_API, REPORT_PREFIX: "a/../b" }, "REPORT_PREFIX", /"\.\."/],
    [{ ...DATA_API, REPORT_TIME_ZONE: "Mars/Olympus" }, "REPORT_TIME_ZONE", /IANA time zone/],
    [
      { ...DATA_API, REPORT_CHECKSUM_ALGORITHM: "md5" },
      "REPORT_CHECKSUM_ALGORITHM",
      /REPORT_CHECKSUM_ALGORITHM "md5" is not allowed\. Use one of sha1, sha256/,
    ],
    [{ ...DATA_API, AWS_ENDPOINT_URL_S3: "localhost:4569" }, "AWS_ENDPOINT_URL_S3", /http: or https: URL/],
    [{ ...DATA_API, AWS_ENDPOINT_URL_RDS_DATA: "not a url" }, "AWS_ENDPOINT_URL_RDS_DATA", /not a URL/],
    [{ ...DATA_API, KONG_VERSION: "latest" }, "KONG_VERSION", /3\.9\.1\.2/],
    [{ ...DATA_API, KONG_DEPLOYMENT_TYPE: "cloud" }, "KONG_DEPLOYMENT_TYPE", /traditional, hybrid, dbless/],
    [{ ...DATA_API, KONG_NODE_CORES: "0" }, "KONG_NODE_CORES", /from 1 to 65536/],
    [{ ...DATA_API, KONG_LICENSE: "not-a-license" }, "KONG_LICENSE", /not a Kong license/],
    [{ ...DATA_API, LOG_LEVEL: "trace" }, "LOG_LEVEL", /debug, info, warn, error/],
    [
      { ...DATA_API, CLUSTER_NAME: "prod eu/1" },
      "CLUSTER_NAME",
      /letters, digits, dots, underscores or hyphens/,
    ],
  ])("rejects %j naming %s", (env, variable, message) => {
    // Act
    const error = configError(env as Record<string, string>);

    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(message);
    expect(error.status).toBe(500);
  });

  it("never echoes a connection URL, which may hold a password", () => {
    // Act
    const error = configError({ KONG_DATABASE_URL: "mysql://kong:hunter2@db/kong", REPORT_BUCKET: "acme" });

    // Assess
    expect(error.variable).toBe("KONG_DATABASE_URL");
    expect(error.message).not.toContain("hunter2");
  });

  it("never echoes a bad license", () => {
    expect(configError({ ...DATA_API, KONG_LICENSE: "SECRET-LICENSE-TEXT" }).message).not.toContain("SECRET");
  });
});

describe("Function: readReportConfig in a Lambda function", () => {
  it("refuses the direct URL (its password would sit in the function's configuration)", () => {
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: "kong-license-report-prod-http",
      KONG_DATABASE_URL: "postgres://kong:s3cret@10.0.0.5:5432/kong",
      REPORT_BUCKET: "acme-reports",
    };
    expect(() => readReportConfig(env)).toThrow(
      "KONG_DATABASE_URL is not supported in the Lambda functions (its password would sit in the function's configuration)",
    );
    expect(() => readReportConfig(env)).not.toThrow(/s3cret/);
  });
});

describe("Function: readAdminPolicy", () => {
  it("splits comma- or space-separated groups and scopes", () => {
    expect(
      readAdminPolicy({ ADMIN_GROUPS: "kong-admins, platform", ADMIN_SCOPES: "license-report/admin" }),
    ).toEqual({
      groups: ["kong-admins", "platform"],
      scopes: ["license-report/admin"],
      groupClaims: ["cognito:groups", "groups"],
    });
  });

  it("reads the group claim paths of ADMIN_GROUPS_CLAIM, once, and refuses one that is not a path", () => {
    expect(
      readAdminPolicy({ ADMIN_GROUPS: "kong-admins", ADMIN_GROUPS_CLAIM: "realm_access.roles, roles" })
        .groupClaims,
    ).toEqual(["realm_access.roles", "roles"]);
    expect(() =>
      readAdminPolicy({ ADMIN_GROUPS: "kong-admins", ADMIN_GROUPS_CLAIM: "realm_access..roles" }),
    ).toThrow(
      'ADMIN_GROUPS_CLAIM "realm_access..roles" is not a claim path. Use the claim\'s name, with dots into nested objects: groups (Okta), roles (Entra ID), realm_access.roles (Keycloak), cognito:groups (Cognito); several comma-separated.',
    );
  });

  it("refuses a policy no token could satisfy", () => {
    expect(() => readAdminPolicy({ ADMIN_GROUPS: " , ", ADMIN_SCOPES: "" })).toThrow(
      /ADMIN_GROUPS and ADMIN_SCOPES are both empty/,
    );
  });
});
