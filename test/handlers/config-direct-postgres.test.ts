import { describe, expect, it } from "vitest";
import { readReportConfig } from "#lib/config/report.ts";
import { ConfigError } from "#lib/errors.ts";

// The direct PostgreSQL forms of the report functions' configuration (KONG_PG_*): a Secrets Manager
// secret in RDS's format, or IAM database authentication; never together with the Data API or a URL.

const BASE = { REPORT_BUCKET: "acme-reports", AWS_LAMBDA_FUNCTION_NAME: "kong-license-report-prod-http" };
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-4e5f-AbCdEf";

function configError(env: Record<string, string>): ConfigError {
  try {
    readReportConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("Function: readReportConfig with a direct PostgreSQL connection in Lambda", () => {
  it("reads the secret form, an RDS-managed master secret with the database given", () => {
    const config = readReportConfig({
      ...BASE,
      KONG_PG_SECRET_ARN: SECRET,
      KONG_PG_DATABASE: "kong",
      KONG_DB_STATEMENT_TIMEOUT_SECONDS: "90",
      // The template passes the Data API's variables empty when they are not used.
      KONG_DB_RESOURCE_ARN: "",
      KONG_DB_SECRET_ARN: "",
      KONG_DB_NAME: "",
    });

    expect(config.database).toEqual({
      kind: "postgres-secret",
      secretArn: SECRET,
      database: "kong",
      statementTimeoutMs: 90_000,
      settings: "environment",
    });
  });

  it("reads the IAM form with its host, port, user, database and a CA file of one's own", () => {
    const config = readReportConfig({
      ...BASE,
      KONG_PG_IAM_AUTH: "true",
      KONG_PG_HOST: "kong.abc123.eu-west-1.rds.amazonaws.com",
      KONG_PG_PORT: "6543",
      KONG_PG_USER: "kong_report",
      KONG_PG_DATABASE: "kong",
      KONG_PG_CA_FILE: "/opt/ca/internal-ca.pem",
    });

    expect(config.database).toEqual({
      kind: "postgres-iam",
      host: "kong.abc123.eu-west-1.rds.amazonaws.com",
      port: 6543,
      user: "kong_report",
      database: "kong",
      caFile: "/opt/ca/internal-ca.pem",
      settings: "environment",
    });
  });

  it("defaults the IAM form's port to 5432", () => {
    const config = readReportConfig({
      ...BASE,
      KONG_PG_IAM_AUTH: "true",
      KONG_PG_HOST: "10.0.3.17",
      KONG_PG_USER: "kong_report",
      KONG_PG_DATABASE: "kong",
    });

    expect(config.database).toMatchObject({ kind: "postgres-iam", host: "10.0.3.17", port: 5432 });
  });

  it.each([
    [
      { KONG_PG_SECRET_ARN: SECRET, KONG_DB_RESOURCE_ARN: "arn:aws:rds:eu-west-1:123456789012:cluster:kong" },
      "KONG_PG_SECRET_ARN",
      /^KONG_PG_SECRET_ARN and KONG_DB_RESOURCE_ARN are both set\. Use one way to the database: the Data API/,
    ],
    [
      { KONG_PG_HOST: "db", KONG_DATABASE_URL: "postgres://kong:s3cret@db/kong" },
      "KONG_PG_HOST",
      /^KONG_PG_HOST and KONG_DATABASE_URL are both set/,
    ],
    [
      { KONG_PG_HOST: "db.internal", KONG_PG_USER: "kong" },
      "KONG_PG_HOST",
      /^KONG_PG_HOST, KONG_PG_USER are set, but a direct connection needs KONG_PG_SECRET_ARN \(a Secrets Manager secret in RDS's format\) or KONG_PG_IAM_AUTH=true with KONG_PG_HOST, KONG_PG_USER and KONG_PG_DATABASE \(IAM database authentication\)\. The password never goes in a variable\.$/,
    ],
    [
      { KONG_PG_SECRET_ARN: SECRET, KONG_PG_IAM_AUTH: "true" },
      "KONG_PG_IAM_AUTH",
      /KONG_PG_SECRET_ARN and KONG_PG_IAM_AUTH=true are both set: the secret holds the user and its password/,
    ],
    [
      { KONG_PG_SECRET_ARN: SECRET, KONG_PG_USER: "admin" },
      "KONG_PG_USER",
      /KONG_PG_SECRET_ARN and KONG_PG_USER are both set/,
    ],
    [
      { KONG_PG_SECRET_ARN: "kong-db-secret" },
      "KONG_PG_SECRET_ARN",
      /^KONG_PG_SECRET_ARN "kong-db-secret" is invalid\. Expected the ARN of a Secrets Manager secret in the format RDS writes/,
    ],
    [
      { KONG_PG_IAM_AUTH: "true", KONG_PG_HOST: "db" },
      "KONG_PG_USER",
      /^KONG_PG_IAM_AUTH=true needs KONG_PG_HOST .*; KONG_PG_USER, KONG_PG_DATABASE are not set\.$/,
    ],
    [
      { KONG_PG_IAM_AUTH: "yes" },
      "KONG_PG_IAM_AUTH",
      /KONG_PG_IAM_AUTH "yes" is not allowed\. Use one of true, false/,
    ],
    [
      { KONG_PG_SECRET_ARN: SECRET, KONG_PG_HOST: "https://db:5432" },
      "KONG_PG_HOST",
      /^KONG_PG_HOST "https:\/\/db:5432" is invalid\. Expected a host name or IP address without scheme or port/,
    ],
    [
      { KONG_PG_SECRET_ARN: SECRET, KONG_PG_PORT: "99999" },
      "KONG_PG_PORT",
      /from 1 to 65535 \(the PostgreSQL port/,
    ],
    [
      { KONG_PG_IAM_AUTH: "true", KONG_PG_HOST: "db", KONG_PG_USER: "kong report", KONG_PG_DATABASE: "kong" },
      "KONG_PG_USER",
      /^KONG_PG_USER "kong report" is invalid\. Expected a PostgreSQL role name/,
    ],
  ])("refuses %j naming %s", (env, variable, message) => {
    const error = configError({ ...BASE, ...(env as Record<string, string>) });

    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("s3cret");
  });

  it("still refuses a URL in Lambda, naming the two direct forms that replace it", () => {
    const error = configError({ ...BASE, KONG_DATABASE_URL: "postgres://kong:s3cret@10.0.0.5:5432/kong" });

    expect(error.variable).toBe("KONG_DATABASE_URL");
    expect(error.message).toBe(
      "KONG_DATABASE_URL is not supported in the Lambda functions (its password would sit in the function's configuration): they read the Kong database through the RDS Data API (KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN, KONG_DB_NAME) or directly with KONG_PG_SECRET_ARN (a Secrets Manager secret in RDS's format) or KONG_PG_IAM_AUTH=true with KONG_PG_HOST, KONG_PG_USER and KONG_PG_DATABASE (IAM database authentication); see docs/deploy.md. Use the CLI's --database-url for a direct URL.",
    );
  });
});
