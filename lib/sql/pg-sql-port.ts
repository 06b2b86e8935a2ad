import pg from "pg";
import { DatabaseAccessError, QueryError, TimeoutError } from "../errors.ts";
import { describeTarget } from "./describe-target.ts";
import { toPositional } from "./named-params.ts";
import type { SqlPort } from "./port.ts";

export { describeTarget };

export interface PgSqlPortOptions {
  /** `postgres://user:password@host:port/database`; ignored when `pool` is given. */
  readonly connectionString?: string;
  /** An existing pool; the port then never ends it. */
  readonly pool?: pg.Pool;
  /** Schema holding Kong's tables when it is not `public`. */
  readonly searchPath?: string;
  readonly statementTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

// Every column arrives as the server's text so pg, PGlite and the Data API yield identical rows.
const rawText = { getTypeParser: () => (value: string) => value };

/** A SQL port over a direct PostgreSQL connection (the CLI's `--database-url`). */
export function createPgSqlPort(options: PgSqlPortOptions): SqlPort {
  const ownsPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
      ...(options.searchPath === undefined ? {} : { options: `-c search_path=${options.searchPath}` }),
    });
  // An idle client's socket error must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const tuned = new WeakSet<pg.PoolClient>();
  const where = describeTarget(options.connectionString);
  return {
    async query(sql, params, queryOptions) {
      queryOptions?.signal?.throwIfAborted();
      const { text, values } = toPositional(sql, params);
      let client: pg.PoolClient | undefined;
      try {
        client = await pool.connect();
        if (ownsPool && !tuned.has(client)) {
          // JIT compiles hundreds of expressions for statements that run once (~90 ms lost at 1M
          // plugins). A SET, not a startup option: poolers such as PgBouncer refuse those.
          await client.query("SET jit = off").catch(() => undefined);
          tuned.add(client);
        }
        const result = await client.query({ text, values, types: rawText });
        client.release();
        return result.rows;
      } catch (error) {
        // A client whose statement failed may be broken: the pool discards it.
        client?.release(true);
        throw translatePgError(error, where);
      }
    },
    async close() {
      if (ownsPool) await pool.end();
    },
  };
}

interface PgErrorShape {
  code?: string;
  message?: string;
}

export function translatePgError(error: unknown, where: string): Error {
  const { code, message = String(error) } = (error ?? {}) as PgErrorShape;
  const cause = { cause: error };
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return new DatabaseAccessError(
        `Cannot reach PostgreSQL at ${where} (${code}). Check the host and port in --database-url and that the server is running.`,
        cause,
      );
    case "28P01":
    case "28000":
      return new DatabaseAccessError(
        `PostgreSQL refused the credentials for ${where}. Check the user and password in --database-url.`,
        cause,
      );
    case "3D000":
      return new DatabaseAccessError(`The database in ${where} does not exist. Check --database-url.`, cause);
    case "57014":
      return new TimeoutError(
        `A statement on ${where} ran past the statement timeout and was cancelled. Try again when the database is less busy.`,
        cause,
      );
    default:
      if (/timeout/i.test(message) && /connect/i.test(message)) {
        return new DatabaseAccessError(`Timed out connecting to PostgreSQL at ${where}.`, cause);
      }
      return new QueryError(
        `A query on ${where} failed${code ? ` (SQLSTATE ${code})` : ""}: ${firstLine(message)}`,
        cause,
      );
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
