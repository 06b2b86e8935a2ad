import { isRecord } from "../shared/is-record.ts";
import { CLUSTER_ARN, DATABASE_NAME, SECRET_ARN } from "../sql/database-source.ts";
import { type Fail, quoteAll, type ReadText } from "./entry-fields.ts";
import { expandSecretReferences, type ReferenceSource, refuseReferences } from "./expand-references.ts";
import { readPostgresEntry } from "./postgres-entry.ts";
import type { EnvironmentSource } from "./types.ts";

/** The keys of an entry that name its source; exactly one is given. */
export const SOURCE_KEYS = ["demo", "database_url", "data_api", "postgres"] as const;
export type SourceKey = (typeof SOURCE_KEYS)[number];

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const EXTERNAL_ID = /^[A-Za-z0-9+=,.@:/_-]{2,1224}$/;
const DATA_API_KEYS = [
  "resource_arn",
  "secret_arn",
  "database",
  "region",
  "role_arn",
  "external_id",
  "endpoint",
];

/**
 * The entry's one source: the demo database, a PostgreSQL URL (its password added to `secrets`),
 * or the Data API (cluster and secret ARNs in one region, optionally through a role).
 */
export function readSource(
  kind: SourceKey,
  raw: Record<string, unknown>,
  text: ReadText,
  at: Fail,
  secrets: string[],
  references: ReferenceSource,
): EnvironmentSource {
  if (kind !== "database_url" && raw.schema !== undefined) {
    at('"schema" applies to "database_url" only.');
  }
  if (kind === "postgres") return readPostgresEntry(raw, text, at);
  if (kind === "demo") {
    if (raw.demo !== true) at('"demo" must be true (the embedded demo database).');
    return { kind: "demo" };
  }
  if (kind === "database_url") {
    const url = readDatabaseUrl(raw.database_url, references, secrets, at);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    // The value may hold a password: never echo it.
    if (parsed === undefined || !["postgres:", "postgresql:"].includes(parsed.protocol) || !parsed.hostname) {
      at(
        '"database_url" is not a PostgreSQL URL; expected postgres://user:$' +
          "{PASSWORD_VARIABLE}@host:5432/kong (the password from a variable).",
      );
    }
    // A password written in the file (no reference) is a secret too.
    const password = parsed?.password ?? "";
    if (password !== "") secrets.push(password, safeDecode(password));
    const schema = text("schema");
    if (schema !== undefined && !DATABASE_NAME.test(schema)) {
      at(`"schema" ${JSON.stringify(schema)} is not a schema name (letters, digits, "_").`);
    }
    return {
      kind: "postgres",
      url,
      ...(schema === undefined ? {} : { schema }),
      settings: "environments-file",
    };
  }
  const api = raw.data_api;
  if (!isRecord(api)) {
    return at(
      '"data_api" must be an object {"resource_arn", "secret_arn", "database", "region"?, "role_arn"?, "external_id"?, "endpoint"?}.',
    );
  }
  const unknown = Object.keys(api).filter((key) => !DATA_API_KEYS.includes(key));
  if (unknown.length > 0) {
    at(`unknown key(s) in "data_api": ${quoteAll(unknown)}; allowed: ${quoteAll(DATA_API_KEYS)}.`);
  }
  const field = (key: string, pattern: RegExp, expected: string, required: boolean): string | undefined => {
    const value = text(key, api, `data_api.${key}`);
    if (value === undefined) {
      return required ? at(`"data_api.${key}" is missing: expected ${expected}.`) : undefined;
    }
    if (!pattern.test(value))
      at(`"data_api.${key}" ${JSON.stringify(value)} is invalid: expected ${expected}.`);
    return value;
  };
  const resourceArn = field(
    "resource_arn",
    CLUSTER_ARN,
    "an Aurora cluster ARN, e.g. arn:aws:rds:eu-west-1:123456789012:cluster:kong",
    true,
  ) as string;
  const secretArn = field(
    "secret_arn",
    SECRET_ARN,
    "a Secrets Manager secret ARN, e.g. arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-db-AbCdEf",
    true,
  ) as string;
  const database = field("database", DATABASE_NAME, "the Kong database name, e.g. kong", true) as string;
  const region = field("region", REGION, "an AWS region, e.g. eu-west-1", false);
  const roleArn = field(
    "role_arn",
    ROLE_ARN,
    "an IAM role ARN, e.g. arn:aws:iam::210987654321:role/kong-license-report",
    false,
  );
  const externalId = field("external_id", EXTERNAL_ID, "2 to 1224 characters of [A-Za-z0-9+=,.@:/_-]", false);
  if (externalId !== undefined && roleArn === undefined)
    at('"data_api.external_id" needs "data_api.role_arn".');
  const endpoint = text("endpoint", api, "data_api.endpoint");
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    at(`"data_api.endpoint" must be an http(s) URL, e.g. http://127.0.0.1:8080.`);
  }
  const armRegion = resourceArn.split(":")[3];
  const secretRegion = secretArn.split(":")[3];
  if (armRegion !== secretRegion) {
    at(
      `"data_api.secret_arn" is in ${secretRegion} but the cluster is in ${armRegion}; the Data API needs both in one region.`,
    );
  }
  return {
    kind: "data-api",
    resourceArn,
    secretArn,
    database,
    ...(region === undefined ? {} : { region }),
    ...(roleArn === undefined ? {} : { roleArn }),
    ...(externalId === undefined ? {} : { externalId }),
    ...(endpoint === undefined ? {} : { endpoint }),
    settings: "environments-file",
  };
}

// postgres://user:password@rest: the password is the one place of a URL a reference may stand.
const URL_WITH_USER = /^(postgres(?:ql)?:\/\/)([^:@/?#]*)(?::([^@/?#]*))?@(.*)$/s;

/**
 * The entry's "database_url", its password's `${NAME}` references expanded and URL-encoded (a
 * password with "/", "#" or "?" then works); a reference anywhere else in the URL is refused.
 */
function readDatabaseUrl(value: unknown, references: ReferenceSource, secrets: string[], at: Fail): string {
  if (typeof value !== "string" || value.trim() === "")
    return at('"database_url" must be a non-empty string.');
  const parts = URL_WITH_USER.exec(value);
  if (parts === null) return refuseReferences(value, "database_url", at);
  const [, scheme, user, password, rest] = parts as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  refuseReferences(`${scheme}${user}@${rest}`, "database_url", at);
  if (password === undefined) return value;
  const expanded = expandSecretReferences(
    password,
    "database_url",
    references,
    secrets,
    at,
    encodeURIComponent,
  );
  return `${scheme}${user}:${expanded}@${rest}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
