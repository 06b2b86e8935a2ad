import type { AdminApiWorkspace, KongReport, ReportDetails, WorkspaceDetail } from "../report/types.ts";
import { formatCsv } from "./csv.ts";
import { tierCells } from "./tier-sums.ts";

/** Column names of report.csv, in order. */
export const CSV_COLUMNS = [
  "workspace",
  "workspace_id",
  "services",
  "discrete_services",
  "routes",
  "consumers",
  "plugins_free",
  "plugins_enterprise",
  "plugins_custom",
  "plugins_total",
  "cluster",
] as const;

/** A report (ours, or Kong's own from its Admin API) and its details. */
export interface ReportAndDetails {
  readonly report: KongReport;
  readonly details: ReportDetails;
}

/** Name of the last row, which holds the deployment's totals. */
export const CSV_TOTAL_ROW = "TOTAL";

/**
 * report.csv: one table, for spreadsheets: a header, one row per workspace and a totals row. The
 * totals row holds the report's own counts; its discrete_services is the distinct count across
 * workspaces, not a column sum. `cluster` repeats the cluster label on every row (empty when
 * unnamed), so the CSVs of several clusters can be concatenated. AI Gateway usage is ai-usage.csv.
 */
export function renderReportCsv(collected: ReportAndDetails): string {
  const { report, details } = collected;
  const cluster = details.cluster ?? "";
  const rows =
    details.admin_api !== undefined
      ? details.admin_api.workspaces.map((ws) => apiWorkspaceRow(ws, cluster))
      : (details.workspaces ?? []).map((ws) => workspaceRow(ws, cluster));
  rows.push([
    CSV_TOTAL_ROW,
    "",
    report.services_count,
    details.discrete_services?.count ?? "",
    report.routes_count,
    report.consumers_count,
    ...tierCells(report.plugins_count.tiers),
    cluster,
  ]);
  return formatCsv(CSV_COLUMNS, rows);
}

/** Column names of ai-usage.csv, in order. */
export const AI_USAGE_CSV_COLUMNS = ["month", "model", "model_hours", "cluster"] as const;

/**
 * ai-usage.csv: the model-hours of Kong's AI Gateway counter (license_llm_data, Kong 3.10+) per
 * month and model, then a totals row; `cluster` as in report.csv. Without that table (an older
 * Kong, or no details) the header alone: nothing was measured, which a total of 0 would hide.
 */
export function renderAiUsageCsv({ details }: ReportAndDetails): string {
  const ai = details.ai_gateway;
  const cluster = details.cluster ?? "";
  if (ai === undefined) return formatCsv(AI_USAGE_CSV_COLUMNS, []);
  return formatCsv(AI_USAGE_CSV_COLUMNS, [
    ...ai.by_month_and_model.map((row) => [row.month, row.model, row.model_hours, cluster]),
    [CSV_TOTAL_ROW, "", ai.model_hours, cluster],
  ]);
}

function workspaceRow(ws: WorkspaceDetail, cluster: string): Array<string | number> {
  return [
    ws.name,
    ws.id,
    ws.services,
    ws.discrete_services ?? "",
    ws.routes,
    ws.consumers,
    ...tierCells(ws.plugins),
    cluster,
  ];
}

/** A workspace as Kong's Admin API told it: routes, consumers and plugins from its /meta counts, per-tier plugins unknown. */
function apiWorkspaceRow(ws: AdminApiWorkspace, cluster: string): Array<string | number> {
  return [
    ws.name,
    ws.id ?? "",
    ws.services,
    ws.discrete_services,
    ws.counts?.routes ?? "",
    ws.counts?.consumers ?? "",
    "",
    "",
    "",
    ws.counts?.plugins ?? "",
    cluster,
  ];
}
