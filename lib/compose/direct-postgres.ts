import { readFile } from "node:fs/promises";
import type { DatabaseSecretReader, SecretLocation } from "../aws/database-secret.ts";
import { createRdsAuthToken } from "../aws/rds-auth-token.ts";
import { loadRdsCaBundle } from "../aws/rds-ca-bundle.ts";
import { regionOfArn } from "../aws/region-of-arn.ts";
import { ConfigError, DatabaseAccessError } from "../errors.ts";
import type { PostgresIamSource, PostgresSecretSource } from "../sql/database-source.ts";
import type { PgAdvice } from "../sql/pg-advice.ts";
import type { PgConnection, PgSqlPortOptions } from "../sql/pg-sql-port.ts";
import type { SqlPort } from "../sql/port.ts";

/** A direct PostgreSQL source whose credentials AWS holds. */
export type DirectPostgresSource = PostgresSecretSource | PostgresIamSource;

/** How messages name each setting: the Lambda's variables, or the environments file's keys. */
interface SettingNames {
  readonly secret: string;
  readonly host: string;
  readonly port: string;
  readonly user: string;
  readonly database: string;
  readonly caFile: string;
  readonly region: string;
  readonly schema: string;
  /** Who reads the secret and connects: the function's role, or (an entry, which the CLI reads too) the credentials in use. */
  readonly identity: string;
  /** How to allow a statement or a lock more time, or "" where nothing sets it (an entry). */
  readonly lockTimeout: string;
  readonly statementTimeout: string;
}

const NAMES: Record<DirectPostgresSource["settings"], SettingNames> = {
  environment: {
    secret: "KONG_PG_SECRET_ARN",
    host: "KONG_PG_HOST",
    port: "KONG_PG_PORT",
    user: "KONG_PG_USER",
    database: "KONG_PG_DATABASE",
    caFile: "KONG_PG_CA_FILE",
    region: "AWS_REGION",
    // No variable sets one: the schema is the user's search_path.
    schema: "the user's search_path",
    identity: "the function's role",
    lockTimeout: ", or wait longer with KONG_DB_LOCK_TIMEOUT_SECONDS",
    statementTimeout: ", or allow more time with KONG_DB_STATEMENT_TIMEOUT_SECONDS",
  },
  "environments-file": {
    secret: '"postgres.secret_arn"',
    host: '"postgres.host"',
    port: '"postgres.port"',
    user: '"postgres.user"',
    database: '"postgres.database"',
    caFile: '"postgres.ca_file"',
    region: '"postgres.region"',
    schema: '"postgres.schema"',
    identity: "the credentials in use (on AWS, the function's role)",
    lockTimeout: "",
    statementTimeout: "",
  },
};

/**
 * The SQL port of a direct connection: TLS verify-full against the RDS certificate bundles (or the
 * CA file given), the user and password from the secret (read once per container by `secrets`), or
 * the user with a fresh IAM token per connection. Nothing is read or signed before the first query;
 * a password the server refuses makes the secret be read again once (it may have been rotated).
 */
export function openDirectPostgresPort(source: DirectPostgresSource, secrets: DatabaseSecretReader): SqlPort {
  const names = NAMES[source.settings];
  let opened: Promise<SqlPort> | undefined;
  const open = (): Promise<SqlPort> => {
    if (opened !== undefined) return opened;
    const opening = resolveOptions(source, secrets, names).then(async (options) => {
      const { createPgSqlPort } = await import("../sql/pg-sql-port.ts");
      return createPgSqlPort(options);
    });
    opened = opening;
    // A failure to open (secret, CA file) is not kept: the next query tries again.
    opening.catch(() => {
      if (opened === opening) opened = undefined;
    });
    return opening;
  };
  const reopen = async () => {
    const stale = opened;
    opened = undefined;
    if (source.kind === "postgres-secret") secrets.forget(secretLocation(source, names));
    if (stale !== undefined) await (await stale.catch(() => undefined))?.close();
  };
  /** Runs `use` on the port; a password refused on connecting is read again once (rotated). */
  const withPort = async <T>(use: (port: SqlPort) => Promise<T>): Promise<T> => {
    try {
      return await use(await open());
    } catch (error) {
      if (source.kind !== "postgres-secret" || !isRefusedPassword(error)) throw error;
      await reopen();
      return use(await open());
    }
  };
  return {
    query: (sql, params, options) => withPort((port) => port.query(sql, params, options)),
    // A refused password fails the transaction's first connection, before `work` ran anything.
    runReadOnly: (work, options) => withPort((port) => port.runReadOnly(work, options)),
    async close() {
      const current = opened;
      opened = undefined;
      if (current !== undefined) await (await current.catch(() => undefined))?.close();
    },
  };
}

/** Where a direct source connects, without secrets (for diagnostics). */
export function describeDirectPostgres(source: DirectPostgresSource): string {
  return source.kind === "postgres-iam"
    ? `PostgreSQL ${source.host}:${source.port}/${source.database} as ${source.user} (IAM authentication, TLS verify-full)`
    : `PostgreSQL with the credentials of the secret ${source.secretArn} (TLS verify-full)`;
}

