/**
 * Where a Kong database is and how it is reached: the RDS Data API (Aurora), a direct PostgreSQL
 * connection by URL, or a direct connection with AWS-held credentials (a Secrets Manager secret, or
 * IAM database authentication) over TLS verify-full. The Lambdas' configuration, the CLI's options
 * and the environments file all produce one of these; the composition root turns it into a SqlPort.
 */
export type DatabaseSource =
  | {
      readonly kind: "data-api";
      /** How messages name its settings: --data-api-*, KONG_DB_*, or "data_api.*". */
      readonly settings: SettingsOrigin;
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
      /** How messages name its settings: --database-url, KONG_DATABASE_URL, or "database_url". */
      readonly settings: SettingsOrigin;
      /** Schema holding Kong's tables when it is not on the search_path. */
      readonly schema?: string;
      /** KONG_DB_STATEMENT_TIMEOUT_SECONDS / --statement-timeout; default 60 s. */
      readonly statementTimeoutMs?: number;
      /** KONG_DB_LOCK_TIMEOUT_SECONDS / --lock-timeout; default 10 s. */
      readonly lockTimeoutMs?: number;
    }
  | PostgresSecretSource
  | PostgresIamSource;

/**
 * Where a source was configured, so that a message names the setting to check as it is written
 * there: the CLI's options, the functions' environment variables, or the environments file's keys.
 */
export type SettingsOrigin = "command-line" | "environment" | "environments-file";

/**
 * What the direct connections of the AWS forms share: TLS verify-full (the RDS certificate bundles,
 * or a CA file of your own), the AWS account they are reached from, and the statement limits.
 */
interface DirectPostgresBase {
  /** Schema holding Kong's tables when it is not on the search_path. */
  readonly schema?: string;
  /** A PEM file of the CA(s) to trust instead of the RDS certificate bundles (self-managed PostgreSQL). */
  readonly caFile?: string;
  /** Region of the secret or of the IAM token; default the ARN's or the RDS host name's, else AWS_REGION. */
  readonly region?: string;
  /** A role in the database's account, assumed through STS (cross-account estates). */
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
  /**
   * How messages name the settings: the Lambda's variables (KONG_PG_SECRET_ARN, …) or the
   * environments file's keys (postgres.secret_arn, …).
   */
  readonly settings: Exclude<SettingsOrigin, "command-line">;
}

/**
 * PostgreSQL (RDS, Aurora, self-managed) with the credentials of a Secrets Manager secret in the
 * format RDS writes: `{engine, host, port, username, password, dbname?}`.
 */
export interface PostgresSecretSource extends DirectPostgresBase {
  readonly kind: "postgres-secret";
  readonly secretArn: string;
  /** Overrides the secret's `host` (e.g. an RDS Proxy endpoint). */
  readonly host?: string;
  readonly port?: number;
  /** Overrides the secret's `dbname`; required when the secret has none. */
  readonly database?: string;
}

/** PostgreSQL with IAM database authentication: a 15-minute token, made per connection, is the password. */
export interface PostgresIamSource extends DirectPostgresBase {
  readonly kind: "postgres-iam";
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

/** An Aurora cluster ARN (the Data API's resource). */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** A Secrets Manager secret ARN (an RDS-managed master secret's name starts with `rds!`). */
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$/;
/** An IAM role ARN (a role in another account, assumed through STS). */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
/** An AWS region name. */
export const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** The ExternalId a role's trust policy may require. */
export const EXTERNAL_ID = /^[A-Za-z0-9+=,.@:/_-]{2,1224}$/;
/** A host name or IPv4/IPv6 address (no scheme, no port). */
export const HOST_NAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9A-Fa-f:.]{2,45}$/;
/** A PostgreSQL role name as this tool accepts it (IAM authentication signs it into the token). */
export const USER_NAME = /^[A-Za-z_][A-Za-z0-9_$.@-]{0,62}$/;
/** A PostgreSQL database or schema name as this tool accepts it. */
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;
