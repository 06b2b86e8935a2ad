import { InvalidReportFileError } from "../errors.ts";
import type {
  NumberChange,
  PluginChange,
  PluginCount,
  ReportDiff,
  ReportSide,
  TextChange,
  WorkspaceChanges,
} from "../report/types.ts";
import { compareBuckets, formatCount, formatSigned, formatTimestamp } from "../shared/format.ts";

/** A report as read from a file: Kong's keys, plus `details` when the file carries them. */
export interface ReportDocument {
  readonly source: string;
  readonly content: Readonly<Record<string, unknown>>;
  /** Per-workspace details: a JSON report's `details` key or a tar's details.json. */
  readonly details?: Readonly<Record<string, unknown>>;
}

const COUNT_KEYS = [
  "workspaces_count",
  "services_count",
  "routes_count",
  "consumers_count",
  "rbac_users",
] as const;
const TIER_ORDER = ["free", "enterprise", "custom"];

/**
 * Splits parsed JSON into the report and its details, refusing what is not a license report.
 * A JSON report with `include=details` carries them under `details`.
 */
export function toReportDocument(value: unknown, source: string, details?: unknown): ReportDocument {
  if (!isRecord(value))
    throw new InvalidReportFileError(`${source} is not a license report: expected a JSON object.`);
  const { details: inline, ...content } = value;
  // Kong ≤ 3.4 reports (eras A and A′) have no timestamp, checksum or plugins_count, but always
  // services_count and workspaces_count.
  const known = ["services_count", "workspaces_count", "plugins_count", "checksum", "timestamp"].filter(
    (key) => key in content,
  );
  if (known.length < 2) {
    throw new InvalidReportFileError(
      `${source} is not a license report: it has fewer than two of the keys timestamp, checksum, services_count, workspaces_count and plugins_count.`,
    );
  }
  const extra = details ?? inline;
  return { source, content, ...(isRecord(extra) ? { details: extra } : {}) };
}

/** Compares two reports (older first): counts, tiers, plugins, monthly requests, workspaces. */
export function diffReports(
  older: ReportDocument,
  newer: ReportDocument,
  verified?: [boolean, boolean],
): ReportDiff {
  const a = older.content;
  const b = newer.content;
  const counts = COUNT_KEYS.map((key) => numberChange(key, a[key], b[key]));
  counts.push(
    numberChange(
      "connected_dp_count",
      dig(a, "deployment_info", "connected_dp_count"),
      dig(b, "deployment_info", "connected_dp_count"),
    ),
    numberChange(
      "unique_route_lambdas",
      dig(a, "plugins_count", "unique_route_lambdas"),
      dig(b, "plugins_count", "unique_route_lambdas"),
    ),
    numberChange(
      "unique_route_kafkas",
      dig(a, "plugins_count", "unique_route_kafkas"),
      dig(b, "plugins_count", "unique_route_kafkas"),
    ),
  );
  const discreteA = dig(older.details, "discrete_services", "count");
  const discreteB = dig(newer.details, "discrete_services", "count");
  if (discreteA !== undefined || discreteB !== undefined)
    counts.push(numberChange("discrete_services", discreteA, discreteB));
  const presentCounts = counts.filter((c) => c.old !== null || c.new !== null);

  const pluginsA = readPlugins(a);
  const pluginsB = readPlugins(b);
  // Kong's three tiers always show (a tier may be empty), plus any other the files hold.
  const tierNames = [
    ...new Set([
      ...(hasTiers(a, b) ? TIER_ORDER : []),
      ...[...pluginsA.values(), ...pluginsB.values()].map((p) => p.tier),
    ]),
  ].sort((x, y) => tierRank(x) - tierRank(y) || compareText(x, y));
  const tierTotal = (plugins: Map<string, PluginCount>, tier: string): number =>
    [...plugins.values()].filter((p) => p.tier === tier).reduce((sum, p) => sum + p.count, 0);
  const tiers = tierNames.map((tier) =>
    numberChange(tier, tierTotal(pluginsA, tier), tierTotal(pluginsB, tier)),
  );

  const added = [...pluginsB.values()].filter((p) => !pluginsA.has(p.name)).sort(byTierThenName);
  const removed = [...pluginsA.values()].filter((p) => !pluginsB.has(p.name)).sort(byTierThenName);
  const changed: PluginChange[] = [];
  for (const before of pluginsA.values()) {
    const after = pluginsB.get(before.name);
    if (after === undefined || (after.count === before.count && after.tier === before.tier)) continue;
    changed.push({
      name: before.name,
      old_tier: before.tier,
      new_tier: after.tier,
      old: before.count,
      new: after.count,
      change: after.count - before.count,
    });
  }
  changed.sort((x, y) => tierRank(x.new_tier) - tierRank(y.new_tier) || compareText(x.name, y.name));

  const requests = diffRequests(a, b);
  const facts = [
    textChange("kong_version", a.kong_version, b.kong_version),
    textChange("db_version", a.db_version, b.db_version),
    textChange("deployment", dig(a, "deployment_info", "type"), dig(b, "deployment_info", "type")),
    textChange(
      "license_expiration_date",
      dig(a, "license", "license_expiration_date"),
      dig(b, "license", "license_expiration_date"),
    ),
    textChange(
      "license_key",
      // Kong ≤ 3.4 puts the key at the top level.
      maskKey(dig(a, "license", "license_key") ?? a.license_key),
      maskKey(dig(b, "license", "license_key") ?? b.license_key),
    ),
  ].filter((f) => f.old !== f.new);

  const diff: ReportDiff = {
    old: describeSide(older, verified?.[0]),
    new: describeSide(newer, verified?.[1]),
    counts: presentCounts,
    tiers,
    plugins: { added, removed, changed },
    requests,
    facts,
  };
  const workspaces = diffWorkspaces(older.details, newer.details);
  if (workspaces !== undefined) diff.workspaces = workspaces;
  return diff;
}

