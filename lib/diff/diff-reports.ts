import { TIER_NAMES } from "../report/plugin-tiers.ts";
import type { NumberChange, PluginChange, PluginCount, ReportDiff, ReportSide } from "../report/types.ts";
import { compareBuckets, formatTimestamp } from "../shared/format.ts";
import { isRecord } from "../shared/is-record.ts";
import { numberChange, textChange } from "./changes.ts";
import { diffWorkspaces } from "./diff-workspaces.ts";
import { dig } from "./json-values.ts";
import type { ReportDocument } from "./report-document.ts";

const COUNT_KEYS = [
  "workspaces_count",
  "services_count",
  "routes_count",
  "consumers_count",
  "rbac_users",
] as const;
/** Counts one level down, as [parent key, key]; the diff names them by key. */
const NESTED_COUNT_KEYS = [
  ["deployment_info", "connected_dp_count"],
  ["plugins_count", "unique_route_lambdas"],
  ["plugins_count", "unique_route_kafkas"],
] as const;

/** Compares two reports (older first): counts, tiers, plugins, monthly requests, workspaces. */
export function diffReports(
  older: ReportDocument,
  newer: ReportDocument,
  verified?: [boolean, boolean],
): ReportDiff {
  const a = older.content;
  const b = newer.content;
  const counts = COUNT_KEYS.map((key) => numberChange(key, a[key], b[key]));
  for (const [parent, key] of NESTED_COUNT_KEYS) {
    counts.push(numberChange(key, dig(a, parent, key), dig(b, parent, key)));
  }
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
      ...(hasTiers(a, b) ? TIER_NAMES : []),
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
    details_verified: document.details === undefined ? null : document.detailsVerified === true,
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

/** Diffs show that a license key changed, not the key. */
function maskKey(key: unknown): string | undefined {
  if (typeof key !== "string") return undefined;
  if (key === "UNLICENSED") return key;
  return key.length <= 6 ? "…" : `…${key.slice(-6)}`;
}

function tierRank(tier: string): number {
  const index = (TIER_NAMES as readonly string[]).indexOf(tier);
  return index === -1 ? TIER_NAMES.length : index;
}

function byTierThenName(x: PluginCount, y: PluginCount): number {
  return tierRank(x.tier) - tierRank(y.tier) || compareText(x.name, y.name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
