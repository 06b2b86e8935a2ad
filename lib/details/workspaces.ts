import type { PluginTiers, WorkspaceDetail } from "../report/types.ts";
import { createNameRecord } from "../shared/name-record.ts";
import type { DetailsContext } from "./details-context.ts";
import { DISCRETE_KEY_SQL } from "./discrete-services.ts";
import { type PageSpec, readPages } from "./paging.ts";
import { toCount } from "./row-values.ts";

// Every tier present, none counted: plugin-counts.ts adds to them. Keyed by plugin names, which are
// the user's own: records without a prototype ("constructor" or "__proto__" count like any name).
function emptyTiers(): PluginTiers {
  return { free: createNameRecord(), enterprise: createNameRecord(), custom: createNameRecord() };
}

/** Kong's report counts proxy consumers only (`type = 0`) where the column exists. */
export function proxyConsumerFilter(ctx: DetailsContext, alias: string): string {
  return ctx.schema.hasColumn("consumers", "type") ? `${alias}.type = 0` : "TRUE";
}

/**
 * Every workspace with its services, routes and proxy consumers, one page of workspaces per
 * statement. Without rules the discrete-service count is exact in SQL and travels here too.
 */
export async function readWorkspaces(ctx: DetailsContext): Promise<WorkspaceDetail[]> {
  const withoutRules = ctx.rules.length === 0;
  const discreteColumn = withoutRules
    ? `, (SELECT count(DISTINCT ${DISCRETE_KEY_SQL}) FROM services s WHERE s.ws_id = w.id)::text AS discrete`
    : "";
  const spec: PageSpec = {
    columns: `w.id::text AS id, w.name AS name,
      (SELECT count(*) FROM services s WHERE s.ws_id = w.id)::text AS services,
      (SELECT count(*) FROM routes r WHERE r.ws_id = w.id)::text AS routes,
      (SELECT count(*) FROM consumers c WHERE c.ws_id = w.id AND ${proxyConsumerFilter(ctx, "c")})::text AS consumers
      ${discreteColumn}`,
    output: ["id", "name", "services", "routes", "consumers", ...(withoutRules ? ["discrete"] : [])],
    from: "workspaces w",
    keys: ["w.name"],
    keyColumns: ["name"],
    size: "octet_length(w.name) + 36",
    limit: ctx.paging.workspaces,
  };
  const workspaces: WorkspaceDetail[] = [];
  for await (const rows of readPages(ctx, spec)) {
    for (const row of rows) {
      workspaces.push({
        id: row.id ?? "",
        name: row.name ?? "",
        services: toCount(row.services),
        routes: toCount(row.routes),
        consumers: toCount(row.consumers),
        plugins: emptyTiers(),
        ...(withoutRules ? { discrete_services: toCount(row.discrete) } : {}),
      });
    }
  }
  return workspaces;
}

/** Kong before 2.1 has no workspaces: every entity counts in one implicit `default`. */
export async function readImplicitWorkspace(ctx: DetailsContext): Promise<WorkspaceDetail> {
  const [row] = await ctx.run(`
SELECT (SELECT count(*) FROM services)::text AS services,
       (SELECT count(*) FROM routes)::text AS routes,
       (SELECT count(*) FROM consumers c WHERE ${proxyConsumerFilter(ctx, "c")})::text AS consumers`);
  return {
    id: "",
    name: "default",
    services: toCount(row?.services),
    routes: toCount(row?.routes),
    consumers: toCount(row?.consumers),
    plugins: emptyTiers(),
    implicit: true,
  };
}