function describeSide(document: ReportDocument, verified: boolean | undefined): ReportSide {
  const content = document.content;
  const timestamp = typeof content.timestamp === "number" ? content.timestamp : null;
  const asOf = dig(content, "collector", "as_of");
  return {
    source: document.source,
    timestamp,
    generated: timestamp === null ? null : formatTimestamp(timestamp),
    as_of: typeof asOf === "string" ? asOf : null,
    kong_version: typeof content.kong_version === "string" ? content.kong_version : null,
    checksum: typeof content.checksum === "string" ? content.checksum : null,
    verified: verified ?? null,
  };
}

/** Plugins by name with their tier; a flat name → count map (no tiers) is "untiered". Kong ≤ 3.4 has no plugins_count. */
function readPlugins(report: Readonly<Record<string, unknown>>): Map<string, PluginCount> {
  const plugins = new Map<string, PluginCount>();
  const count = report.plugins_count;
  if (!isRecord(count)) return plugins;
  const tiers = count.tiers;
  if (isRecord(tiers)) {
    for (const [tier, names] of Object.entries(tiers)) {
      if (!isRecord(names)) continue;
      for (const [name, n] of Object.entries(names)) {
        if (typeof n === "number")
          plugins.set(name, { name, tier, count: n + (plugins.get(name)?.count ?? 0) });
      }
    }
    return plugins;
  }
  for (const [name, n] of Object.entries(count)) {
    if (typeof n === "number" && name !== "unique_route_lambdas" && name !== "unique_route_kafkas") {
      plugins.set(name, { name, tier: "untiered", count: n });
    }
  }
  return plugins;
}

function hasTiers(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return isRecord(dig(a, "plugins_count", "tiers")) || isRecord(dig(b, "plugins_count", "tiers"));
}

/** Monthly buckets of the 3.5+ shape (`counters.buckets`) or 2.7–3.4 (`counters` is the array). */
function readBuckets(report: Readonly<Record<string, unknown>>): Map<string, number> {
  const counters = report.counters;
  const list = Array.isArray(counters) ? counters : isRecord(counters) ? counters.buckets : undefined;
  const buckets = new Map<string, number>();
  if (!Array.isArray(list)) return buckets;
  for (const entry of list) {
    if (isRecord(entry) && typeof entry.bucket === "string" && typeof entry.request_count === "number") {
      buckets.set(entry.bucket, (buckets.get(entry.bucket) ?? 0) + entry.request_count);
    }
  }
  return buckets;
}

