import type { WorkspaceDetail } from "../report/types.ts";
import { compareBytes } from "../shared/compare-bytes.ts";
import type { SqlRow } from "../sql/port.ts";
import type { DetailsContext } from "./details-context.ts";
import { type PageSpec, readPages } from "./paging.ts";
import { toCount } from "./row-values.ts";

/** Adds each workspace's plugin counts, by tier, to `workspaces` (one implicit workspace before Kong 2.1). */
export async function addPlugins(
  ctx: DetailsContext,
  workspaces: WorkspaceDetail[],
  perWorkspace: boolean,
): Promise<void> {
  if (perWorkspace) {
    await addPluginsByWorkspacePage(ctx, workspaces);
    return;
  }
  const [implicit] = workspaces;
  const spec: PageSpec = {
    columns: "p.name AS name, count(*)::text AS n",
    output: ["name", "n"],
    from: "plugins p",
    groupBy: "p.name",
    keys: ["p.name"],
    keyColumns: ["name"],
    size: "octet_length(p.name)",
    limit: ctx.paging.plugins,
  };
  for await (const rows of readPages(ctx, spec)) {
    for (const row of rows) {
      if (implicit !== undefined && row.name !== null && row.name !== undefined) {
        addPluginCount(ctx, implicit, row.name, toCount(row.n));
      }
    }
  }
}

function addPluginCount(ctx: DetailsContext, ws: WorkspaceDetail, name: string, n: number): void {
  const tier = ws.plugins[ctx.tierOf(name)];
  tier[name] = (tier[name] ?? 0) + n;
}

/**
 * Plugin counts per workspace, paged by workspace id. No Kong index covers (ws_id, name), so any
 * grouping reads the whole plugins heap: each page aggregates only its own workspaces' plugins,
 * one scan per page of workspaces instead of one per page of (workspace, name) groups.
 * A row carries one workspace's counts as `index:count` pairs against the page's sorted name
 * list (rows of kind `name`), so 500 workspaces fit the byte budget. Plugins without a workspace,
 * or of an unknown one, are left out as before.
 */
const PLUGIN_PAGE_SQL = (after: boolean) => `
WITH ws_ahead AS (
  SELECT w.id FROM workspaces w ${after ? "WHERE w.id > CAST(:after AS uuid)" : ""}
   ORDER BY w.id LIMIT :limit_plus_one
), ws AS (
  SELECT id FROM ws_ahead ORDER BY id LIMIT :limit
), groups AS (
  SELECT p.ws_id, p.name, count(*) AS n
    FROM plugins p
   WHERE p.ws_id IN (SELECT id FROM ws)
   GROUP BY p.ws_id, p.name
), names AS (
  SELECT d.name, row_number() OVER (ORDER BY d.name COLLATE "C") - 1 AS idx
    FROM (SELECT DISTINCT name FROM groups) d
), per_ws AS (
  SELECT ws.id, string_agg(nm.idx || ':' || g.n, ',' ORDER BY nm.idx) AS counts
    FROM ws
    LEFT JOIN groups g ON g.ws_id = ws.id
    LEFT JOIN names nm ON nm.name = g.name
   GROUP BY ws.id
), numbered AS (
  -- 36 bytes of id + 64 per row, as readPages counts; the first row always travels (progress).
  SELECT per_ws.*, 100 + coalesce(octet_length(counts), 0) AS _size,
         row_number() OVER w AS _rn,
         sum(100 + coalesce(octet_length(counts), 0)) OVER w AS _running
    FROM per_ws
  WINDOW w AS (ORDER BY id ROWS UNBOUNDED PRECEDING)
)
SELECT 'name' AS kind, idx::text AS key, name AS value, NULL::text AS _page_rows FROM names
UNION ALL
SELECT 'ws', id::text, counts, (SELECT count(*) FROM ws_ahead)::text
  FROM numbered
 WHERE _rn = 1 OR _running - _size < :budget - (SELECT coalesce(sum(octet_length(name) + 64), 0) FROM names)`;

async function addPluginsByWorkspacePage(ctx: DetailsContext, workspaces: WorkspaceDetail[]): Promise<void> {
  const byId = new Map(workspaces.map((ws) => [ws.id, ws]));
  let after: string | undefined;
  for (;;) {
    const params: Record<string, string | number> = {
      limit: ctx.paging.plugins,
      limit_plus_one: ctx.paging.plugins + 1,
      budget: ctx.paging.bytes,
      ...(after === undefined ? {} : { after }),
    };
    const rows = await ctx.run(PLUGIN_PAGE_SQL(after !== undefined), params);
    const names: string[] = [];
    const wsRows: SqlRow[] = [];
    for (const row of rows) {
      if (row.kind === "name") names[toCount(row.key)] = row.value ?? "";
      else wsRows.push(row);
    }
    // UNION ALL keeps no order: the keyset continues after the largest id returned.
    wsRows.sort((a, b) => compareBytes(a.key ?? "", b.key ?? ""));
    for (const row of wsRows) {
      const ws = byId.get(row.key ?? "");
      if (ws === undefined || row.value === null || row.value === undefined) continue;
      for (const pair of row.value.split(",")) {
        const [index, n] = pair.split(":");
        const name = names[toCount(index)];
        if (name === undefined) throw new Error(`plugin name index ${String(index)} missing from its page`);
        addPluginCount(ctx, ws, name, toCount(n));
      }
    }
    const last = wsRows[wsRows.length - 1];
    if (last === undefined || wsRows.length >= toCount(last._page_rows)) return;
    after = last.key ?? "";
  }
}
