import type { SchemaFacts } from "../report/probe-schema.ts";
import type { YearMonth } from "../report/reporting-month.ts";
import type { QueryOptions, SqlPort } from "../sql/port.ts";

/**
 * Requests Kong counted in `license_data` from `range.start` to `range.end` (both included): the
 * contract term's months before the report's window. One statement; undefined when the table (or,
 * before Kong 2.7, its month columns) does not exist.
 */
export async function readRequestsBetween(
  sql: SqlPort,
  schema: SchemaFacts,
  range: { readonly start: YearMonth; readonly end: YearMonth },
  options: QueryOptions = {},
): Promise<number | undefined> {
  if (!schema.hasColumn("license_data", "year") || !schema.hasColumn("license_data", "month"))
    return undefined;
  const [row] = await sql.query(
    `SELECT coalesce(sum(req_cnt), 0)::text AS n
       FROM license_data
      WHERE (year > :start_year OR (year = :start_year AND month >= :start_month))
        AND (year < :end_year OR (year = :end_year AND month <= :end_month))`,
    {
      start_year: range.start.year,
      start_month: range.start.month,
      end_year: range.end.year,
      end_month: range.end.month,
    },
    options,
  );
  const n = Number(row?.n ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`requests ${String(row?.n)} are not a safe integer`);
  return n;
}
