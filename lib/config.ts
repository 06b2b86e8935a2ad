import { ConfigError } from "./errors.ts";
import { CLUSTER_NAME_PATTERN, CLUSTER_NAME_RULE } from "./history/cluster.ts";
import type { LogLevel } from "./log.ts";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "./report/checksum.ts";
import { parseConfiguredLicense } from "./report/license.ts";
import type { DeploymentType, SystemInfo } from "./report/types.ts";
import { MAX_PRESIGN_SECONDS } from "./store/report-store.ts";

/**
 * The Lambda handlers' configuration, read from the environment once per container and validated.
 * Required values have no defaults; every error names the variable and what it accepts.
 * Documented in docs/configuration.md.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the Kong database is: the RDS Data API (production) or a direct PostgreSQL connection. */
export type DatabaseConfig =
  | {
      readonly kind: "data-api";
      readonly resourceArn: string;
      readonly secretArn: string;
      readonly database: string;
      /** AWS_ENDPOINT_URL_RDS_DATA: a local Data API endpoint (tests, local stack). */
      readonly endpoint?: string;
      /** Default: AWS_REGION, else the cluster ARN's region. */
      readonly region?: string;
      /** A role in the cluster's account, assumed through STS (the SDK's credential provider). */
      readonly roleArn?: string;
      /** The ExternalId the role's trust policy requires, if any. */
      readonly externalId?: string;
    }
  | {
      readonly kind: "postgres";
      readonly url: string;
      /** Schema holding Kong's tables when it is not on the search_path. */
      readonly schema?: string;
      /** KONG_DB_STATEMENT_TIMEOUT_SECONDS / --statement-timeout; default 60 s. */
      readonly statementTimeoutMs?: number;
      /** KONG_DB_LOCK_TIMEOUT_SECONDS / --lock-timeout; default 10 s. */
      readonly lockTimeoutMs?: number;
    };

/** What configuration tells about the Kong node (the database does not hold these). */
export interface KongNodeConfig {
  readonly kongVersion?: string;
  readonly deploymentType?: DeploymentType;
  readonly systemInfo?: SystemInfo;
  /** License JSON or base64; a secret-like value, never logged. */
  readonly license?: string;
}

export interface ReportConfig {
  readonly database: DatabaseConfig;
  readonly bucket: string;
  /** Key prefix, empty or ending with "/". */
  readonly prefix: string;
  readonly urlTtlSeconds: number;
  readonly timeZone: string;
  /** SSE-KMS key; without it objects are encrypted with SSE-S3 (AES256). */
  readonly kmsKeyId?: string;
  /** AWS_ENDPOINT_URL_S3: a local S3 server, addressed path-style. */
  readonly s3Endpoint?: string;
  readonly node: KongNodeConfig;
  /** REPORT_CHECKSUM_ALGORITHM: Kong's SHA-1 by default. */
  readonly checksumAlgorithm: ChecksumAlgorithm;
  readonly logLevel: LogLevel;
  /** CLUSTER_NAME: the label on the report's page, details and CSV; groups its stored reports. */
  readonly clusterName?: string;
}

/** What listing stored reports needs: the bucket, the prefix and the link lifetime (no database). */
export interface ListingConfig {
  readonly bucket: string;
  readonly prefix: string;
  readonly urlTtlSeconds: number;
  readonly s3Endpoint?: string;
  readonly logLevel: LogLevel;
}

/** Who may call the HTTP route: a token needs one of the groups or one of the scopes. */
export interface AdminPolicy {
  readonly groups: readonly string[];
  readonly scopes: readonly string[];
  /**
   * Claims holding the caller's groups, as dot paths (ADMIN_GROUPS_CLAIM): `groups` (Okta), `roles`
   * (Entra ID), `realm_access.roles` (Keycloak), `cognito:groups` (Cognito). Default: the last and `groups`.
   */
  readonly groupClaims: readonly string[];
}

export const DEFAULT_GROUP_CLAIMS = ["cognito:groups", "groups"] as const;
// A claim name (JWT claim names may hold ":" or "/", e.g. https://example.com/groups), dot-separated.
const CLAIM_PATH = /^[A-Za-z0-9_:/@+-]+(?:\.[A-Za-z0-9_:/@+-]+)*$/;

export const DEFAULT_PREFIX = "license-reports/";
export const DEFAULT_URL_TTL_SECONDS = 900;
/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_URL_TTL_SECONDS = MAX_PRESIGN_SECONDS;

