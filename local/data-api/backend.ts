import type { PgTypeRow } from "./pg-types.ts";
import type { PreparedStatement } from "./protocol.ts";

/** How long one statement may run, and whether it keeps running after the call gives up. */
export interface StatementLimits {
  readonly timeoutMs: number;
  readonly continueAfterTimeout: boolean;
}

/** One statement's outcome with every value as PostgreSQL's text output (or null). */
export interface StatementResult {
  /** Result columns; empty for statements without a result set. */
  readonly fields: ReadonlyArray<{ readonly name: string; readonly typeOid: number }>;
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
  /** Rows inserted, updated or deleted (0 for queries). */
  readonly updated: number;
}

/** Runs statements on one database, in auto-commit mode or inside one transaction. */
export interface StatementRunner {
  run(statement: PreparedStatement, limits: StatementLimits): Promise<StatementResult>;
  /** `pg_type` rows of the given OIDs (for enums, domains and arrays the built-in table lacks). */
  readTypes(oids: readonly number[]): Promise<PgTypeRow[]>;
}

/** A transaction with a dedicated session, as BeginTransaction opens it. */
export interface TransactionSession extends StatementRunner {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Where the endpoint's statements run: a PostgreSQL server through `pg`, or an embedded PGlite. */
export interface DataApiBackend {
  /** Human-readable target, never a password. */
  readonly description: string;
  /** An auto-commit runner on `database` (the backend's own database when omitted). */
  runner(database: string | undefined): StatementRunner;
  begin(database: string | undefined): Promise<TransactionSession>;
  close(): Promise<void>;
}

/** Reads `pg_type` rows through a runner; OIDs travel as one text array parameter. */
export async function readTypeRows(
  run: (statement: PreparedStatement) => Promise<StatementResult>,
  oids: readonly number[],
): Promise<PgTypeRow[]> {
  if (oids.length === 0) return [];
  const result = await run({
    text:
      "SELECT oid::int4, typname::text, typelem::int4, typcategory::text, typtype::text, typbasetype::int4 " +
      "FROM pg_catalog.pg_type WHERE oid = ANY($1::text::oid[])",
    values: [`{${oids.join(",")}}`],
    paramTypes: [25],
  });
  return result.rows.map(([oid, typname, typelem, typcategory, typtype, typbasetype]) => ({
    oid: Number(oid),
    typname: typname ?? "",
    typelem: Number(typelem),
    typcategory: typcategory ?? "",
    typtype: typtype ?? "",
    typbasetype: Number(typbasetype),
  }));
}
