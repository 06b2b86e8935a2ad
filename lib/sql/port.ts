/**
 * The collector's only view of a database. SQL uses `:name` placeholders; values are scalars
 * (bigints travel as strings so no driver rounds them; the Data API takes no array parameters).
 * Collector queries select text (or NULL) columns only, so every adapter returns the same rows.
 */
export type SqlValue = string | number | boolean | null;
export type SqlParams = Readonly<Record<string, SqlValue>>;
export type SqlRow = Record<string, string | null>;

export interface QueryOptions {
  readonly signal?: AbortSignal;
}

export interface SqlPort {
  /** Runs one statement and returns its rows as plain objects keyed by column name. */
  query(sql: string, params?: SqlParams, options?: QueryOptions): Promise<SqlRow[]>;
  /**
   * Runs `work` inside one transaction the port opens `REPEATABLE READ READ ONLY` and ends itself
   * (committed when `work` resolves, rolled back when it throws): every statement `work` runs on the
   * port it is lent sees one snapshot of the database and cannot write. Inside, `runReadOnly` runs
   * `work` in the same transaction. An adapter that lost its transaction to a transient failure may
   * run `work` again in a new one, so `work` must have no effect besides its queries.
   */
  runReadOnly<T>(work: (sql: SqlPort) => Promise<T>, options?: QueryOptions): Promise<T>;
  /** Releases connections the adapter opened itself (never an injected client's). */
  close(): Promise<void>;
}

/**
 * The mode of `runReadOnly`'s transaction: `BEGIN ${mode}`, or `SET TRANSACTION ${mode}` as the
 * first statement of a transaction begun without it (PGlite, the Data API).
 */
export const READ_ONLY_SNAPSHOT = "ISOLATION LEVEL REPEATABLE READ READ ONLY";

/**
 * The port lent inside a transaction: its statements run on `run`, a nested `runReadOnly` stays in
 * the same transaction, and `close` leaves the connection to the port that opened the transaction.
 */
export function lendTransaction(run: SqlPort["query"]): SqlPort {
  const lent: SqlPort = {
    query: run,
    runReadOnly: (work) => work(lent),
    close: async () => undefined,
  };
  return lent;
}

/**
 * A port whose every statement goes through `wrap(query)`, those inside `runReadOnly` too: what
 * observes statements (counting, progress, errors) wraps the port once and sees them all.
 */
export function wrapQueries(port: SqlPort, wrap: (query: SqlPort["query"]) => SqlPort["query"]): SqlPort {
  return {
    query: wrap((sql, params, options) => port.query(sql, params, options)),
    runReadOnly: (work, options) => port.runReadOnly((sql) => work(wrapQueries(sql, wrap)), options),
    close: () => port.close(),
  };
}

/** Wraps a port so the number of statements one report runs can be read and logged. */
export function countQueries(port: SqlPort): SqlPort & { readonly calls: () => number } {
  let calls = 0;
  const counted = wrapQueries(port, (query) => (sql, params, options) => {
    calls += 1;
    return query(sql, params, options);
  });
  return { ...counted, calls: () => calls };
}

/**
 * The message of SQLSTATE 25006 (read_only_sql_transaction): a statement of the report tried to
 * write, and the read-only transaction refused it. The report never writes: this is a bug.
 */
export function readOnlyRefusal(where: string, detail: string): string {
  return `A statement tried to write to ${where} inside the report's read-only transaction, and PostgreSQL refused it (SQLSTATE 25006: ${detail}). The report only reads: this is a bug in the report's queries; please report it.`;
}
