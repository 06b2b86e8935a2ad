import type { LicenseReport } from "../lib/report/types.ts";

/**
 * The numbers a License Report is made of, in a form both the collector's report and the
 * Kong-style baseline can produce, so they can be compared field by field.
 */
export interface ReportNumbers {
  services: number;
  routes: number;
  consumers: number;
  workspaces: number;
  rbac_users: number | null;
  /** Plugin name → rows, all tiers together (sorted by name). */
  plugins: Record<string, number>;
  unique_route_lambdas: number;
  unique_route_kafkas: number;
  total_requests: number | null;
  /** "YYYY-MM" | "UNKNOWN" → requests (sorted by label). */
  buckets: Record<string, number>;
  connected_dp_count: number | null;
}

export function numbersOfReport(report: LicenseReport): ReportNumbers {
  const plugins: Record<string, number> = {};
  for (const tier of Object.values(report.plugins_count.tiers)) {
    for (const [name, n] of Object.entries(tier as Record<string, number>)) plugins[name] = n;
  }
  const buckets: Record<string, number> = {};
  for (const bucket of report.counters?.buckets ?? []) buckets[bucket.bucket] = bucket.request_count;
  return {
    services: report.services_count,
    routes: report.routes_count,
    consumers: report.consumers_count,
    workspaces: report.workspaces_count,
    rbac_users: report.rbac_users ?? null,
    plugins: sortKeys(plugins),
    unique_route_lambdas: report.plugins_count.unique_route_lambdas,
    unique_route_kafkas: report.plugins_count.unique_route_kafkas,
    total_requests: report.counters?.total_requests ?? null,
    buckets: sortKeys(buckets),
    connected_dp_count: report.deployment_info.connected_dp_count ?? null,
  };
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Field-by-field differences, e.g. `unique_route_kafkas: 12 ≠ 13`; empty when they agree. */
export function diffNumbers(a: ReportNumbers, b: ReportNumbers): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(a) as Array<keyof ReportNumbers>) {
    const left = JSON.stringify(a[key]);
    const right = JSON.stringify(b[key]);
    if (left !== right) differences.push(`${key}: ${shorten(left)} ≠ ${shorten(right)}`);
  }
  return differences;
}

function shorten(text: string | undefined): string {
  if (text === undefined) return "undefined";
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
