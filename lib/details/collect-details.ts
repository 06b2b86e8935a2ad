import type { SchemaFacts } from "../report/probe-schema.ts";
import type {
  DiscreteServices,
  EntityCounterComparison,
  PluginTiers,
  ReportDetails,
  TierName,
  WorkspaceCounterDrift,
  WorkspaceDetail,
} from "../report/types.ts";
import type { SqlParams, SqlPort, SqlRow } from "../sql/port.ts";
import { compileDiscreteRules, type DiscreteRule } from "./discrete-rules.ts";

/** Page limits; defaults keep every response far below the Data API's 1 MiB. */
export interface DetailsPaging {
  /** Workspaces per page (each row: id, name, four counts). */
  workspaces?: number;
  /** Workspaces per plugin-count page (each row: one workspace's counts of every plugin name). */
  plugins?: number;
  /** Distinct discrete-service keys per page. */
  keys?: number;
  /** Byte budget per page, counted over the variable-length text of the rows plus 64 bytes each. */
  bytes?: number;
}

export interface CollectDetailsOptions {
  schema: SchemaFacts;
  /** KLCR find/replace rules merging environment-specific hosts, applied in order. */
  rules?: readonly DiscreteRule[];
  /** Return the distinct keys behind the discrete-services count. */
  includeList?: boolean;
  tierOf: (name: string) => TierName;
  signal?: AbortSignal;
  paging?: DetailsPaging;
  /** How many per-workspace counter drifts to list (all are counted). */
  maxWorkspaceDrifts?: number;
}

export type CollectedDetails = Pick<ReportDetails, "workspaces" | "discrete_services" | "entity_counters"> & {
  /** Notes for `details.warnings` (missing tables, drift). */
  warnings: string[];
};

const DEFAULT_PAGING: Required<DetailsPaging> = {
  workspaces: 500,
  plugins: 500,
  keys: 2000,
  bytes: 256 * 1024,
};
const DEFAULT_MAX_WORKSPACE_DRIFTS = 100;
/** Entity types counted live, as Kong's report counts them (consumers: proxy consumers only). */
const COMPARED_TYPES = ["services", "routes", "consumers", "plugins", "rbac_users"] as const;

/**
 * KLCR's discrete-service key, `"\(.protocol)://\(.host):\(.port)\(.path)"`: jq turns a null field
 * into the text `null`, so a service without a path gives `http://h:80null`.
 */
const KEY_SQL =
  "coalesce(s.protocol, 'null') || '://' || coalesce(s.host, 'null') || ':' || coalesce(s.port::text, 'null') || coalesce(s.path, 'null')";

/**
 * The details beyond Kong's report: per-workspace counts, discrete services and the drift of
 * `workspace_entity_counters`. Set-based SQL with keyset paging: a fixed number of aggregate
 * statements, plus pages that grow only with the number of workspaces and distinct keys.
 */
export async function collectDetails(
  sql: SqlPort,
  options: CollectDetailsOptions,
): Promise<CollectedDetails> {
  const ctx = createContext(sql, options);
  const warnings: string[] = [];
  const perWorkspace =
    ctx.schema.hasTable("workspaces") &&
    ["services", "routes", "consumers", "plugins"].every((t) => ctx.schema.hasColumn(t, "ws_id"));
  const workspaces = perWorkspace ? await readWorkspaces(ctx) : [await readImplicitWorkspace(ctx)];
  if (!perWorkspace) {
    warnings.push(
      "This schema has no per-workspace columns (Kong before 2.1): all entities are shown in one implicit workspace.",
    );
  }
  await addPlugins(ctx, workspaces, perWorkspace);
  const discrete = await readDiscreteServices(ctx, workspaces, perWorkspace);
  const entityCounters = await compareEntityCounters(ctx, perWorkspace);
  if (entityCounters === undefined) {
    warnings.push("workspace_entity_counters does not exist in this schema: no counter drift comparison.");
  } else {
    warnings.push(...describeDrift(entityCounters));
  }
  return {
    workspaces,
    discrete_services: discrete,
    ...(entityCounters === undefined ? {} : { entity_counters: entityCounters }),
    warnings,
  };
}

interface Context {
  readonly sql: SqlPort;
  readonly schema: SchemaFacts;
  readonly options: CollectDetailsOptions;
  readonly paging: Required<DetailsPaging>;
  run(text: string, params?: SqlParams): Promise<SqlRow[]>;
}