const DATA_API_VARIABLES = ["KONG_DB_RESOURCE_ARN", "KONG_DB_SECRET_ARN", "KONG_DB_NAME"] as const;
/** Shapes the environments file (lib/estate) validates too. */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;
const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// S3's "safe characters" for object keys.
const SAFE_KEY_CHARACTERS = /^[A-Za-z0-9!_.*'()/-]+$/;
export const KONG_VERSION = /^\d+\.\d+(?:\.\d+){0,3}$/;
const DEPLOYMENT_TYPES: readonly DeploymentType[] = ["traditional", "hybrid", "dbless"];
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Reads and validates everything a report run needs (database, bucket, link lifetime, Kong node facts). */
export function readReportConfig(env: Env): ReportConfig {
  const database = readDatabaseConfig(env);
  return { database, ...readStorageConfig(env), node: readKongNode(env) };
}

/** Where reports go and how they are linked: ReportConfig without a database (the estate functions). */
export type StorageConfig = Omit<ReportConfig, "database" | "node">;

/** Reads and validates the bucket, prefix, link lifetime, time zone, encryption and log level. */
export function readStorageConfig(env: Env): StorageConfig {
  const s3Endpoint = optionalUrl(env, "AWS_ENDPOINT_URL_S3", ["http:", "https:"]);
  const kmsKeyId = optional(env, "REPORT_KMS_KEY_ID");
  const clusterName = optional(env, "CLUSTER_NAME");
  if (clusterName !== undefined && !CLUSTER_NAME_PATTERN.test(clusterName)) {
    throw new ConfigError(
      "CLUSTER_NAME",
      `CLUSTER_NAME "${clusterName}" is invalid. Expected ${CLUSTER_NAME_RULE}.`,
    );
  }
  return {
    bucket: readBucket(env),
    prefix: readPrefix(env),
    urlTtlSeconds: readUrlTtl(env),
    timeZone: readTimeZone(env),
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    checksumAlgorithm: readChoice(env, "REPORT_CHECKSUM_ALGORITHM", CHECKSUM_ALGORITHMS, "sha1"),
    logLevel: readChoice(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    ...(clusterName === undefined ? {} : { clusterName }),
  };
}

/** Reads the listing's settings (GET /license/reports); the database variables are not needed. */
export function readListingConfig(env: Env): ListingConfig {
  const s3Endpoint = optionalUrl(env, "AWS_ENDPOINT_URL_S3", ["http:", "https:"]);
  return {
    bucket: readBucket(env),
    prefix: readPrefix(env),
    urlTtlSeconds: readUrlTtl(env),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    logLevel: readChoice(env, "LOG_LEVEL", LOG_LEVELS, "info"),
  };
}

/**
 * Reads ADMIN_GROUPS / ADMIN_SCOPES (comma-separated; at least one entry is required) and
 * ADMIN_GROUPS_CLAIM (comma-separated claim paths).
 */
export function readAdminPolicy(env: Env): AdminPolicy {
  const groups = readList(env, "ADMIN_GROUPS");
  const scopes = readList(env, "ADMIN_SCOPES");
  const claims = readList(env, "ADMIN_GROUPS_CLAIM");
  const invalid = claims.find((path) => !CLAIM_PATH.test(path) || path.length > 256);
  if (invalid !== undefined) {
    throw new ConfigError(
      "ADMIN_GROUPS_CLAIM",
      `ADMIN_GROUPS_CLAIM "${invalid}" is not a claim path. Use the claim's name, with dots into nested objects: groups (Okta), roles (Entra ID), realm_access.roles (Keycloak), cognito:groups (Cognito); several comma-separated.`,
    );
  }
  const groupClaims = claims.length === 0 ? [...DEFAULT_GROUP_CLAIMS] : claims;
  if (groups.length === 0 && scopes.length === 0) {
    throw new ConfigError(
      "ADMIN_GROUPS",
      "ADMIN_GROUPS and ADMIN_SCOPES are both empty, so no caller could be an admin. Set ADMIN_GROUPS to the admin group names (e.g. the Cognito group kong-admins) and/or ADMIN_SCOPES to the OAuth scopes that grant access (comma-separated).",
    );
  }
  return { groups, scopes, groupClaims };
}

/** Where the estate's environments file lives on AWS: an S3 object or an SSM parameter. */
export type EnvironmentsLocation =
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string }
  | { readonly kind: "ssm"; readonly name: string };

/** What the estate functions (state machine steps and GET /license/estate) read besides ReportConfig. */
export interface EstateRunConfig {
  readonly environments: EnvironmentsLocation;
  /** Environments collected at once (the Map's MaxConcurrency, and in-process runs). */
  readonly concurrency: number;
  /** GET /license/estate runs in-process up to this many environments, else starts the state machine. */
  readonly inlineMaxEnvironments: number;
  /** The estate state machine; without it every estate runs in-process. */
  readonly stateMachineArn?: string;
}

export const DEFAULT_ESTATE_CONCURRENCY = 4;
/** Measured line of what fits API Gateway's 30 s (docs/deploy.md, "The estate on AWS"). */
export const DEFAULT_ESTATE_INLINE_MAX = 8;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const SSM_PARAMETER_NAME = /^\/[A-Za-z0-9_./-]{1,2047}$/;

/** Reads ESTATE_ENVIRONMENTS (s3://bucket/key or ssm:/name), ESTATE_CONCURRENCY, ESTATE_INLINE_MAX, ESTATE_STATE_MACHINE_ARN. */
export function readEstateRunConfig(env: Env): EstateRunConfig {
  const stateMachineArn = optional(env, "ESTATE_STATE_MACHINE_ARN");
  if (stateMachineArn !== undefined && !STATE_MACHINE_ARN.test(stateMachineArn)) {
    throw new ConfigError(
      "ESTATE_STATE_MACHINE_ARN",
      `ESTATE_STATE_MACHINE_ARN "${stateMachineArn}" is invalid. Expected a state machine ARN, e.g. arn:aws:states:eu-west-1:123456789012:stateMachine:kong-license-estate.`,
    );
  }
  return {
    environments: readEnvironmentsLocation(env),
    concurrency: readInteger(env, "ESTATE_CONCURRENCY", {
      min: 1,
      max: 40,
      fallback: DEFAULT_ESTATE_CONCURRENCY,
      hint: "environments collected at once",
    }),
    inlineMaxEnvironments: readInteger(env, "ESTATE_INLINE_MAX", {
      min: 0,
      max: 500,
      fallback: DEFAULT_ESTATE_INLINE_MAX,
      hint: "the most environments GET /license/estate collects in-process; 0 = always the state machine",
    }),
    ...(stateMachineArn === undefined ? {} : { stateMachineArn }),
  };
}

function readEnvironmentsLocation(env: Env): EnvironmentsLocation {
  const expected =
    "s3://<bucket>/<key> (an S3 object) or ssm:/<parameter-name> (an SSM parameter, String or SecureString), e.g. ssm:/kong/estate/environments";
  const value = optional(env, "ESTATE_ENVIRONMENTS");
  if (value === undefined) {
    throw new ConfigError("ESTATE_ENVIRONMENTS", `ESTATE_ENVIRONMENTS is not set. Set it to ${expected}.`);
  }
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  if (s3 !== null && BUCKET_NAME.test(s3[1] ?? "")) {
    return { kind: "s3", bucket: s3[1] ?? "", key: s3[2] ?? "" };
  }
  if (value.startsWith("ssm:") && SSM_PARAMETER_NAME.test(value.slice(4))) {
    return { kind: "ssm", name: value.slice(4) };
  }
  throw new ConfigError(
    "ESTATE_ENVIRONMENTS",
    `ESTATE_ENVIRONMENTS "${value}" is invalid. Expected ${expected}.`,
  );
}

function readDatabaseConfig(env: Env): DatabaseConfig {
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

function readUrlTtl(env: Env): number {
  return readInteger(env, "REPORT_URL_TTL_SECONDS", {
    min: 1,
    max: MAX_URL_TTL_SECONDS,
    fallback: DEFAULT_URL_TTL_SECONDS,
    hint: "seconds a download link stays valid; at most 604800 (7 days, the SigV4 limit)",
  });
}

function readBucket(env: Env): string {
  return matching(
    env,
    "REPORT_BUCKET",
    BUCKET_NAME,
    "an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens",
  );
}

function readPrefix(env: Env): string {
  const raw = env.REPORT_PREFIX;
  if (raw === undefined) return DEFAULT_PREFIX;
  const prefix = raw.trim();
  if (prefix === "") return "";
  if (prefix.startsWith("/") || prefix.split("/").some((part) => part === "." || part === "..")) {
    throw new ConfigError(
      "REPORT_PREFIX",
      `REPORT_PREFIX "${prefix}" is not a usable key prefix: it must not start with "/" or contain "." or ".." segments (e.g. license-reports/).`,
    );
  }
  if (prefix.length > 512 || !SAFE_KEY_CHARACTERS.test(prefix)) {
    throw new ConfigError(
      "REPORT_PREFIX",
      "REPORT_PREFIX holds characters S3 keys should avoid or is longer than 512 characters. Use letters, digits and ! - _ . * ' ( ) / only.",
    );
  }
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}

function readTimeZone(env: Env): string {
  const timeZone = optional(env, "REPORT_TIME_ZONE") ?? "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new ConfigError(
      "REPORT_TIME_ZONE",
      `REPORT_TIME_ZONE "${timeZone}" is not an IANA time zone. Use a name such as UTC, Europe/Paris or America/New_York.`,
    );
  }
  return timeZone;
}