function diffRequests(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): NumberChange[] {
  const before = readBuckets(a);
  const after = readBuckets(b);
  const months = [...new Set([...before.keys(), ...after.keys()])].sort(compareBuckets);
  const rows = months.map((month) => numberChange(month, before.get(month), after.get(month)));
  const totalA = dig(a, "counters", "total_requests");
  const totalB = dig(b, "counters", "total_requests");
  if (totalA !== undefined || totalB !== undefined) rows.push(numberChange("total_requests", totalA, totalB));
  return rows;
}

function diffWorkspaces(
  older: Readonly<Record<string, unknown>> | undefined,
  newer: Readonly<Record<string, unknown>> | undefined,
): WorkspaceChanges | undefined {
  const a = readWorkspaces(older);
  const b = readWorkspaces(newer);
  if (a === undefined || b === undefined) return undefined;
  const summary = (ws: WorkspaceRow) => ({
    name: ws.name,
    services: ws.services,
    routes: ws.routes,
    consumers: ws.consumers,
  });
  const changes: WorkspaceChanges = {
    added: [...b.values()].filter((ws) => !a.has(ws.name)).map(summary),
    removed: [...a.values()].filter((ws) => !b.has(ws.name)).map(summary),
    changed: [],
  };
  for (const before of a.values()) {
    const after = b.get(before.name);
    if (after === undefined) continue;
    for (const field of ["services", "discrete_services", "routes", "consumers", "plugins"] as const) {
      const change = numberChange(field, before[field], after[field]);
      if (change.old !== change.new) changes.changed.push({ workspace: before.name, ...change });
    }
  }
  return changes;
}

interface WorkspaceRow {
  name: string;
  services: number;
  routes: number;
  consumers: number;
  plugins: number;
  discrete_services?: number;
}

