import type { SqlPort } from "../lib/sql/port.ts";

/** Every table the report reads, each scanned once by a plain count. */
const FLOOR_TABLES = [
  "plugins",
  "routes",
  "services",
  "consumers",
  "workspaces",
  "rbac_users",
  "license_data",
  "licenses",
  "clustering_data_planes",
  "schema_meta",
] as const;

/**
 * The floor: PostgreSQL alone counting the rows of every table the report reads, in one
 * statement and one round trip, planned as PostgreSQL likes (index-only scans where the
 * visibility map allows). No report can read these tables faster than it can count them.
 */
export const FLOOR_SQL = `SELECT ${FLOOR_TABLES.map((table) => `(SELECT count(*) FROM ${table})::text AS ${table}`).join(",\n       ")}`;

/**
 * What the floor does not cover but the report must do with Kong's indexes: fetch the config of
 * every aws-lambda / kafka-upstream row from the heap (no index holds `config`).
 */
export const CONFIG_FETCH_SQL = `SELECT count(*)::text AS candidates, sum(pg_column_size(config))::text AS bytes
  FROM plugins WHERE name IN ('aws-lambda', 'kafka-upstream')`;

export async function runFloor(sql: SqlPort): Promise<Record<string, string | null>> {
  const [row] = await sql.query(FLOOR_SQL);
  return row ?? {};
}

export async function runConfigFetch(sql: SqlPort): Promise<Record<string, string | null>> {
  const [row] = await sql.query(CONFIG_FETCH_SQL);
  return row ?? {};
}