function readKongNode(env: Env): KongNodeConfig {
  const kongVersion = optional(env, "KONG_VERSION");
  if (kongVersion !== undefined && !KONG_VERSION.test(kongVersion)) {
    throw new ConfigError(
      "KONG_VERSION",
      `KONG_VERSION "${kongVersion}" is not a Kong version. Use the running node's version, e.g. 3.9.1.2 or 3.13.0.0.`,
    );
  }
  const deploymentType = optional(env, "KONG_DEPLOYMENT_TYPE");
  if (deploymentType !== undefined && !(DEPLOYMENT_TYPES as readonly string[]).includes(deploymentType)) {
    throw new ConfigError(
      "KONG_DEPLOYMENT_TYPE",
      `KONG_DEPLOYMENT_TYPE "${deploymentType}" is not allowed. Use one of ${DEPLOYMENT_TYPES.join(", ")}, or leave it unset to infer it from the database.`,
    );
  }
  const uname = optional(env, "KONG_NODE_UNAME");
  const cores =
    optional(env, "KONG_NODE_CORES") === undefined
      ? undefined
      : readInteger(env, "KONG_NODE_CORES", { min: 1, max: 65_536, hint: "the Kong node's CPU core count" });
  const hostname = optional(env, "KONG_NODE_HOSTNAME");
  const systemInfo: SystemInfo = {
    ...(uname === undefined ? {} : { uname }),
    ...(cores === undefined ? {} : { cores }),
    ...(hostname === undefined ? {} : { hostname }),
  };
  const license = optional(env, "KONG_LICENSE");
  if (license !== undefined) {
    try {
      parseConfiguredLicense(license, "KONG_LICENSE");
    } catch {
      throw new ConfigError(
        "KONG_LICENSE",
        'KONG_LICENSE is not a Kong license: expected the license JSON {"license":{"payload":{…},"signature":…}} or its base64 form (as KONG_LICENSE_DATA takes it).',
      );
    }
  }
  return {
    ...(kongVersion === undefined ? {} : { kongVersion }),
    ...(deploymentType === undefined ? {} : { deploymentType: deploymentType as DeploymentType }),
    ...(Object.keys(systemInfo).length === 0 ? {} : { systemInfo }),
    ...(license === undefined ? {} : { license }),
  };
}

