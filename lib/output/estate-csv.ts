import type { EstateDocument, EstateEnvironment } from "../estate/types.ts";
import type { PluginTiers } from "../report/types.ts";
import { CSV_TOTAL_ROW, quoteCsv } from "./report-csv.ts";

/** Column names of estate.csv, in order. */
export const ESTATE_CSV_COLUMNS = [
  "environment",
  "status",
  "source",
  "kong_version",
  "workspaces",
  "services",
  "discrete_services",
  "routes",
  "consumers",
  "rbac_users",
  "plugins_free",
  "plugins_enterprise",
  "plugins_custom",
  "plugins_total",
  "total_requests",
  "checksum",
  "error",
] as const;

/**
 * estate.csv: one row per environment and a totals row, RFC 4180 with a UTF-8 byte-order mark
 * (as report.csv). A failed environment has empty counts and its error; a key its report leaves
 * out is an empty cell. The totals row's discrete_services is distinct across environments.
 */
export function renderEstateCsv(estate: EstateDocument): string {
  const lines = [ESTATE_CSV_COLUMNS.join(",")];
  for (const entry of estate.environments) lines.push(environmentRow(entry));
  const { totals } = estate;
  lines.push(
    row([
      CSV_TOTAL_ROW,
      `${totals.environments_reported} of ${totals.environments} reported`,
      "",
      "",
      totals.workspaces_count,
      totals.services_count,
      totals.discrete_services,
      totals.routes_count,
      totals.consumers_count,
      totals.rbac_users ?? "",
      ...tierCells(totals.plugins_count.tiers),
      totals.counters?.total_requests ?? "",
      estate.digest,
      "",
    ]),
  );
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

function environmentRow(entry: EstateEnvironment): string {
  if (entry.status === "failed") {
    return row([
      entry.environment,
      "failed",
      entry.source ?? "",
      ...Array.from({ length: ESTATE_CSV_COLUMNS.length - 4 }, () => ""),
      entry.error,
    ]);
  }
  const { report } = entry;
  return row([
    entry.environment,
    "ok",
    entry.source ?? "",
    report.kong_version ?? "",
    report.workspaces_count,
    report.services_count,
    entry.discrete_services,
    report.routes_count,
    report.consumers_count,
    report.rbac_users ?? "",
    ...tierCells(report.plugins_count.tiers),
    report.counters?.total_requests ?? "",
    report.checksum,
    "",
  ]);
}

function tierCells(tiers: PluginTiers): number[] {
  const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, n) => a + n, 0);
  const free = sum(tiers.free);
  const enterprise = sum(tiers.enterprise);
  const custom = sum(tiers.custom);
  return [free, enterprise, custom, free + enterprise + custom];
}

function row(cells: ReadonlyArray<string | number>): string {
  return cells.map((cell) => (typeof cell === "number" ? String(cell) : quoteCsv(cell))).join(",");
}
