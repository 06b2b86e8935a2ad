import type { EstateDocument, EstateEnvironment, EstateTotals } from "../estate/types.ts";
import type { PluginTiers } from "../report/types.ts";
import { formatCsv } from "./csv.ts";
import { CSV_TOTAL_ROW } from "./report-csv.ts";
import { tierCells } from "./tier-sums.ts";

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
 * estate.csv: one table (formatCsv: RFC 4180, CRLF, UTF-8 byte-order mark, as report.csv), one
 * row per environment and a totals row. A failed environment has empty counts and its error; a
 * key its report leaves out is an empty cell. The totals row's discrete_services is distinct
 * across environments.
 */
export function renderEstateCsv(estate: EstateDocument): string {
  const { totals } = estate;
  return formatCsv(ESTATE_CSV_COLUMNS, [
    ...estate.environments.map(environmentRow),
    [
      CSV_TOTAL_ROW,
      `${totals.environments_reported} of ${totals.environments} reported`,
      "",
      "",
      ...countCells(totals, totals.discrete_services),
      estate.digest,
      "",
    ],
  ]);
}

function environmentRow(entry: EstateEnvironment): Array<string | number> {
  if (entry.status === "failed") {
    return [
      entry.environment,
      "failed",
      entry.source ?? "",
      ...Array.from({ length: ESTATE_CSV_COLUMNS.length - 4 }, () => ""),
      entry.error,
    ];
  }
  if (!("report" in entry)) {
    // Konnect: its gateway and discrete services; no report holds the rest.
    const blank = (n: number) => Array.from({ length: n }, () => "");
    return [
      entry.environment,
      "ok",
      entry.source,
      "",
      "",
      entry.services_count,
      entry.discrete_services,
      ...blank(10),
    ];
  }
  const { report } = entry;
  return [
    entry.environment,
    "ok",
    entry.source ?? "",
    report.kong_version ?? "",
    ...countCells(report, entry.discrete_services),
    report.checksum,
    "",
  ];
}

/** The count columns, workspaces to total_requests, of one report or of the estate's totals. */
function countCells(
  counts: Pick<
    EstateTotals,
    "workspaces_count" | "services_count" | "routes_count" | "consumers_count" | "rbac_users"
  > & {
    readonly plugins_count: { readonly tiers: PluginTiers };
    readonly counters?: { readonly total_requests: number };
  },
  discreteServices: number,
): Array<string | number> {
  return [
    counts.workspaces_count,
    counts.services_count,
    discreteServices,
    counts.routes_count,
    counts.consumers_count,
    counts.rbac_users ?? "",
    ...tierCells(counts.plugins_count.tiers),
    counts.counters?.total_requests ?? "",
  ];
}
