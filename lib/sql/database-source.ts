/**
 * Where a Kong database is and how it is reached: the RDS Data API (Aurora) or a direct PostgreSQL
 * connection. The Lambdas' configuration, the CLI's options and the environments file all produce
 * one of these; the composition root turns it into a SqlPort.
 */
export type DatabaseSource =
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

/** An Aurora cluster ARN (the Data API's resource). */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** A Secrets Manager secret ARN. */
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
/** A PostgreSQL database or schema name as this tool accepts it. */
export const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;
