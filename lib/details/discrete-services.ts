import type { DiscreteServices, WorkspaceDetail } from "../report/types.ts";
import type { DetailsContext } from "./details-context.ts";
import { compileDiscreteRules } from "./discrete-rules.ts";
import { type PageSpec, readPages } from "./paging.ts";
import { sortBytes, toCount } from "./row-values.ts";

/**
 * KLCR's discrete-service key, `"\(.protocol)://\(.host):\(.port)\(.path)"`: jq turns a null field
 * into the text `null`, so a service without a path gives `http://h:80null`.
 */
export const DISCRETE_KEY_SQL =
  "coalesce(s.protocol, 'null') || '://' || coalesce(s.host, 'null') || ':' || coalesce(s.port::text, 'null') || coalesce(s.path, 'null')";

/**
 * The same key from a service as an API lists it (Kong's Admin API, Konnect): jq's interpolation,
 * so a null or missing field is `null`, a number its JSON text (`8080`), a string itself.
 */
export function formatDiscreteKey(service: {
  readonly protocol: unknown;
  readonly host: unknown;
  readonly port: unknown;
  readonly path: unknown;
}): string {
  const part = (value: unknown): string =>
    value === null || value === undefined
      ? "null"
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
  return `${part(service.protocol)}://${part(service.host)}:${part(service.port)}${part(service.path)}`;
}

/**
 * Counts the distinct service keys, over all and per workspace (setting each workspace's
 * `discrete_services`), after the KLCR rules; lists them when asked.
 */
export async function readDiscreteServices(
  ctx: DetailsContext,
  workspaces: WorkspaceDetail[],
  perWorkspace: boolean,
): Promise<DiscreteServices> {
  const rules = ctx.rules;
  const includeList = ctx.includeList;
  const base = { rules: rules.map((rule) => ({ find: rule.find, replace_with: rule.replace_with })) };

  if (rules.length === 0) {
    // Counted in SQL; keys travel only when the list is asked for.
    if (!includeList) {
      const [row] = await ctx.run(`SELECT count(DISTINCT ${DISCRETE_KEY_SQL})::text AS n FROM services s`);
      const count = toCount(row?.n);
      if (!perWorkspace) setImplicitDiscrete(workspaces, count);
      return { count, ...base };
    }
    const list: string[] = [];
    for await (const rows of readPages(ctx, distinctKeySpec(ctx, false))) {
      for (const row of rows) list.push(row.key ?? "");
    }
    if (!perWorkspace) setImplicitDiscrete(workspaces, list.length);
    return { count: list.length, ...base, list: sortBytes(list) };
  }

  // Rules run in JS (KLCR's regex semantics), over distinct (workspace, key) pairs streamed in
  // workspace order: memory holds the rewritten global set plus one workspace's set.
  const compiled = compileDiscreteRules(rules);
  const byId = new Map(workspaces.map((ws) => [ws.id, ws]));
  const global = new Set<string>();
  let currentWs: string | undefined;
  let current = new Set<string>();
  const flush = (): void => {
    const ws = currentWs === undefined ? undefined : byId.get(currentWs);
    if (ws !== undefined) ws.discrete_services = current.size;
    current = new Set<string>();
  };
  for (const ws of workspaces) ws.discrete_services = 0;
  for await (const rows of readPages(ctx, distinctKeySpec(ctx, perWorkspace))) {
    for (const row of rows) {
      const wsId = row.ws_id ?? "";
      if (wsId !== currentWs) {
        flush();
        currentWs = wsId;
      }
      const key = compiled.apply(row.key ?? "");
      current.add(key);
      global.add(key);
    }
  }
  flush();
  return {
    count: global.size,
    ...base,
    ...(includeList ? { list: sortBytes([...global]) } : {}),
  };
}

function setImplicitDiscrete(workspaces: WorkspaceDetail[], count: number): void {
  const [only] = workspaces;
  if (only !== undefined) only.discrete_services = count;
}

function distinctKeySpec(ctx: DetailsContext, perWorkspace: boolean): PageSpec {
  const wsColumn = perWorkspace ? "coalesce(s.ws_id::text, '')" : "''::text";
  return {
    columns: "d.ws_id, d.key",
    output: ["ws_id", "key"],
    from: `(SELECT DISTINCT ${wsColumn} AS ws_id, ${DISCRETE_KEY_SQL} AS key FROM services s) d`,
    keys: perWorkspace ? ["d.ws_id", "d.key"] : ["d.key"],
    keyColumns: perWorkspace ? ["ws_id", "key"] : ["key"],
    size: "octet_length(d.ws_id) + octet_length(d.key)",
    limit: ctx.paging.keys,
  };
}
