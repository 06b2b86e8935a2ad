import { validateDiscreteRules } from "../details/discrete-rules.ts";
import { BadParameterError } from "../errors.ts";
import { KONG_VERSION_PATTERN } from "../report/kong-version.ts";
import type { SystemInfo } from "../report/types.ts";
import { CLUSTER_ARN, DATABASE_NAME, SECRET_ARN } from "../sql/database-source.ts";
import type { EnvironmentNodeFacts, EnvironmentSource, EnvironmentSpec, EstateConfig } from "./types.ts";

export interface ParseEnvironmentsOptions {
  /** How the file is named in messages (a path, an S3 key, an SSM parameter name). */
  readonly fileName: string;
  /** Where `${NAME}` references are looked up (process.env in the CLI, the Lambda's env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The option or parameter that named the file, for the usage error; default "--environments". */
  readonly parameter?: string;
}

/** More would not be an estate but a fleet; it also bounds what one run holds in memory. */
export const MAX_ENVIRONMENTS = 500;

const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const EXTERNAL_ID = /^[A-Za-z0-9+=,.@:/_-]{2,1224}$/;
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const TOP_KEYS = ["environments", "discrete"];
const SOURCE_KEYS = ["demo", "database_url", "data_api"] as const;
const ENTRY_KEYS = [
  "environment",
  ...SOURCE_KEYS,
  "schema",
  "kong_version",
  "deployment_type",
  "node_uname",
  "node_cores",
  // KLCR's own keys: accepted so a KLCR envs.json only needs a source added, and not used.
  "admin_api",
  "admin_token",
  "deployment",
];
const DATA_API_KEYS = [
  "resource_arn",
  "secret_arn",
  "database",
  "region",
  "role_arn",
  "external_id",
  "endpoint",
];
const DEPLOYMENT_TYPES = ["traditional", "hybrid", "dbless"] as const;

/**
 * Reads an environments file (JSON, a superset of KLCR's `envs.json`) and validates all of it
 * before any database is touched: `${NAME}` expands from `env`, and a duplicate name, an unknown
 * key, a bad ARN or a missing variable is a BadParameterError (exit 2) naming the entry.
 * Messages never echo a database URL or an expanded value.
 */
export function parseEnvironmentsFile(text: string, options: ParseEnvironmentsOptions): EstateConfig {
  const parameter = options.parameter ?? "--environments";
  const fail = (message: string): never => {
    throw new BadParameterError(parameter, `${options.fileName}: ${message}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return fail(
      `not valid JSON (${(error as Error).message}). Expected {"environments": [{"environment": "prod", "database_url": "postgres://…"}, …]}.`,
    );
  }
  if (!isRecord(value)) {
    return fail('expected a JSON object {"environments": [...], "discrete": [...]}.');
  }
  const unknown = Object.keys(value).filter((key) => !TOP_KEYS.includes(key));
  if (unknown.length > 0) {
    fail(`unknown top-level key(s) ${quoteAll(unknown)}; allowed: "environments", "discrete".`);
  }
  const list = value.environments;
  if (!Array.isArray(list) || list.length === 0) {
    return fail('"environments" must be a non-empty array of {"environment": "<name>", <source>}.');
  }
  if (list.length > MAX_ENVIRONMENTS) {
    fail(`${list.length} environments; at most ${MAX_ENVIRONMENTS} are allowed in one estate.`);
  }
  const discrete =
    value.discrete === undefined
      ? []
      : validateDiscreteRules(value.discrete, `${options.fileName} "discrete"`);

  const seen = new Map<string, number>();
  const environments = list.map((entry: unknown, index) => {
    const spec = readEntry(entry, index, options.env, fail);
    const folded = spec.name.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined) {
      fail(
        `environment "${spec.name}" (entry #${index + 1}) has the same name as entry #${first + 1}; names must be unique (case does not count: they become folder names).`,
      );
    }
    seen.set(folded, index);
    return spec;
  });
  return { environments, discrete };
}

type Fail = (message: string) => never;

