import pg from "pg";
import { DatabaseAccessError, NotKongDatabaseError, QueryError, TimeoutError } from "../errors.ts";
import { describeTarget } from "./describe-target.ts";
import { toPositional } from "./named-params.ts";
import { type PgAdvice, URL_ADVICE } from "./pg-advice.ts";
import {
  lendTransaction,
  type QueryOptions,
  READ_ONLY_SNAPSHOT,
  readOnlyRefusal,
  type SqlParams,
  type SqlPort,
} from "./port.ts";

export { describeTarget };

export interface PgSqlPortOptions {
  /** `postgres://user:password@host:port/database`; ignored when `pool` or `connection` is given. */
  readonly connectionString?: string;
  /** A connection by its parts (the AWS forms: a secret's fields, or an IAM token per connection). */
  readonly connection?: PgConnection;
  /**
   * What messages tell the reader to check, in the words of where the connection was configured
   * (the composition root knows: an option, a variable, a key of the environments file); default:
   * the parts of the URL, naming no setting.
   */
  readonly advice?: PgAdvice;
  /** An existing pool; the port then never ends it. */
  readonly pool?: pg.Pool;
  /** Schema holding Kong's tables when it is not `public`. */
  readonly searchPath?: string;
  /** Cancel a statement that runs longer (default 60 s); 0 turns the limit off. */
  readonly statementTimeoutMs?: number;
  /** Give up waiting for a table lock (e.g. held by `kong migrations`) after this long (default 10 s). */
  readonly lockTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/** Host, port, user, database and password of a connection; TLS verify-full against `ca`. */
export interface PgConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The password, or a function pg calls for each new connection (an IAM token lives 15 minutes). */
  readonly password: string | (() => Promise<string>);
  /** The CA certificates (PEM) the server's certificate must chain to; its name must match `host`. */
  readonly ca: string | readonly string[];
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** The limits a port applies, for the messages that name them. */
interface Limits {
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
}

// Every column arrives as the server's text so pg, PGlite and the Data API yield identical rows.
const rawText = { getTypeParser: () => (value: string) => value };

/** A SQL port over a direct PostgreSQL connection (the CLI's `--database-url`). */
export function createPgSqlPort(options: PgSqlPortOptions): SqlPort {
  const ownsPool = options.pool === undefined;
  const connection = options.connection;
  const pool =
    options.pool ??
    new pg.Pool({
      ...(connection === undefined
        ? { connectionString: withLibpqSslModes(options.connectionString) }
        : {
            host: connection.host,
            port: connection.port,
            user: connection.user,
            database: connection.database,
            password: connection.password,
            // verify-full: the chain must reach one of `ca`, and Node checks the name against `host`.
            ssl: { ca: [connection.ca].flat(), rejectUnauthorized: true },
          }),
      max: 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      ...(options.searchPath === undefined ? {} : { options: `-c search_path=${options.searchPath}` }),
    });
  const limits: Limits = {
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
  };
  // An idle client's socket error must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const tuned = new WeakSet<pg.PoolClient>();
  const where =
    connection === undefined
      ? describeTarget(options.connectionString)
      : `${connection.host}:${connection.port}/${connection.database} as ${connection.user}`;
  const advice = options.advice ?? URL_ADVICE;

  /** A client of the pool, its session tuned on first use. */
  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    if (!ownsPool || tuned.has(client)) return client;
    try {
      // JIT compiles hundreds of expressions for statements that run once (~90 ms lost at 1M
      // plugins). SETs, not startup options: poolers such as PgBouncer refuse those.
      await client.query("SET jit = off").catch(() => undefined);
      // Session settings, so they hold for each statement of a transaction too. A migration holding a
      // table lock must not leave the report waiting in silence.
      await client.query(
        `SET lock_timeout = ${limits.lockTimeoutMs}; SET statement_timeout = ${limits.statementTimeoutMs}`,
      );
      // A SQL_ASCII database keeps names as the bytes it was given, and PostgreSQL refuses to send
      // bytes that are not UTF-8 to a UTF8 client (SQLSTATE 22021: the whole report failed).
      // Taken as they are, pg decodes them with U+FFFD for what is not UTF-8.
      await client.query(
        "SELECT set_config('client_encoding', 'SQL_ASCII', false) WHERE current_setting('server_encoding') = 'SQL_ASCII'",
      );
      if (options.searchPath !== undefined) {
        await assertSchemaExists(client, options.searchPath, where, advice.schema);
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    tuned.add(client);
    return client;
  };

  const translate = async (error: unknown): Promise<Error> => {
    // Ours already says what to do: the schema check, or the password function (an IAM token).
    if (error instanceof NotKongDatabaseError || error instanceof DatabaseAccessError) return error;
    const holders = (error as PgErrorShape).code === "55P03" ? await describeLockHolders(pool) : undefined;
    return translatePgError(error, where, limits, holders, advice);
  };

  const run = async (client: pg.PoolClient, sql: string, params: SqlParams | undefined) => {
    const { text, values } = toPositional(sql, params);
    return (await client.query({ text, values, types: rawText })).rows;
  };

  return {
    async query(sql, params, queryOptions) {
      queryOptions?.signal?.throwIfAborted();
      let client: pg.PoolClient | undefined;
      try {
        client = await connect();
        const rows = await run(client, sql, params);
        client.release();
        return rows;
      } catch (error) {
        // A client whose statement failed may be broken: the pool discards it.
        client?.release(true);
        throw await translate(error);
      }
    },
    async runReadOnly<T>(work: (sql: SqlPort) => Promise<T>, queryOptions?: QueryOptions): Promise<T> {
      queryOptions?.signal?.throwIfAborted();
      let client: pg.PoolClient;
      try {
        client = await connect();
      } catch (error) {
        throw await translate(error);
      }
      // One client for the whole transaction. REPEATABLE READ: the report and its details pages
      // read one snapshot, so their counts agree even while Kong writes; READ ONLY: nothing the
      // report runs can change the database.
      const lent = lendTransaction(async (sql, params, statementOptions) => {
        statementOptions?.signal?.throwIfAborted();
        try {
          return await run(client, sql, params);
        } catch (error) {
          throw await translate(error);
        }
      });
      let result: T;
      try {
        try {
          await client.query(`BEGIN ${READ_ONLY_SNAPSHOT}`);
        } catch (error) {
          throw await translate(error);
        }
        result = await work(lent);
      } catch (error) {
        // Rolled back, the client goes back to the pool; a client that cannot roll back is discarded.
        await client.query("ROLLBACK").then(
          () => client.release(),
          (rollbackError: unknown) => client.release(rollbackError as Error),
        );
        throw error;
      }
      try {
        await client.query("COMMIT");
      } catch (error) {
        client.release(true);
        throw await translate(error);
      }
      client.release();
      return result;
    },
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

/**
 * libpq's meaning of `sslmode` (require: encrypted, verified only with an `sslrootcert`; verify-full:
 * chain and host name), which pg adopts in v9; asking for it now also silences pg's multi-line
 * warning that `require` is treated as `verify-full`.
 */
export function withLibpqSslModes(connectionString: string | undefined): string | undefined {
  if (connectionString === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  if (!url.searchParams.has("sslmode") || url.searchParams.has("uselibpqcompat")) return connectionString;
  url.searchParams.set("uselibpqcompat", "true");
  return url.toString();
}

/** A misspelled schema would otherwise read as "not a Kong database" in the default schema. */
async function assertSchemaExists(
  client: pg.PoolClient,
  schema: string,
  where: string,
  advice: string,
): Promise<void> {
  const { rows } = await client.query<{ found: boolean; schemas: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found,
            (SELECT string_agg(nspname, ', ' ORDER BY nspname) FROM pg_namespace
              WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema') AS schemas`,
    [schema],
  );
  if (rows[0]?.found === true) return;
  throw new NotKongDatabaseError(
    `Schema "${schema}" does not exist in ${where} (its schemas: ${rows[0]?.schemas ?? "none"}). ${advice}`,
  );
}

/** Tables of this database that other sessions hold exclusively locked (a running migration). */
async function describeLockHolders(pool: pg.Pool): Promise<string | undefined> {
  try {
    const { rows } = await pool.query<{ relation: string; pid: number; application: string; since: string }>(
      `SELECT DISTINCT ON (c.relname) c.relname AS relation, a.pid, a.application_name AS application,
              to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS since
         FROM pg_locks l
         JOIN pg_class c ON c.oid = l.relation AND c.relkind IN ('r', 'p')
         JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.mode = 'AccessExclusiveLock' AND a.pid <> pg_backend_pid()
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY c.relname LIMIT 5`,
    );
    if (rows.length === 0) return undefined;
    return rows
      .map(
        (row) =>
          `table ${row.relation} is locked by session ${row.pid}${row.application ? ` (${row.application})` : ""} in a transaction open since ${row.since} UTC`,
      )
      .join("; ");
  } catch {
    return undefined;
  }
}

interface PgErrorShape {
  code?: string;
  message?: string;
}

const droppedConnection = new Set([
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "ECONNRESET",
  "EPIPE",
]);
const untrustedCertificate = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function translatePgError(
  error: unknown,
  where: string,
  limits: Limits = {
    statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
  },
  lockHolders?: string,
  advice: PgAdvice = URL_ADVICE,
): Error {
  const { code, message = String(error) } = (error ?? {}) as PgErrorShape;
  const cause = { cause: error };
  // Before the dropped-connection test: pg words its own connect timeout "Connection terminated due
  // to connection timeout", which is a server never reached, not a session ended mid-report.
  if (code === undefined && /connection timeout|timeout exceeded when trying to connect/i.test(message)) {
    return new DatabaseAccessError(
      `Timed out connecting to PostgreSQL at ${where}: nothing answered. ${advice.address} and that a firewall or security group lets this machine in.`,
      cause,
    );
  }
  if ((code !== undefined && droppedConnection.has(code)) || /Connection terminated/i.test(message)) {
    return new DatabaseAccessError(
      `The connection to PostgreSQL at ${where} was closed while the report was read (${code ?? firstLine(message)}): the server restarted, failed over or ended the session. Run the report again.`,
      cause,
    );
  }
  if (code !== undefined && untrustedCertificate.has(code)) {
    return new DatabaseAccessError(
      `The TLS certificate of PostgreSQL at ${where} is not trusted (${code}). ${advice.certificate}`,
      cause,
    );
  }
  if (/does not support SSL/i.test(message)) {
    return new DatabaseAccessError(
      `PostgreSQL at ${where} does not accept TLS connections, ${advice.noTls}`,
      cause,
    );
  }
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return new DatabaseAccessError(
        `Cannot reach PostgreSQL at ${where} (${code}). ${advice.address} and that the server is running.`,
        cause,
      );
    case "28P01":
    case "28000":
      return new DatabaseAccessError(
        `PostgreSQL refused the credentials for ${where}. ${advice.credentials}`,
        cause,
      );
    case "3D000":
      return new DatabaseAccessError(`The database in ${where} does not exist. ${advice.database}`, cause);
    case "55P03":
      return new TimeoutError(
        `Gave up after ${seconds(limits.lockTimeoutMs)} waiting for a table lock on ${where}${lockHolders === undefined ? "" : `: ${lockHolders}`}. Another session (typically "kong migrations up/finish") holds it. Run the report again once it is done${advice.lockTimeout}.`,
        cause,
      );
    case "57014":
      if (!/statement timeout/i.test(message)) {
        return new TimeoutError(
          `A statement on ${where} was cancelled (${firstLine(message)}). Run the report again.`,
          cause,
        );
      }
      return new TimeoutError(
        `A statement on ${where} ran longer than the statement timeout (${seconds(limits.statementTimeoutMs)}) and was cancelled: the database is busy or very large. Run the report again when it is less busy${advice.statementTimeout}.`,
        cause,
      );
    case "25006":
      return new QueryError(readOnlyRefusal(where, firstLine(message)), cause);
    default:
      return new QueryError(
        `A query on ${where} failed${code ? ` (SQLSTATE ${code})` : ""}: ${firstLine(message)}`,
        cause,
      );
  }
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
