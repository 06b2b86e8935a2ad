import type { KongReport, ReportDetails } from "../report/types.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import type { ReportFormat } from "./file-name.ts";
import { renderAiUsageCsv, renderReportCsv } from "./report-csv.ts";
import { RESPONSE_JSON, type ReportFile } from "./report-files.ts";
import { renderSummaryHtml } from "./report-page/render-report-page.ts";

/**
 * The files of a report read from Kong's Admin API. `json`: Kong's bytes, exactly as Kong sent them.
 * `tar`: the same response.json, then our details.json (its `collector.source` says "admin-api": Kong's
 * bytes carry no collector of ours), summary.html, report.csv and ai-usage.csv, as for any report.
 */
export function buildApiReportFiles(
  collected: { readonly report: KongReport; readonly details: ReportDetails },
  response: Buffer,
  format: ReportFormat,
): ReportFile[] {
  const kong = { name: RESPONSE_JSON, content: response };
  if (format === "json") return [kong];
  return [
    kong,
    { name: "details.json", content: Buffer.from(`${stringifyJson(collected.details, 2)}\n`, "utf8") },
    { name: "summary.html", content: Buffer.from(renderSummaryHtml(collected), "utf8") },
    { name: "report.csv", content: Buffer.from(renderReportCsv(collected), "utf8") },
    { name: "ai-usage.csv", content: Buffer.from(renderAiUsageCsv(collected), "utf8") },
  ];
}
