import type { PGlite } from "@electric-sql/pglite";
import { toPositional } from "./named-params.ts";
import { translatePgError } from "./pg-sql-port.ts";
import type { SqlPort, SqlRow } from "./port.ts";

export interface PgliteSqlPortOptions {
  readonly db: PGlite;
  /** Schema holding Kong's tables; set per statement because one PGlite session is shared. */
  readonly searchPath?: string;
  /** Close the PGlite instance when the port closes (the port created it). */
  readonly ownsDatabase?: boolean;
}

/** A SQL port over an embedded PGlite database (the demo, and the default test database). */
export function createPgliteSqlPort(options: PgliteSqlPortOptions): SqlPort {
  const { db, searchPath } = options;
  // Identity parsers keep every value as the server's text, as the pg adapter does.
  const parsers = Object.fromEntries(Object.keys(db.parsers).map((oid) => [oid, (value: string) => value]));
  return {
    async query(sql, params, queryOptions) {
      queryOptions?.signal?.throwIfAborted();
      const { text, values } = toPositional(sql, params);
      try {
        if (searchPath === undefined) {
          return (await db.query<SqlRow>(text, values, { parsers })).rows;
        }
        return await db.transaction(async (tx) => {
          await tx.exec(`SET LOCAL search_path TO ${quoteIdentifier(searchPath)}`);
          return (await tx.query<SqlRow>(text, values, { parsers })).rows;
        });
      } catch (error) {
        throw translatePgError(error, "the embedded database");
      }
    },
    async close() {
      if (options.ownsDatabase === true) await db.close();
    },
  };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