/** The trimmed value, or undefined when unset or blank. */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function matching(env: Env, name: string, pattern: RegExp, expected: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, `${name} is not set. Set it to ${expected}.`);
  if (!pattern.test(value))
    throw new ConfigError(name, `${name} "${value}" is invalid. Expected ${expected}.`);
  return value;
}

function readInteger(
  env: Env,
  name: string,
  rule: { min: number; max: number; fallback?: number; hint: string },
): number {
  const value = optional(env, name);
  if (value === undefined) {
    if (rule.fallback !== undefined) return rule.fallback;
    throw new ConfigError(name, `${name} is not set. Set it to ${rule.hint}.`);
  }
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < rule.min || number > rule.max) {
    throw new ConfigError(
      name,
      `${name} "${value}" is invalid: expected a whole number from ${rule.min} to ${rule.max} (${rule.hint}).`,
    );
  }
  return number;
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `${name} "${value}" is not allowed. Use one of ${choices.join(", ")}.`);
  }
  return value as T;
}

function optionalUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `${name} "${value}" is not a URL. Expected e.g. http://127.0.0.1:4569.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `${name} "${value}" must be an ${protocols.join(" or ")} URL.`);
  }
  return value;
}

function readList(env: Env, name: string): string[] {
  return (env[name] ?? "")
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
