import type pg from "pg";
import { type ReportNumbers, sortKeys } from "./numbers.ts";

/**
 * Kong's own way to compute the report (`get_license_report`, EE 3.9+), reproduced over `pg` as
 * Kong's DAO would talk to PostgreSQL (kong-report.md §4–§7):
 * - `SELECT COUNT(*)` per entity table (rbac_users, services, routes, consumers WHERE type = 0);
 * - workspaces and data planes walked with `each()` (pages of 100, keyset on id);
 * - license_data read whole for the window, summed per month in the process;
 * - plugins walked with `each(1000)`: keyset pages of 1,000 full rows ordered by id (the DAO
 *   decodes every row, config JSON included), and for every route-scoped aws-lambda /
 *   kafka-upstream plugin without service, consumer or consumer group one `routes:select` of
 *   its route, then the unique function names / host:port strings kept in process sets.
 * It only reads; every query is one round trip.
 */
export interface BaselineResult {
  readonly numbers: ReportNumbers;
  readonly roundTrips: number;
  /** Route lookups among the round trips. */
  readonly routeLookups: number;
  /** Bytes of the largest page as JSON (only when `measureBytes`). */
  readonly largestPageBytes: number;
}

export interface BaselineOptions {
  readonly now: Date;
  /** JSON-size every page (costs time: for the warm-up run only). */
  readonly measureBytes?: boolean;
}

interface PluginRow {
  id: string;
  name: string;
  route_id: string | null;
  service_id: string | null;
  consumer_id: string | null;
  consumer_group_id: string | null;
  config: Record<string, unknown> | null;
}

const PLUGIN_PAGE = 1000;
const DEFAULT_PAGE = 100;

export async function runKongBaseline(
  client: pg.ClientBase,
  options: BaselineOptions,
): Promise<BaselineResult> {
  let roundTrips = 0;
  let routeLookups = 0;
  let largestPageBytes = 0;
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    roundTrips += 1;
    const { rows } = await client.query<R>(text, values);
    if (options.measureBytes === true) {
      largestPageBytes = Math.max(largestPageBytes, Buffer.byteLength(JSON.stringify(rows)));
    }
    return rows;
  };
  const countOf = async (text: string): Promise<number> =>
    Number((await query<{ n: string }>(text))[0]?.n ?? 0);

  // workspace_counters.entity_counts (3.9+): live counts
  const rbacUsers = await countOf("SELECT COUNT(*) AS n FROM rbac_users");
  const services = await countOf("SELECT COUNT(*) AS n FROM services");
  const routes = await countOf("SELECT COUNT(*) AS n FROM routes");
  const consumers = await countOf("SELECT COUNT(*) AS n FROM consumers WHERE type = 0");

  // get_workspaces_count / get_dataplanes_count: DAO each() with the default page size
  const walk = async (table: string, ttlFilter: string): Promise<number> => {
    let total = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await query<{ id: string }>(
        `SELECT * FROM ${table} WHERE ${ttlFilter} ${after === undefined ? "" : "AND id > $2"} ORDER BY id LIMIT $1`,
        after === undefined ? [DEFAULT_PAGE + 1] : [DEFAULT_PAGE + 1, after],
      );
      const page = rows.slice(0, DEFAULT_PAGE);
      total += page.length;
      if (rows.length <= DEFAULT_PAGE) return total;
      after = page[page.length - 1]?.id;
    }
  };
  const workspaces = await walk("workspaces", "TRUE");
  // Kong's ttl clean-up deletes expired rows; the DAO hides them meanwhile
  const dataPlanes = await walk("clustering_data_planes", "(ttl IS NULL OR ttl >= now())");

  // counters pull_data: the window is the current UTC month and the 11 before it
  const month = options.now.getUTCFullYear() * 12 + options.now.getUTCMonth() - 11;
  const minYear = Math.floor(month / 12);
  const minMonth = (month % 12) + 1;
  const counterRows = await query<{ req_cnt: string; year: number; month: number }>(
    "SELECT req_cnt, year, month FROM license_data WHERE year >= $1 OR year = 0",
    [minYear],
  );
  const buckets: Record<string, number> = {};
  let totalRequests = 0;
  for (const row of counterRows) {
    if (!(row.year > minYear || (row.year === minYear && row.month >= minMonth) || row.year === 0)) continue;
    const label =
      row.year !== 0 && row.month !== 0
        ? `${String(row.year).padStart(4, "0")}-${String(row.month).padStart(2, "0")}`
        : "UNKNOWN";
    buckets[label] = (buckets[label] ?? 0) + Number(row.req_cnt);
    totalRequests += Number(row.req_cnt);
  }

  // get_plugins_count: plugins:each(1000) with a route lookup per candidate lambda / kafka plugin
  const plugins: Record<string, number> = {};
  const functionNames = new Set<string>();
  const brokers = new Set<string>();
  const isServiceLessRouteOnly = async (plugin: PluginRow): Promise<boolean> => {
    if (plugin.service_id !== null || plugin.route_id === null) return false;
    if (plugin.consumer_id !== null || plugin.consumer_group_id !== null) return false;
    routeLookups += 1;
    const [route] = await query<{ service_id: string | null }>("SELECT * FROM routes WHERE id = $1 LIMIT 1", [
      plugin.route_id,
    ]);
    return route !== undefined && route.service_id === null && plugin.config !== null;
  };
  let after: string | undefined;
  for (;;) {
    const rows = await query<PluginRow>(
      `SELECT * FROM plugins ${after === undefined ? "" : "WHERE id > $2"} ORDER BY id LIMIT $1`,
      after === undefined ? [PLUGIN_PAGE + 1] : [PLUGIN_PAGE + 1, after],
    );
    const page = rows.slice(0, PLUGIN_PAGE);
    for (const plugin of page) {
      plugins[plugin.name] = (plugins[plugin.name] ?? 0) + 1;
      if (plugin.name === "aws-lambda" && (await isServiceLessRouteOnly(plugin))) {
        // 3.8+: a plugin without function_name is skipped (the DAO turns "" into nil too)
        const name = plugin.config?.function_name;
        if (typeof name === "string" && name !== "") functionNames.add(name);
      } else if (plugin.name === "kafka-upstream" && (await isServiceLessRouteOnly(plugin))) {
        const servers = plugin.config?.bootstrap_servers;
        if (Array.isArray(servers)) {
          for (const broker of servers as Array<{ host?: unknown; port?: unknown }>) {
            brokers.add(`${String(broker.host)}:${String(broker.port)}`);
          }
        }
      }
    }
    if (rows.length <= PLUGIN_PAGE) break;
    after = page[page.length - 1]?.id;
  }

  return {
    numbers: {
      services,
      routes,
      consumers,
      workspaces,
      rbac_users: rbacUsers,
      plugins: sortKeys(plugins),
      unique_route_lambdas: functionNames.size,
      unique_route_kafkas: brokers.size,
      total_requests: totalRequests,
      buckets: sortKeys(buckets),
      connected_dp_count: dataPlanes,
    },
    roundTrips,
    routeLookups,
    largestPageBytes,
  };
}
