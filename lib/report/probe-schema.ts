import type { QueryOptions, SqlPort } from "../sql/port.ts";

/** What the connected database offers: server version and which Kong tables/columns exist. */
export interface SchemaFacts {
  readonly serverVersionNum: number;
  /** The schema the Kong tables were looked up in (first existing schema of the search_path). */
  readonly schemaName: string;
  hasTable(table: string): boolean;
  hasColumn(table: string, column: string): boolean;
}

/** Kong tables the report and the details may read; columns of other tables are not fetched. */
export const KONG_TABLES = [
  "schema_meta",
  "workspaces",
  "services",
  "routes",
  "consumers",
  "plugins",
  "rbac_users",
  "licenses",
  "license_data",
  "license_llm_data",
  "workspace_entity_counters",
  "clustering_data_planes",
] as const;

const probeSql = `
SELECT current_setting('server_version_num') AS server_version_num,
       current_schema()::text AS schema_name,
       (SELECT coalesce(json_agg(json_build_array(c.table_name, c.column_name)), '[]'::json)::text
          FROM information_schema.columns c
         WHERE c.table_schema = current_schema()
           AND c.table_name IN (${KONG_TABLES.map((t) => `'${t}'`).join(", ")})) AS columns`;

/** One round trip: server version plus the Kong tables and columns present in the current schema. */
export async function probeSchema(sql: SqlPort, options: QueryOptions = {}): Promise<SchemaFacts> {
  const [row] = await sql.query(probeSql, {}, options);
  const pairs = JSON.parse(row?.columns ?? "[]") as Array<[string, string]>;
  const columns = new Map<string, Set<string>>();
  for (const [table, column] of pairs) {
    const set = columns.get(table) ?? new Set<string>();
    set.add(column);
    columns.set(table, set);
  }
  return {
    serverVersionNum: Number(row?.server_version_num ?? 0),
    schemaName: row?.schema_name ?? "public",
    hasTable: (table) => columns.has(table),
    hasColumn: (table, column) => columns.get(table)?.has(column) ?? false,
  };
}

/** Kong's `major_minor_version`: 150002 → "15.2", 90619 → "9.6.19". */
export function formatDbVersion(serverVersionNum: number): string {
  const major = Math.floor(serverVersionNum / 10_000);
  if (major < 10) {
    return `postgres ${major}.${Math.floor(serverVersionNum / 100) % 100}.${serverVersionNum % 100}`;
  }
  return `postgres ${major}.${serverVersionNum % 100}`;
}