async function resolveOptions(
  source: DirectPostgresSource,
  secrets: DatabaseSecretReader,
  names: SettingNames,
): Promise<PgSqlPortOptions> {
  const ca = await readCertificateAuthorities(source, names);
  let connection: PgConnection;
  if (source.kind === "postgres-iam") {
    const region = source.region ?? regionOfRdsHost(source.host) ?? process.env.AWS_REGION;
    if (region === undefined) {
      throw new ConfigError(
        names.region,
        `IAM authentication to ${source.host} needs the database's region: set ${names.region} (e.g. eu-west-1), or use the RDS endpoint name, which holds it.`,
      );
    }
    connection = {
      host: source.host,
      port: source.port,
      user: source.user,
      database: source.database,
      password: createRdsAuthToken({
        host: source.host,
        port: source.port,
        user: source.user,
        region,
        ...(source.roleArn === undefined ? {} : { roleArn: source.roleArn }),
        ...(source.externalId === undefined ? {} : { externalId: source.externalId }),
      }),
      ca,
    };
  } else {
    const secret = await secrets.read(secretLocation(source, names));
    const host = source.host ?? secret.host;
    const database = source.database ?? secret.dbname;
    if (host === undefined) {
      throw new DatabaseAccessError(
        `The secret ${source.secretArn} (${names.secret}) has no "host": add it to the secret, or set ${names.host}.`,
      );
    }
    if (database === undefined) {
      throw new DatabaseAccessError(
        `The secret ${source.secretArn} (${names.secret}) has no "dbname" (an RDS-managed master secret has none): set ${names.database} to the Kong database, e.g. kong.`,
      );
    }
    connection = {
      host,
      port: source.port ?? secret.port ?? 5432,
      user: secret.username,
      database,
      password: secret.password,
      ca,
    };
  }
  return {
    connection,
    advice: adviceFor(source, names),
    ...(source.schema === undefined ? {} : { searchPath: source.schema }),
    ...(source.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: source.statementTimeoutMs }),
    ...(source.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: source.lockTimeoutMs }),
  };
}

async function readCertificateAuthorities(
  source: DirectPostgresSource,
  names: SettingNames,
): Promise<string> {
  if (source.caFile === undefined) return loadRdsCaBundle();
  let text: string;
  try {
    text = await readFile(source.caFile, "utf8");
  } catch (error) {
    throw new ConfigError(
      names.caFile,
      `${names.caFile} "${source.caFile}" cannot be read (${(error as { code?: string }).code ?? "error"}). Expected the path of a PEM file with the CA certificate(s) that signed the server's certificate.`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(
      names.caFile,
      `${names.caFile} "${source.caFile}" holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Expected the CA certificate(s) that signed the server's certificate.`,
    );
  }
  return text;
}

function secretLocation(source: PostgresSecretSource, names: SettingNames): SecretLocation {
  const region = source.region ?? regionOfArn(source.secretArn);
  return {
    secretArn: source.secretArn,
    ...(region === undefined ? {} : { region }),
    ...(source.roleArn === undefined ? {} : { roleArn: source.roleArn }),
    ...(source.externalId === undefined ? {} : { externalId: source.externalId }),
    setting: names.secret,
    identity: names.identity,
  };
}

/** `<name>.<id>.<region>.rds.amazonaws.com` (and Aurora's cluster endpoints) name their region. */
export function regionOfRdsHost(host: string): string | undefined {
  return /\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.rds\.amazonaws\.com(?:\.cn)?$/.exec(host.toLowerCase())?.[1];
}

function isRefusedPassword(error: unknown): boolean {
  return (
    error instanceof DatabaseAccessError && (error.cause as { code?: string } | undefined)?.code === "28P01"
  );
}

function adviceFor(source: DirectPostgresSource, names: SettingNames): PgAdvice {
  const where =
    source.kind === "postgres-iam"
      ? `${names.host} and ${names.port}`
      : `the secret's host and port (or ${names.host}, ${names.port})`;
  // The variables are a function's; an entry may be read by the CLI, on a machine of its own.
  const network =
    source.settings === "environment"
      ? "that the function runs in subnets that reach the database (docs/deploy.md, VPC) and that the database's security group admits the function's"
      : "that this machine reaches the database (a function: subnets that reach it and a security group the database admits, docs/deploy.md, VPC)";
  return {
    address: `Check ${where}, ${network}`,
    credentials:
      source.kind === "postgres-iam"
        ? `Check that ${names.user} has GRANT rds_iam, that IAM database authentication is on for the database, and that ${source.roleArn === undefined ? names.identity : `the role ${source.roleArn}`} may rds-db:connect as that user (the token is made per connection, valid 15 minutes).`
        : `Check the username and password in the secret ${names.secret} names (it was read again after the refusal, in case it had been rotated).`,
    database: `Check ${source.kind === "postgres-iam" ? names.database : `the secret's dbname or ${names.database}`}.`,
    certificate: `The connection verifies the server (verify-full) against the RDS and Aurora certificate bundles${source.caFile === undefined ? "" : ` replaced by ${names.caFile}`}; for a server whose certificate another CA signed, give that CA's PEM file in ${names.caFile}. The host must be a name in the certificate.`,
    noTls: `but this connection requires TLS (verify-full, always for ${source.kind === "postgres-iam" ? "IAM authentication" : "the AWS forms"}). Turn ssl on at the server; RDS and Aurora always offer it.`,
    schema: `Check ${names.schema}.`,
    lockTimeout: names.lockTimeout,
    statementTimeout: names.statementTimeout,
  };
}
