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
  /** Releases connections the adapter opened itself (never an injected client's). */
  close(): Promise<void>;
}

/** Wraps a port so the number of round trips one report makes can be read and logged. */
export function countQueries(port: SqlPort): SqlPort & { readonly calls: () => number } {
  let calls = 0;
  return {
    query(sql, params, options) {
      calls += 1;
      return port.query(sql, params, options);
    },
    close: () => port.close(),
    calls: () => calls,
  };
}
