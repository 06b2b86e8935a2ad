import { Readable } from "node:stream";
import type { CollectedReport } from "../report/types.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import type { ReportFormat } from "./file-name.ts";
import { appendManifest } from "./manifest.ts";
import { renderAiUsageCsv, renderReportCsv } from "./report-csv.ts";
import { renderSummaryHtml } from "./report-page/render-report-page.ts";
import { createTarStream, type ReportFile } from "./tar.ts";
import { DETAILS_JSON, RESPONSE_JSON } from "./tar-layouts.ts";
import { renderUsageByTagCsv, renderUsageCsv } from "./usage-csv.ts";

export type { ReportFile } from "./tar.ts";

export interface ReportFilesOptions {
  readonly format: ReportFormat;
  /** JSON only: add the `details` document under a `details` key (the tar always holds details.json). */
  readonly includeDetails?: boolean;
}

export { REPORT_TAR_FILES, REPORT_TAR_LAYOUT, RESPONSE_JSON } from "./tar-layouts.ts";

/**
 * The files of one report. `json`: the report pretty-printed (Kong's shape plus `collector`, and
 * `details` only when asked). `tar`: response.json (the report exactly), details.json, summary.html,
 * report.csv (the workspaces), ai-usage.csv (AI Gateway model-hours; the header alone without them),
 * usage.csv (contract units, lines, forecast, entitlements) and usage-by-tag.csv (per team tag), then
 * manifest.json (the size and SHA-256 of each, bound to the report's checksum).
 */
export function buildReportFiles(collected: CollectedReport, options: ReportFilesOptions): ReportFile[] {
  const { report, details } = collected;
  if (options.format === "json") {
    const document = options.includeDetails === true ? { ...report, details } : report;
    return [{ name: RESPONSE_JSON, content: toJsonBuffer(document) }];
  }
  // A new file needs its name in REPORT_TAR_FILES (tar-layouts.ts), or verify refuses the tar.
  const files = [
    { name: RESPONSE_JSON, content: toJsonBuffer(report) },
    { name: DETAILS_JSON, content: toJsonBuffer(details) },
    { name: "summary.html", content: Buffer.from(renderSummaryHtml(collected), "utf8") },
    { name: "report.csv", content: Buffer.from(renderReportCsv(collected), "utf8") },
    { name: "ai-usage.csv", content: Buffer.from(renderAiUsageCsv(collected), "utf8") },
    // Usage in contract units and by team (issue 21).
    { name: "usage.csv", content: Buffer.from(renderUsageCsv(collected), "utf8") },
    { name: "usage-by-tag.csv", content: Buffer.from(renderUsageByTagCsv(collected), "utf8") },
  ];
  return appendManifest(files, "report", report.checksum);
}

/** The bytes of a format as a stream: the JSON file itself, or a tar of all files. */
export function openReportStream(files: readonly ReportFile[], format: ReportFormat, mtime: Date): Readable {
  if (format === "tar") return createTarStream(files, { mtime });
  const [file] = files;
  if (file === undefined || files.length !== 1) {
    throw new Error(`A JSON report is exactly one file; got ${files.length}.`);
  }
  // One chunk: an array keeps Readable.from from iterating the Buffer byte by byte.
  return Readable.from([file.content]);
}

function toJsonBuffer(value: unknown): Buffer {
  return Buffer.from(`${stringifyJson(value, 2)}\n`, "utf8");
}
