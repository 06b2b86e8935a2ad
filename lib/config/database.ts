import { ConfigError } from "../errors.ts";
import {
  CLUSTER_ARN,
  DATABASE_NAME,
  type DatabaseSource,
  HOST_NAME,
  SECRET_ARN,
  USER_NAME,
} from "../sql/database-source.ts";
import { type Env, matching, optional, optionalUrl, readChoice, readInteger } from "./read-env.ts";

const DATA_API_VARIABLES = ["KONG_DB_RESOURCE_ARN", "KONG_DB_SECRET_ARN", "KONG_DB_NAME"] as const;
/** A direct connection with credentials AWS holds: a secret in RDS's format, or IAM authentication. */
const DIRECT_VARIABLES = [
  "KONG_PG_SECRET_ARN",
  "KONG_PG_IAM_AUTH",
  "KONG_PG_HOST",
  "KONG_PG_PORT",
  "KONG_PG_USER",
  "KONG_PG_DATABASE",
  "KONG_PG_CA_FILE",
] as const;

const DIRECT_FORMS =
  "KONG_PG_SECRET_ARN (a Secrets Manager secret in RDS's format) or KONG_PG_IAM_AUTH=true with KONG_PG_HOST, KONG_PG_USER and KONG_PG_DATABASE (IAM database authentication)";

/**
 * Reads the Kong database of a report function: the Data API, a direct connection with credentials
 * AWS holds (KONG_PG_*), or (outside Lambda) a PostgreSQL URL. Exactly one of the three.
 */
export function readDatabaseConfig(env: Env): DatabaseSource {
  const url = optional(env, "KONG_DATABASE_URL");
  const dataApiSet = DATA_API_VARIABLES.filter((name) => optional(env, name) !== undefined);
  const directSet = DIRECT_VARIABLES.filter((name) => optional(env, name) !== undefined);
  if (url !== undefined && dataApiSet.length > 0) {
    throw new ConfigError(
      "KONG_DATABASE_URL",
      `KONG_DATABASE_URL and ${dataApiSet.join(", ")} are both set. Use either the Data API (KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN, KONG_DB_NAME) or a direct connection (KONG_DATABASE_URL), not both.`,
    );
  }
  if (directSet.length > 0 && (url !== undefined || dataApiSet.length > 0)) {
    const other = url === undefined ? dataApiSet : ["KONG_DATABASE_URL"];
    throw new ConfigError(
      directSet[0] as string,
      `${directSet.join(", ")} and ${other.join(", ")} are both set. Use one way to the database: the Data API (KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN, KONG_DB_NAME), a direct connection with ${DIRECT_FORMS}, or (CLI only) KONG_DATABASE_URL.`,
    );
  }
  if (directSet.length > 0) return readDirectConfig(env, directSet);
  if (url !== undefined && optional(env, "AWS_LAMBDA_FUNCTION_NAME") !== undefined) {
    // A password in a plain environment variable is visible to anyone who may read the function's
    // configuration: inside Lambda the password comes from Secrets Manager or is an IAM token.
    throw new ConfigError(
      "KONG_DATABASE_URL",
      `KONG_DATABASE_URL is not supported in the Lambda functions (its password would sit in the function's configuration): they read the Kong database through the RDS Data API (KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN, KONG_DB_NAME) or directly with ${DIRECT_FORMS}; see docs/deploy.md. Use the CLI's --database-url for a direct URL.`,
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
    return { kind: "postgres", url, ...readPgTimeouts(env), settings: "environment" };
  }
  if (dataApiSet.length === 0) {
    throw new ConfigError(
      "KONG_DB_RESOURCE_ARN",
      `No database configured. Set KONG_DB_RESOURCE_ARN, KONG_DB_SECRET_ARN and KONG_DB_NAME (RDS Data API), ${DIRECT_FORMS}, or KONG_DATABASE_URL (a direct PostgreSQL URL, CLI only).`,
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
    settings: "environment",
  };
}

/** KONG_PG_*: the secret form, or the IAM form; verify-full against the RDS bundles or KONG_PG_CA_FILE. */
function readDirectConfig(env: Env, given: readonly string[]): DatabaseSource {
  const secretArn = optional(env, "KONG_PG_SECRET_ARN");
  const iamAuth = readChoice(env, "KONG_PG_IAM_AUTH", ["true", "false"], "false") === "true";
  const host = readHost(env);
  const port = optional(env, "KONG_PG_PORT") === undefined ? undefined : readPort(env);
  const database = readName(env, "KONG_PG_DATABASE", DATABASE_NAME, "the Kong database name, e.g. kong");
  const caFile = optional(env, "KONG_PG_CA_FILE");
  const common = {
    ...(caFile === undefined ? {} : { caFile }),
    ...readPgTimeouts(env),
    settings: "environment" as const,
  };
  if (secretArn !== undefined) {
    if (iamAuth || optional(env, "KONG_PG_USER") !== undefined) {
      throw new ConfigError(
        iamAuth ? "KONG_PG_IAM_AUTH" : "KONG_PG_USER",
        `KONG_PG_SECRET_ARN and ${iamAuth ? "KONG_PG_IAM_AUTH=true" : "KONG_PG_USER"} are both set: the secret holds the user and its password; IAM authentication is the other form (KONG_PG_IAM_AUTH=true with KONG_PG_HOST, KONG_PG_USER, KONG_PG_DATABASE and no secret). Set one.`,
      );
    }
    return {
      kind: "postgres-secret",
      secretArn: matching(
        env,
        "KONG_PG_SECRET_ARN",
        SECRET_ARN,
        'the ARN of a Secrets Manager secret in the format RDS writes ({"engine", "host", "port", "username", "password", "dbname"}), e.g. arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1a2b3c-AbCdEf',
      ),
      ...(host === undefined ? {} : { host }),
      ...(port === undefined ? {} : { port }),
      ...(database === undefined ? {} : { database }),
      ...common,
    };
  }
  if (!iamAuth) {
    throw new ConfigError(
      given[0] as string,
      `${given.join(", ")} ${given.length === 1 ? "is" : "are"} set, but a direct connection needs ${DIRECT_FORMS}. The password never goes in a variable.`,
    );
  }
  const missing = (["KONG_PG_HOST", "KONG_PG_USER", "KONG_PG_DATABASE"] as const).filter(
    (name) => optional(env, name) === undefined,
  );
  if (missing.length > 0) {
    throw new ConfigError(
      missing[0] as string,
      `KONG_PG_IAM_AUTH=true needs KONG_PG_HOST (the database endpoint, e.g. kong.abc123.eu-west-1.rds.amazonaws.com), KONG_PG_USER (a role with GRANT rds_iam) and KONG_PG_DATABASE (e.g. kong); ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set.`,
    );
  }
  return {
    kind: "postgres-iam",
    host: host as string,
    port: port ?? 5432,
    user: readName(env, "KONG_PG_USER", USER_NAME, "a PostgreSQL role name, e.g. kong_report") as string,
    database: database as string,
    ...common,
  };
}

function readHost(env: Env): string | undefined {
  return readName(
    env,
    "KONG_PG_HOST",
    HOST_NAME,
    "a host name or IP address without scheme or port, e.g. kong.abc123.eu-west-1.rds.amazonaws.com",
  );
}

function readPort(env: Env): number {
  return readInteger(env, "KONG_PG_PORT", { min: 1, max: 65535, hint: "the PostgreSQL port, e.g. 5432" });
}

function readName(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  return optional(env, name) === undefined ? undefined : matching(env, name, pattern, expected);
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