function readWorkspaces(
  details: Readonly<Record<string, unknown>> | undefined,
): Map<string, WorkspaceRow> | undefined {
  const list = details?.workspaces;
  if (!Array.isArray(list)) return undefined;
  const rows = new Map<string, WorkspaceRow>();
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.name !== "string") continue;
    const plugins = isRecord(entry.plugins)
      ? Object.values(entry.plugins).reduce<number>(
          (sum, names) =>
            sum +
            (isRecord(names)
              ? Object.values(names).reduce<number>((s, n) => s + (typeof n === "number" ? n : 0), 0)
              : 0),
          0,
        )
      : 0;
    rows.set(entry.name, {
      name: entry.name,
      services: asNumber(entry.services) ?? 0,
      routes: asNumber(entry.routes) ?? 0,
      consumers: asNumber(entry.consumers) ?? 0,
      plugins,
      ...(typeof entry.discrete_services === "number" ? { discrete_services: entry.discrete_services } : {}),
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Text

/** The diff as text for a terminal: aligned columns, signed changes, sections only when useful. */
export function formatDiffText(diff: ReportDiff): string {
  const lines: string[] = [];
  const side = (label: string, s: ReportSide): string => {
    const parts = [
      s.generated ?? "no timestamp",
      s.as_of === null ? undefined : `as of ${s.as_of}`,
      s.kong_version === null ? undefined : `Kong ${s.kong_version}`,
      s.checksum === null
        ? "no checksum"
        : `checksum ${s.checksum}${s.verified === null ? " (not verified)" : s.verified ? " (verified)" : " (DOES NOT VERIFY)"}`,
    ].filter((p) => p !== undefined);
    return `  ${label} ${s.source}: ${parts.join(" · ")}`;
  };
  lines.push("Report changes", side("old", diff.old), side("new", diff.new), "");

  const width = Math.max(
    24,
    ...[...diff.counts, ...diff.tiers, ...diff.requests].map((r) => r.name.length + 2),
  );
  lines.push(...table("Counts", diff.counts, width), "");
  lines.push(...table("Plugins by tier", diff.tiers, width));
  const { added, removed, changed } = diff.plugins;
  if (added.length + removed.length + changed.length === 0) {
    lines.push("  No plugin was added, removed or changed.");
  }
  for (const p of added) lines.push(`  + new plugin ${p.name} (${p.tier}): ${formatCount(p.count)}`);
  for (const p of removed)
    lines.push(`  - removed plugin ${p.name} (${p.tier}): was ${formatCount(p.count)}`);
  for (const p of changed) {
    const tier = p.old_tier === p.new_tier ? p.new_tier : `${p.old_tier} → ${p.new_tier}`;
    lines.push(
      `  ~ ${p.name} (${tier}): ${formatCount(p.old)} → ${formatCount(p.new)} (${formatSigned(p.change)})`,
    );
  }
  lines.push("");
  if (diff.requests.length === 0) {
    lines.push("Requests per month: neither report has request counters.", "");
  } else {
    lines.push(...table("Requests per month", diff.requests, width));
    lines.push("");
  }
  if (diff.workspaces !== undefined) {
    const ws = diff.workspaces;
    lines.push("Workspaces");
    if (ws.added.length + ws.removed.length + ws.changed.length === 0) lines.push("  No workspace changed.");
    for (const w of ws.added) {
      lines.push(
        `  + ${w.name}: ${formatCount(w.services)} services, ${formatCount(w.routes)} routes, ${formatCount(w.consumers)} consumers`,
      );
    }
    for (const w of ws.removed) {
      lines.push(
        `  - ${w.name}: had ${formatCount(w.services)} services, ${formatCount(w.routes)} routes, ${formatCount(w.consumers)} consumers`,
      );
    }
    for (const c of ws.changed)
      lines.push(
        `  ~ ${c.workspace}: ${c.name} ${cell(c.old)} → ${cell(c.new)}${c.change === null ? "" : ` (${formatSigned(c.change)})`}`,
      );
    lines.push("");
  }
  if (diff.facts.length > 0) {
    lines.push("Other changes");
    for (const f of diff.facts) lines.push(`  ${f.name}: ${f.old ?? "(absent)"} → ${f.new ?? "(absent)"}`);
    lines.push("");
  }
  return `${lines
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd()}\n`;
}

function table(title: string, rows: readonly NumberChange[], width: number): string[] {
  const header = `${title.padEnd(width)}  ${"old".padStart(13)}  ${"new".padStart(13)}  ${"change".padStart(11)}`;
  return [
    header,
    ...rows.map(
      (r) =>
        `${`  ${r.name}`.padEnd(width)}  ${cell(r.old).padStart(13)}  ${cell(r.new).padStart(13)}  ${(r.change === null ? "" : formatSigned(r.change)).padStart(11)}`,
    ),
  ];
}

function cell(value: number | null): string {
  return value === null ? "—" : formatCount(value);
}

// ---------------------------------------------------------------------------------------------

function numberChange(name: string, old: unknown, now: unknown): NumberChange {
  const a = asNumber(old);
  const b = asNumber(now);
  return { name, old: a, new: b, change: a === null || b === null ? null : b - a };
}

function textChange(name: string, old: unknown, now: unknown): TextChange {
  return {
    name,
    old: old === undefined || old === null ? null : String(old),
    new: now === undefined || now === null ? null : String(now),
  };
}

/** Diffs show that a license key changed, not the key. */
function maskKey(key: unknown): string | undefined {
  if (typeof key !== "string") return undefined;
  if (key === "UNLICENSED") return key;
  return key.length <= 6 ? "…" : `…${key.slice(-6)}`;
}

function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tierRank(tier: string): number {
  const index = TIER_ORDER.indexOf(tier);
  return index === -1 ? TIER_ORDER.length : index;
}

function byTierThenName(x: PluginCount, y: PluginCount): number {
  return tierRank(x.tier) - tierRank(y.tier) || compareText(x.name, y.name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
