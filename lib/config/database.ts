import { ConfigError } from "../errors.ts";
import { CLUSTER_ARN, DATABASE_NAME, type DatabaseSource, SECRET_ARN } from "../sql/database-source.ts";
import { type Env, matching, optional, optionalUrl, readInteger } from "./read-env.ts";

const DATA_API_VARIABLES = ["KONG_DB_RESOURCE_ARN", "KONG_DB_SECRET_ARN", "KONG_DB_NAME"] as const;

/** Reads the Kong database of a report function: the Data API, or (outside Lambda) a PostgreSQL URL. */
export function readDatabaseConfig(env: Env): DatabaseSource {
  const url = optional(env, "KONG_DATABASE_URL");
  const dataApiSet = DATA_API_VARIABLES.filter((name) => optional(env, name) !== undefined);
  if (url !== undefined && dataApiSet.length > 0) {
    throw new ConfigError(
      "KONG_DATABASE_URL",
      `KONG_DATABASE_URL and ${dataApiSet.join(", ")} are both set. Use either the Data API (KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN, KONG_DB_NAME) or a direct connection (KONG_DATABASE_URL), not both.`,
    );
  }
  if (url !== undefined && optional(env, "AWS_LAMBDA_FUNCTION_NAME") !== undefined) {
    // The deployed functions have no VPC: a private RDS endpoint is unreachable from them, and the
    // Data API gives IAM-scoped access without a network path. The direct URL is for the CLI.
    throw new ConfigError(
      "KONG_DATABASE_URL",
      "KONG_DATABASE_URL is not supported in the Lambda functions: they read the Kong database through the RDS Data API only (KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN, KONG_DB_NAME; see docs/deploy.md). Use the CLI's --database-url for a direct connection.",
    );
  }
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    // The value may hold a password: never echo it.
    if (parsed === undefined || !["postgres:", "postgresql:"].includes(parsed.protocol)) {
      throw new ConfigError(
        "KONG_DATABASE_URL",
        "KONG_DATABASE_URL is not a PostgreSQL URL. Expected postgres://user:password@host:5432/kong.",
      );
    }
    return { kind: "postgres", url, ...readPgTimeouts(env) };
  }
  if (dataApiSet.length === 0) {
    throw new ConfigError(
      "KONG_DB_RESOURCE_ARN",
      "No database configured. Set KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN and KONG_DB_NAME (RDS Data API) or KONG_DATABASE_URL (direct PostgreSQL connection).",
    );
  }
  const endpoint = optionalUrl(env, "AWS_ENDPOINT_URL_RDS_DATA", ["http:", "https:"]);
  return {
    kind: "data-api",
    resourceArn: matching(
      env,
      "KONG_DB_RESOURCE_ARN",
      CLUSTER_ARN,
      "the Aurora cluster ARN, e.g. arn:aws:rds:eu-west-1:123456789012:cluster:kong",
    ),
    secretArn: matching(
      env,
      "KONG_DB_SECRET_ARN",
      SECRET_ARN,
      "the Secrets Manager secret ARN holding the database credentials, e.g. arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-db-AbCdEf",
    ),
    database: matching(env, "KONG_DB_NAME", DATABASE_NAME, "the Kong database name, e.g. kong"),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/** Statement and lock timeouts of a direct connection (the Data API has its own 45 s limit). */
function readPgTimeouts(env: Env): { statementTimeoutMs?: number; lockTimeoutMs?: number } {
  const read = (name: string, hint: string) =>
    optional(env, name) === undefined
      ? undefined
      : readInteger(env, name, { min: 1, max: 3600, hint }) * 1000;
  const statement = read(
    "KONG_DB_STATEMENT_TIMEOUT_SECONDS",
    "seconds a report statement may run before it is cancelled (default 60)",
  );
  const lock = read(
    "KONG_DB_LOCK_TIMEOUT_SECONDS",
    "seconds to wait for a table lock, e.g. held by kong migrations (default 10)",
  );
  return {
    ...(statement === undefined ? {} : { statementTimeoutMs: statement }),
    ...(lock === undefined ? {} : { lockTimeoutMs: lock }),
  };
}
