import type { CollectedReport, PluginTiers, WorkspaceDetail } from "../report/types.ts";

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

/** Name of the last row, which holds the deployment's totals. */
export const CSV_TOTAL_ROW = "TOTAL";

/**
 * report.csv: a header, one row per workspace and a totals row, for spreadsheets. RFC 4180 (CRLF,
 * fields quoted when they hold a comma, quote or line break) with a UTF-8 byte-order mark so
 * spreadsheet programs read non-ASCII names correctly. The totals row holds the report's own
 * counts; its discrete_services is the distinct count across workspaces, not a column sum.
 * `cluster` repeats the cluster label on every row (empty when unnamed), so the CSVs of several
 * clusters can be concatenated.
 */
export function renderReportCsv(collected: CollectedReport): string {
  const { report, details } = collected;
  const lines = [CSV_COLUMNS.join(",")];
  const cluster = details.cluster ?? "";
  for (const ws of details.workspaces ?? []) lines.push(workspaceRow(ws, cluster));
  const total: Array<string | number> = [
    CSV_TOTAL_ROW,
    "",
    report.services_count,
    details.discrete_services?.count ?? "",
    report.routes_count,
    report.consumers_count,
    ...tierCells(report.plugins_count.tiers),
    cluster,
  ];
  lines.push(total.map(formatCell).join(","));
  lines.push(...aiGatewayLines(collected));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** Columns of the AI Gateway block, after a blank line below the workspace table. */
export const CSV_AI_GATEWAY_COLUMNS = ["ai_gateway_month", "model", "model_hours"] as const;

/** Model-hours per month and model (license_llm_data, Kong 3.10+), with a totals row; none without the table. */
function aiGatewayLines({ details }: CollectedReport): string[] {
  const ai = details.ai_gateway;
  if (ai === undefined) return [];
  return [
    "",
    CSV_AI_GATEWAY_COLUMNS.join(","),
    ...ai.by_month_and_model.map((row) => [row.month, row.model, row.model_hours].map(formatCell).join(",")),
    [CSV_TOTAL_ROW, "", ai.model_hours].map(formatCell).join(","),
  ];
}

function workspaceRow(ws: WorkspaceDetail, cluster: string): string {
  const cells: Array<string | number> = [
    ws.name,
    ws.id,
    ws.services,
    ws.discrete_services ?? "",
    ws.routes,
    ws.consumers,
    ...tierCells(ws.plugins),
    cluster,
  ];
  return cells.map(formatCell).join(",");
}

function tierCells(tiers: PluginTiers): number[] {
  const free = sumValues(tiers.free);
  const enterprise = sumValues(tiers.enterprise);
  const custom = sumValues(tiers.custom);
  return [free, enterprise, custom, free + enterprise + custom];
}

function sumValues(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function formatCell(value: string | number): string {
  return typeof value === "number" ? String(value) : quoteCsv(value);
}

/**
 * RFC 4180 quoting of a text field. Text starting with `=`, `+`, `-`, `@`, tab or CR gets a
 * leading `'` so a spreadsheet shows a workspace name instead of evaluating it as a formula.
 */
export function quoteCsv(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
