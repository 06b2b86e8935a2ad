import type { EntityCounterComparison, WorkspaceCounterDrift } from "../report/types.ts";
import { compareBytes } from "../shared/compare-bytes.ts";
import type { DetailsContext } from "./details-context.ts";
import { toCount } from "./row-values.ts";
import { proxyConsumerFilter } from "./workspaces.ts";

/** Entity types counted live, as Kong's report counts them (consumers: proxy consumers only). */
const COMPARED_TYPES = ["services", "routes", "consumers", "plugins", "rbac_users"] as const;

/**
 * Compares `workspace_entity_counters` (what Kong 3.8 and older report) with the live tables, in
 * total and per (workspace, entity type); undefined when the schema has no counter table.
 */
export async function compareEntityCounters(
  ctx: DetailsContext,
  perWorkspace: boolean,
): Promise<EntityCounterComparison | undefined> {
  if (!ctx.schema.hasTable("workspace_entity_counters")) return undefined;
  const sums = await ctx.run(`
SELECT entity_type, sum(count)::text AS total
  FROM workspace_entity_counters
 GROUP BY entity_type
 ORDER BY entity_type COLLATE "C"`);
  const counterSums = new Map(sums.map((row) => [row.entity_type ?? "", toCount(row.total)]));
  const compared = COMPARED_TYPES.filter((type) => ctx.schema.hasTable(type));
  const wsColumn = (table: string): string =>
    perWorkspace && ctx.schema.hasColumn(table, "ws_id") ? "ws_id" : "NULL::uuid";
  const live = compared
    .map((type) => {
      const filter = type === "consumers" ? ` WHERE ${proxyConsumerFilter(ctx, type)}` : "";
      return `SELECT '${type}'::text AS entity_type, ${wsColumn(type)} AS ws_id, count(*) AS n FROM ${type}${filter} GROUP BY 2`;
    })
    .join("\n  UNION ALL ");
  const typeList = compared.map((type) => `'${type}'`).join(", ");
  // Listed by workspace name, then entity type; the first :max_drifts are returned.
  const perWorkspaceDiffs = perWorkspace
    ? `
UNION ALL
SELECT 'workspace', d.entity_type, d.ws_id::text, d.ws_name, d.live::text, d.counter::text,
       (SELECT count(*) FROM diffs)::text
  FROM (SELECT diffs.*, w.name AS ws_name
          FROM diffs LEFT JOIN workspaces w ON w.id = diffs.ws_id
         ORDER BY w.name COLLATE "C", diffs.entity_type COLLATE "C", diffs.ws_id
         LIMIT :max_drifts) d`
    : "";
  const rows = await ctx.run(
    `
WITH live AS (
  ${live}
), counters AS (
  SELECT entity_type, workspace_id AS ws_id, sum(count) AS n
    FROM workspace_entity_counters
   WHERE entity_type IN (${typeList})
   GROUP BY entity_type, workspace_id
), diffs AS (
  SELECT coalesce(l.entity_type, c.entity_type) AS entity_type, coalesce(l.ws_id, c.ws_id) AS ws_id,
         coalesce(l.n, 0) AS live, c.n AS counter
    FROM live l FULL JOIN counters c ON c.entity_type = l.entity_type AND c.ws_id = l.ws_id
   WHERE coalesce(l.n, 0) <> coalesce(c.n, 0) AND coalesce(l.ws_id, c.ws_id) IS NOT NULL
)
SELECT 'total' AS kind, entity_type, NULL::text AS ws_id, NULL::text AS ws_name, sum(n)::text AS live,
       NULL::text AS counter, NULL::text AS diff_count
  FROM live GROUP BY entity_type${perWorkspaceDiffs}`,
    { max_drifts: ctx.maxWorkspaceDrifts },
  );
  const liveTotals = new Map<string, number>();
  const workspaces: WorkspaceCounterDrift[] = [];
  let workspacesDrifted = 0;
  for (const row of rows) {
    if (row.kind === "total") {
      liveTotals.set(row.entity_type ?? "", toCount(row.live));
    } else {
      workspacesDrifted = toCount(row.diff_count);
      workspaces.push({
        workspace_id: row.ws_id ?? "",
        workspace: row.ws_name ?? null,
        entity_type: row.entity_type ?? "",
        counter_table: row.counter === null || row.counter === undefined ? null : toCount(row.counter),
        live: toCount(row.live),
      });
    }
  }
  const comparison: EntityCounterComparison = { rows: [], drifted: [] };
  for (const type of compared) {
    const counter = counterSums.get(type) ?? null;
    const liveCount = liveTotals.get(type) ?? 0;
    const drift = counter === null ? null : counter - liveCount;
    comparison.rows.push({ entity_type: type, counter_table: counter, live: liveCount, drift });
    if ((drift !== null && drift !== 0) || (counter === null && liveCount > 0)) comparison.drifted.push(type);
  }
  const notCompared = [...counterSums]
    .filter(([type]) => !(compared as readonly string[]).includes(type))
    .map(([entity_type, counter_table]) => ({ entity_type, counter_table }));
  if (notCompared.length > 0) comparison.not_compared = notCompared;
  if (perWorkspace) {
    // UNION ALL keeps no order: restore the statement's (workspace name, entity type) order.
    comparison.workspaces = workspaces.sort(
      (a, b) =>
        compareBytes(a.workspace ?? "", b.workspace ?? "") ||
        compareBytes(a.entity_type, b.entity_type) ||
        compareBytes(a.workspace_id, b.workspace_id),
    );
    comparison.workspaces_drifted = workspacesDrifted;
  }
  return comparison;
}

/** One human sentence per drifted entity type, then what to do, for `details.warnings`. */
export function describeDrift(comparison: EntityCounterComparison): string[] {
  const lines = comparison.rows
    .filter((row) => comparison.drifted.includes(row.entity_type))
    .map((row) =>
      row.counter_table === null
        ? `workspace_entity_counters has no "${row.entity_type}" rows but the table holds ${row.live}: Kong 3.8 and older would omit this count.`
        : `workspace_entity_counters says ${row.counter_table} ${row.entity_type}, the table holds ${row.live} (drift ${formatSigned(row.drift ?? 0)}).`,
    );
  const pairs = comparison.workspaces_drifted ?? 0;
  if (pairs > 0) lines.push(`${pairs} (workspace, entity type) counter row(s) differ from the live counts.`);
  if (lines.length > 0) {
    lines.push(
      'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
    );
  }
  return lines;
}

// Not lib/shared's formatSigned: the warnings keep their ungrouped numbers (+1234, not +1,234).
function formatSigned(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
