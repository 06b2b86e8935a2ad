import type { SqlParams, SqlRow } from "../sql/port.ts";
import type { DetailsContext } from "./details-context.ts";

/** One keyset-paged query, described so that `readPages` can write every page's statement. */
export interface PageSpec {
  /** SELECT list of the page, each expression aliased and of type text. */
  readonly columns: string;
  /** The aliases of `columns`: only these travel back (the paging columns are bigints). */
  readonly output: readonly string[];
  readonly from: string;
  /** Keyset columns in order, as SQL text expressions (compared and sorted with COLLATE "C"). */
  readonly keys: readonly string[];
  /** Output column names holding the keyset values, in the same order. */
  readonly keyColumns: readonly string[];
  /** Bytes of one row's variable-length text, for the byte budget. */
  readonly size: string;
  readonly where?: string;
  readonly groupBy?: string;
  readonly limit: number;
  /** Values of the spec's own `:name` placeholders. */
  readonly params?: SqlParams;
}

/**
 * Reads every page of a keyset-paged query. Each page stops at `limit` rows or at the byte
 * budget, whichever comes first, so long names or paths cannot push a response towards 1 MiB.
 */
export async function* readPages(ctx: DetailsContext, spec: PageSpec): AsyncGenerator<SqlRow[]> {
  let after: string[] | undefined;
  for (;;) {
    const params: Record<string, SqlParams[string]> = {
      ...spec.params,
      limit: spec.limit,
      limit_plus_one: spec.limit + 1,
      budget: ctx.paging.bytes,
    };
    const conditions = spec.where === undefined ? [] : [spec.where];
    if (after !== undefined) {
      after.forEach((value, i) => {
        params[`after_${i}`] = value;
      });
      conditions.push(keysetCondition(spec.keys));
    }
    const whereSql = conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`;
    const order = spec.keys.map((key) => `${key} COLLATE "C"`).join(", ");
    const outerOrder = spec.keyColumns.map((column) => `${column} COLLATE "C"`).join(", ");
    const text = `
WITH page AS (
  SELECT ${spec.columns}, (${spec.size}) + 64 AS _size
    FROM ${spec.from}
    ${whereSql}
    ${spec.groupBy === undefined ? "" : `GROUP BY ${spec.groupBy}`}
   ORDER BY ${order}
   LIMIT :limit_plus_one
), numbered AS (
  SELECT page.*, row_number() OVER w AS _rn, sum(_size) OVER w AS _running
    FROM page
  WINDOW w AS (ORDER BY ${outerOrder} ROWS UNBOUNDED PRECEDING)
)
SELECT ${spec.output.map((column) => `numbered.${column}`).join(", ")}, (SELECT count(*) FROM page)::text AS _page_rows
  FROM numbered
 WHERE _rn <= :limit AND _running - _size < :budget
 ORDER BY ${outerOrder}`;
    const rows = await ctx.run(text, params);
    if (rows.length === 0) return;
    yield rows;
    const pageRows = Number(rows[0]?._page_rows ?? 0);
    if (rows.length >= pageRows) return;
    const last = rows[rows.length - 1] as SqlRow;
    after = spec.keyColumns.map((column) => last[column] ?? "");
  }
}

/** `(k0 > a0) OR (k0 = a0 AND k1 > a1) ...` in byte order. */
function keysetCondition(keys: readonly string[]): string {
  const alternatives = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((prev, j) => `${prev} COLLATE "C" = :after_${j}`);
    return `(${[...equal, `${key} COLLATE "C" > :after_${i}`].join(" AND ")})`;
  });
  return `(${alternatives.join(" OR ")})`;
}
