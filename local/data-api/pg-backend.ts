import pg from "pg";
import { describeTarget } from "../../lib/sql/pg-sql-port.ts";
import { quoteIdentifier } from "../../lib/sql/pglite-sql-port.ts";
import {
  type DataApiBackend,
  readTypeRows,
  type StatementLimits,
  type StatementResult,
  type StatementRunner,
  type TransactionSession,
} from "./backend.ts";
import { DataApiFault, isPgError, type PreparedStatement, toDatabaseFault } from "./protocol.ts";

export interface PgBackendOptions {
  readonly connectionString: string;
  readonly searchPath?: string;
  readonly statementTimeoutMs: number;
}

const updatingCommands = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"]);
const noTimeout: StatementLimits = { timeoutMs: 0, continueAfterTimeout: false };

/**
 * Statements on a PostgreSQL server, one pool per database named in requests. Sessions run in UTC
 * (as Aurora's Data API does) with the statement timeout set server-side, so PostgreSQL cancels.
 */
export function createPgBackend(options: PgBackendOptions): DataApiBackend {
  const pools = new Map<string, pg.Pool>();

  const poolFor = (database: string | undefined): pg.Pool => {
    const key = database ?? "";
    let pool = pools.get(key);
    if (pool === undefined) {
      const url = new URL(options.connectionString);
      if (database !== undefined && database !== "") url.pathname = `/${encodeURIComponent(database)}`;
      pool = new pg.Pool({
        connectionString: url.toString(),
        max: 8,
        connectionTimeoutMillis: 10_000,
        options: startupOptions(options),
      });
      // An idle client's socket error must not crash the endpoint; the next statement reports it.
      pool.on("error", () => undefined);
      pools.set(key, pool);
    }
    return pool;
  };

  return {
    description: `PostgreSQL at ${describeTarget(options.connectionString)}`,
    runner(database) {
      const pool = poolFor(database);
      const runner: StatementRunner = {
        async run(statement, limits) {
          const client = await connect(pool);
          const { answer, settled } = startStatement(client, statement, limits, options.statementTimeoutMs);
          // The client goes back to the pool only once its statement ended (continueAfterTimeout).
          settled.then(
            () => client.release(),
            (error: unknown) => client.release(error instanceof DataApiFault ? undefined : (error as Error)),
          );
          return answer;
        },
        readTypes: (oids) => readTypeRows((statement) => runner.run(statement, noTimeout), oids),
      };
      return runner;
    },
    async begin(database) {
      const client = await connect(poolFor(database));
      try {
        await client.query("BEGIN");
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      let ended = false;
      const end = async (command: "COMMIT" | "ROLLBACK") => {
        if (ended) return;
        ended = true;
        try {
          await client.query(command);
          client.release();
        } catch (error) {
          client.release(error as Error);
          throw isPgError(error) ? toDatabaseFault(error) : error;
        }
      };
      const session: TransactionSession = {
        run: (statement, limits) =>
          startStatement(client, statement, limits, options.statementTimeoutMs).answer,
        readTypes: (oids) => readTypeRows((statement) => session.run(statement, noTimeout), oids),
        commit: () => end("COMMIT"),
        rollback: () => end("ROLLBACK"),
      };
      return session;
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

/** Starts a statement; `answer` is what the call returns, `settled` when the session is free again. */
function startStatement(
  client: pg.PoolClient,
  statement: PreparedStatement,
  limits: StatementLimits,
  sessionTimeoutMs: number,
): { answer: Promise<StatementResult>; settled: Promise<unknown> } {
  if (!limits.continueAfterTimeout) {
    const answer = runQuery(client, statement);
    return { answer, settled: answer };
  }
  // continueAfterTimeout: the call gives up after the limit, the statement runs on to its end.
  const running = client
    .query("SET statement_timeout = 0")
    .then(() => runQuery(client, statement))
    .finally(() =>
      client.query(`SET statement_timeout = ${Math.trunc(sessionTimeoutMs)}`).catch(() => undefined),
    );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new DataApiFault("StatementTimeoutException", "Request timed out", {
          dbConnectionId: processId(client),
        }),
      );
    }, limits.timeoutMs);
  });
  const answer = Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
  return { answer, settled: running };
}

async function runQuery(client: pg.PoolClient, statement: PreparedStatement): Promise<StatementResult> {
  // `types` is both the parameter OIDs of the Parse message and the (identity) result parser: pg
  // reads the array for the first and `getTypeParser` for the second, so raw text comes back.
  const types = Object.assign([...statement.paramTypes], { getTypeParser: () => (value: string) => value });
  let result: pg.QueryArrayResult;
  try {
    result = await client.query({
      text: statement.text,
      values: statement.values,
      rowMode: "array",
      types,
      // Always the extended protocol: it refuses several statements in one call, as the Data API does.
      queryMode: "extended",
    } as pg.QueryArrayConfig);
  } catch (error) {
    throw isPgError(error) ? toDatabaseFault(error, processId(client)) : error;
  }
  return {
    fields: result.fields.map((field) => ({ name: field.name, typeOid: field.dataTypeID })),
    rows: result.rows as Array<Array<string | null>>,
    updated: updatingCommands.has(result.command) ? (result.rowCount ?? 0) : 0,
  };
}

function startupOptions(options: PgBackendOptions): string {
  const settings = ["TimeZone=UTC", `statement_timeout=${Math.trunc(options.statementTimeoutMs)}`];
  if (options.searchPath !== undefined) settings.push(`search_path=${quoteIdentifier(options.searchPath)}`);
  // Backslash escapes spaces and backslashes inside the startup `options` string.
  return settings.map((setting) => `-c ${setting.replace(/[\\ ]/g, "\\$&")}`).join(" ");
}

function processId(client: pg.PoolClient): number | undefined {
  return (client as unknown as { processID?: number }).processID;
}

/** A pooled client; a server refusal (unknown database, bad password) becomes the Data API's error. */
async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw isPgError(error) ? toDatabaseFault(error) : error;
  }
}
