import {
  AWS_REGION,
  DATABASE_NAME,
  EXTERNAL_ID,
  HOST_NAME,
  ROLE_ARN,
  SECRET_ARN,
  USER_NAME,
} from "../sql/database-source.ts";
import { type Fail, quoteAll, type ReadText } from "./entry-fields.ts";
import type { EnvironmentSource } from "./types.ts";

// An environment's "postgres" entry: the direct PostgreSQL connection of the Lambdas (and the CLI)
// with credentials AWS holds, in the environments file's words (no field of it is a secret):
//   "postgres": {"secret_arn": "arn:aws:secretsmanager:…"}                       (RDS's secret format)
//   "postgres": {"host": "…", "port": 5432, "user": "…", "database": "…", "iam_auth": true}
// optionally with "ca_file" (own CA instead of the RDS bundles), "schema", "role_arn"/"external_id"
// (another account), and for the IAM form "region".

const KEYS = [
  "secret_arn",
  "host",
  "port",
  "user",
  "database",
  "iam_auth",
  "ca_file",
  "schema",
  "region",
  "role_arn",
  "external_id",
];

const SHAPE =
  '{"secret_arn": "arn:aws:secretsmanager:…"} or {"host": "…", "port": 5432, "user": "…", "database": "…", "iam_auth": true}';

/** Reads and validates the entry's "postgres" object; `text` expands `${NAME}` references. */
export function readPostgresEntry(raw: Record<string, unknown>, text: ReadText, at: Fail): EnvironmentSource {
  const value = raw.postgres;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return at(`"postgres" must be an object: ${SHAPE}.`);
  }
  const entry = value as Record<string, unknown>;
  const unknown = Object.keys(entry).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) {
    at(`unknown key(s) in "postgres": ${quoteAll(unknown)}; allowed: ${quoteAll(KEYS)}.`);
  }
  const field = (key: string, pattern: RegExp, expected: string): string | undefined => {
    const value = text(key, entry, `postgres.${key}`);
    if (value !== undefined && !pattern.test(value)) {
      at(`"postgres.${key}" ${JSON.stringify(value)} is invalid: expected ${expected}.`);
    }
    return value;
  };
  const iamAuth = entry.iam_auth;
  if (iamAuth !== undefined && typeof iamAuth !== "boolean") at('"postgres.iam_auth" must be true or false.');
  const secretArn = field(
    "secret_arn",
    SECRET_ARN,
    "a Secrets Manager secret ARN, e.g. arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-db-AbCdEf",
  );
  const host = field("host", HOST_NAME, "a host name or IP address without scheme or port");
  const user = field("user", USER_NAME, "a PostgreSQL role name, e.g. kong_report");
  const database = field("database", DATABASE_NAME, "the Kong database name, e.g. kong");
  const schema = field("schema", DATABASE_NAME, "a schema name (letters, digits, _)");
  const region = field("region", AWS_REGION, "an AWS region, e.g. eu-west-1");
  const roleArn = field(
    "role_arn",
    ROLE_ARN,
    "an IAM role ARN, e.g. arn:aws:iam::210987654321:role/kong-license-report",
  );
  const externalId = field("external_id", EXTERNAL_ID, "2 to 1224 characters of [A-Za-z0-9+=,.@:/_-]");
  const caFile = text("ca_file", entry, "postgres.ca_file");
  const port = readPort(
    typeof entry.port === "string" ? text("port", entry, "postgres.port") : entry.port,
    at,
  );
  if (externalId !== undefined && roleArn === undefined)
    at('"postgres.external_id" needs "postgres.role_arn".');
  const common = {
    ...(caFile === undefined ? {} : { caFile }),
    ...(schema === undefined ? {} : { schema }),
    ...(roleArn === undefined ? {} : { roleArn }),
    ...(externalId === undefined ? {} : { externalId }),
    settings: "environments-file" as const,
  };
  if (secretArn !== undefined) {
    const excluded = [
      ...(iamAuth === true ? ["iam_auth"] : []),
      ...(user === undefined ? [] : ["user"]),
      ...(region === undefined ? [] : ["region"]),
    ];
    if (excluded.length > 0) {
      at(
        `"postgres.secret_arn" excludes ${quoteAll(excluded.map((key) => `postgres.${key}`))}: the secret holds the user and its password, and its ARN names its region.`,
      );
    }
    return {
      kind: "postgres-secret",
      secretArn,
      ...(host === undefined ? {} : { host }),
      ...(port === undefined ? {} : { port }),
      ...(database === undefined ? {} : { database }),
      ...common,
    };
  }
  if (iamAuth !== true) {
    return at(
      `"postgres" needs "secret_arn" (a Secrets Manager secret in RDS's format) or "iam_auth": true with "host", "user" and "database" (IAM database authentication): ${SHAPE}.`,
    );
  }
  const missing = [
    ...(host === undefined ? ["host"] : []),
    ...(user === undefined ? ["user"] : []),
    ...(database === undefined ? ["database"] : []),
  ];
  if (missing.length > 0 || host === undefined || user === undefined || database === undefined) {
    return at(`"postgres" with "iam_auth": true needs ${quoteAll(missing.map((key) => `postgres.${key}`))}.`);
  }
  return {
    kind: "postgres-iam",
    host,
    port: port ?? 5432,
    user,
    database,
    ...(region === undefined ? {} : { region }),
    ...common,
  };
}

function readPort(value: unknown, at: Fail): number | undefined {
  if (value === undefined) return undefined;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(number) || number < 1 || number > 65535) {
    return at('"postgres.port" must be a port number from 1 to 65535, e.g. 5432.');
  }
  return number;
}