function readEntry(
  raw: unknown,
  index: number,
  env: ParseEnvironmentsOptions["env"],
  fail: Fail,
): EnvironmentSpec {
  let label = `entry #${index + 1}`;
  if (!isRecord(raw)) return fail(`${label} must be an object {"environment": "<name>", <source>}.`);
  const name = raw.environment;
  if (typeof name !== "string" || !ENVIRONMENT_NAME.test(name)) {
    return fail(
      `${label}: "environment" must be a name of 1 to 63 letters, digits, ".", "_" or "-" starting with a letter or digit (it names the report's folder)${typeof name === "string" ? `; got ${JSON.stringify(name.slice(0, 80))}` : ""}.`,
    );
  }
  label = `environment "${name}" (entry #${index + 1})`;
  const at = (message: string): never => fail(`${label}: ${message}`);

  const unknown = Object.keys(raw).filter((key) => !ENTRY_KEYS.includes(key));
  if (unknown.length > 0) {
    at(`unknown key(s) ${quoteAll(unknown)}; allowed: ${quoteAll(ENTRY_KEYS)}.`);
  }
  const secrets: string[] = [];
  const expand = (text: string, key: string): string =>
    text.replace(REFERENCE, (_match, variable: string) => {
      const found = env[variable];
      if (found === undefined) {
        return at(`"${key}" refers to \${${variable}}, which is not set in the environment.`);
      }
      if (found.length >= 4) secrets.push(found);
      return found;
    });
  const text = (key: string, object: Record<string, unknown> = raw, path = key): string | undefined => {
    const item = object[key];
    if (item === undefined) return undefined;
    if (typeof item !== "string" || item.trim() === "") return at(`"${path}" must be a non-empty string.`);
    return expand(item, path);
  };

  if (raw.deployment !== undefined && raw.deployment !== "enterprise") {
    at(
      `"deployment" ${JSON.stringify(raw.deployment)} cannot be read from a database; only KLCR's "enterprise" (self-managed Kong with its PostgreSQL) is supported.`,
    );
  }
  const given = SOURCE_KEYS.filter((key) => raw[key] !== undefined);
  if (given.length !== 1) {
    at(
      given.length === 0
        ? 'no source: give one of "database_url", "data_api" or "demo": true.'
        : `${quoteAll(given)} exclude each other: give exactly one source.`,
    );
  }
  const source = readSource(given[0] as (typeof SOURCE_KEYS)[number], raw, text, at, secrets);
  return { name, source, node: readNodeFacts(raw, text, at), secrets: [...new Set(secrets)] };
}

function readSource(
  kind: (typeof SOURCE_KEYS)[number],
  raw: Record<string, unknown>,
  text: (key: string, object?: Record<string, unknown>, path?: string) => string | undefined,
  at: Fail,
  secrets: string[],
): EnvironmentSource {
  if (kind !== "database_url" && raw.schema !== undefined) {
    at('"schema" applies to "database_url" only.');
  }
  if (kind === "demo") {
    if (raw.demo !== true) at('"demo" must be true (the embedded demo database).');
    return { kind: "demo" };
  }
  if (kind === "database_url") {
    const url = text("database_url") as string;
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
    const password = parsed?.password ?? "";
    if (password !== "") secrets.push(password, safeDecode(password));
    const schema = text("schema");
    if (schema !== undefined && !DATABASE_NAME.test(schema)) {
      at(`"schema" ${JSON.stringify(schema)} is not a schema name (letters, digits, "_").`);
    }
    return { kind: "postgres", url, ...(schema === undefined ? {} : { schema }) };
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
  };
}

function readNodeFacts(
  raw: Record<string, unknown>,
  text: (key: string) => string | undefined,
  at: Fail,
): EnvironmentNodeFacts {
  const kongVersion = text("kong_version");
  if (kongVersion !== undefined && !KONG_VERSION_PATTERN.test(kongVersion)) {
    at(`"kong_version" ${JSON.stringify(kongVersion)} is not a Kong version, e.g. 3.9.1.2.`);
  }
  const deploymentType = text("deployment_type");
  if (deploymentType !== undefined && !(DEPLOYMENT_TYPES as readonly string[]).includes(deploymentType)) {
    at(
      `"deployment_type" ${JSON.stringify(deploymentType)} is not allowed; use ${DEPLOYMENT_TYPES.join(", ")}.`,
    );
  }
  const uname = text("node_uname");
  const rawCores = raw.node_cores;
  let cores: number | undefined;
  if (rawCores !== undefined) {
    cores = typeof rawCores === "string" ? Number(text("node_cores")) : Number(rawCores);
    if (!Number.isInteger(cores) || cores < 1 || cores > 65_536) {
      at('"node_cores" must be a whole number of CPUs from 1 to 65536.');
    }
  }
  const systemInfo: SystemInfo = {
    ...(uname === undefined ? {} : { uname }),
    ...(cores === undefined ? {} : { cores }),
  };
  return {
    ...(kongVersion === undefined ? {} : { kongVersion }),
    ...(deploymentType === undefined
      ? {}
      : { deploymentType: deploymentType as NonNullable<EnvironmentNodeFacts["deploymentType"]> }),
    ...(uname === undefined && cores === undefined ? {} : { systemInfo }),
  };
}

/** Removes every secret of the environment from a message (longest first, so parts never leak). */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== "") out = out.split(secret).join("***");
  }
  // Any URL credentials the message still carries (e.g. from a driver).
  return out.replace(/(postgres(?:ql)?:\/\/[^:@/\s]*):[^@/\s]*@/g, "$1:***@");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function quoteAll(keys: readonly string[]): string {
  return keys.map((key) => JSON.stringify(key)).join(", ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
