import type { PGlite, Transaction } from "@electric-sql/pglite";
import { toPositional } from "./named-params.ts";
import { translatePgError } from "./pg-sql-port.ts";
import {
  lendTransaction,
  type QueryOptions,
  READ_ONLY_SNAPSHOT,
  type SqlParams,
  type SqlPort,
  type SqlRow,
} from "./port.ts";

export interface PgliteSqlPortOptions {
  readonly db: PGlite;
  /** Schema holding Kong's tables; set per transaction because one PGlite session is shared. */
  readonly searchPath?: string;
  /** Close the PGlite instance when the port closes (the port created it). */
  readonly ownsDatabase?: boolean;
}

const where = "the embedded database";

/** A SQL port over an embedded PGlite database (the demo, and the default test database). */
export function createPgliteSqlPort(options: PgliteSqlPortOptions): SqlPort {
  const { db, searchPath } = options;
  // Identity parsers keep every value as the server's text, as the pg adapter does.
  const parsers = Object.fromEntries(Object.keys(db.parsers).map((oid) => [oid, (value: string) => value]));
  const setSearchPath =
    searchPath === undefined ? "" : `SET LOCAL search_path TO ${quoteIdentifier(searchPath)}`;

  const run = async (on: PGlite | Transaction, sql: string, params: SqlParams | undefined) => {
    const { text, values } = toPositional(sql, params);
    return (await on.query<SqlRow>(text, values, { parsers })).rows;
  };

  return {
    async query(sql, params, queryOptions) {
      queryOptions?.signal?.throwIfAborted();
      try {
        if (searchPath === undefined) return await run(db, sql, params);
        return await db.transaction(async (tx) => {
          await tx.exec(setSearchPath);
          return run(tx, sql, params);
        });
      } catch (error) {
        throw translatePgError(error, where);
      }
    },
    async runReadOnly<T>(work: (sql: SqlPort) => Promise<T>, queryOptions?: QueryOptions): Promise<T> {
      queryOptions?.signal?.throwIfAborted();
      const lent = (tx: Transaction) =>
        lendTransaction(async (sql, params, statementOptions) => {
          statementOptions?.signal?.throwIfAborted();
          try {
            return await run(tx, sql, params);
          } catch (error) {
            throw translatePgError(error, where);
          }
        });
      // PGlite is one session: its transaction lock makes other statements wait until this one ends.
      // PGlite sends BEGIN, so the mode is the first statement. REPEATABLE READ: the report and its
      // details pages read one snapshot; READ ONLY: nothing the report runs can change the database.
      // PGlite rolls back when `work` throws.
      return db.transaction(async (tx) => {
        try {
          await tx.exec([`SET TRANSACTION ${READ_ONLY_SNAPSHOT}`, setSearchPath].filter(Boolean).join("; "));
        } catch (error) {
          throw translatePgError(error, where);
        }
        return work(lent(tx));
      });
    },
    async close() {
      if (options.ownsDatabase === true) await db.close();
    },
  };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