function createContext(sql: SqlPort, options: CollectDetailsOptions): Context {
  const paging = { ...DEFAULT_PAGING, ...options.paging };
  for (const [name, value] of Object.entries(paging)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`paging.${name} must be a positive integer`);
  }
  const queryOptions = options.signal === undefined ? {} : { signal: options.signal };
  return {
    sql,
    schema: options.schema,
    options,
    paging,
    run: (text, params = {}) => {
      options.signal?.throwIfAborted();
      return sql.query(text, params, queryOptions);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Paging

interface PageSpec {
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
}

/**
 * Reads every page of a keyset-paged query. Each page stops at `limit` rows or at the byte
 * budget, whichever comes first, so long names or paths cannot push a response towards 1 MiB.
 */
async function* readPages(ctx: Context, spec: PageSpec): AsyncGenerator<SqlRow[]> {
  let after: string[] | undefined;
  for (;;) {
    const params: Record<string, string | number> = {
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

// ---------------------------------------------------------------------------------------------
// Workspaces

function emptyTiers(): PluginTiers {
  return { free: {}, enterprise: {}, custom: {} };
}

function proxyConsumerFilter(ctx: Context, alias: string): string {
  return ctx.schema.hasColumn("consumers", "type") ? `${alias}.type = 0` : "TRUE";
}

async function readWorkspaces(ctx: Context): Promise<WorkspaceDetail[]> {
  const withoutRules = (ctx.options.rules ?? []).length === 0;
  const discreteColumn = withoutRules
    ? `, (SELECT count(DISTINCT ${KEY_SQL}) FROM services s WHERE s.ws_id = w.id)::text AS discrete`
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

async function readImplicitWorkspace(ctx: Context): Promise<WorkspaceDetail> {
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

async function addPlugins(ctx: Context, workspaces: WorkspaceDetail[], perWorkspace: boolean): Promise<void> {
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

function addPluginCount(ctx: Context, ws: WorkspaceDetail, name: string, n: number): void {
  const tier = ws.plugins[ctx.options.tierOf(name)];
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

async function addPluginsByWorkspacePage(ctx: Context, workspaces: WorkspaceDetail[]): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Discrete services

async function readDiscreteServices(
  ctx: Context,
  workspaces: WorkspaceDetail[],
  perWorkspace: boolean,
): Promise<DiscreteServices> {
  const rules = ctx.options.rules ?? [];
  const includeList = ctx.options.includeList === true;
  const base = { rules: rules.map((rule) => ({ find: rule.find, replace_with: rule.replace_with })) };

  if (rules.length === 0) {
    // Counted in SQL; keys travel only when the list is asked for.
    if (!includeList) {
      const [row] = await ctx.run(`SELECT count(DISTINCT ${KEY_SQL})::text AS n FROM services s`);
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

function distinctKeySpec(ctx: Context, perWorkspace: boolean): PageSpec {
  const wsColumn = perWorkspace ? "coalesce(s.ws_id::text, '')" : "''::text";
  return {
    columns: "d.ws_id, d.key",
    output: ["ws_id", "key"],
    from: `(SELECT DISTINCT ${wsColumn} AS ws_id, ${KEY_SQL} AS key FROM services s) d`,
    keys: perWorkspace ? ["d.ws_id", "d.key"] : ["d.key"],
    keyColumns: perWorkspace ? ["ws_id", "key"] : ["key"],
    size: "octet_length(d.ws_id) + octet_length(d.key)",
    limit: ctx.paging.keys,
  };
}

// ---------------------------------------------------------------------------------------------
// workspace_entity_counters drift

async function compareEntityCounters(
  ctx: Context,
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
    { max_drifts: ctx.options.maxWorkspaceDrifts ?? DEFAULT_MAX_WORKSPACE_DRIFTS },
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
function describeDrift(comparison: EntityCounterComparison): string[] {
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

// ---------------------------------------------------------------------------------------------

function toCount(text: string | null | undefined): number {
  const n = Number(text ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`count ${String(text)} is not a safe integer`);
  return n;
}

function formatSigned(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** Byte order, as PostgreSQL's "C" collation sorts. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function sortBytes(list: string[]): string[] {
  return list.sort(compareBytes);
}
