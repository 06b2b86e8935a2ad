import type { EstateDocument } from "../estate/types.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import { renderEstateCsv } from "./estate-csv.ts";
import { renderEstateSummaryHtml } from "./estate-page/render-estate-page.ts";
import { formatReportFileName, type ReportFormat } from "./file-name.ts";
import { appendManifest } from "./manifest.ts";
import type { ReportFile } from "./report-files.ts";
import { DETAILS_JSON, ENVIRONMENT_FOLDER, ESTATE_JSON, RESPONSE_JSON } from "./tar-layouts.ts";

export { ESTATE_ENVIRONMENT_FILES, ESTATE_JSON, ESTATE_TAR_FILES, ESTATE_TAR_LAYOUT } from "./tar-layouts.ts";

/**
 * The files of an estate. `json`: estate.json only. `tar`: estate.json, then per reported
 * environment `environments/<name>/response.json` (its report, byte for byte what it verifies
 * as) and `details.json` when the estate holds details, then summary.html and estate.csv, and
 * last manifest.json (the size and SHA-256 of each, bound to the estate's digest).
 */
export function buildEstateFiles(estate: EstateDocument, format: ReportFormat): ReportFile[] {
  const document = toJsonBuffer(estate);
  if (format === "json") return [{ name: ESTATE_JSON, content: document }];
  const files: ReportFile[] = [{ name: ESTATE_JSON, content: document }];
  for (const entry of estate.environments) {
    if (entry.status !== "ok") continue;
    // Names are validated as folder-safe by the environments file; refuse anything else here too.
    if (!ENVIRONMENT_FOLDER.test(entry.environment)) {
      throw new Error(`Environment name ${JSON.stringify(entry.environment)} cannot be a folder name.`);
    }
    const folder = `environments/${entry.environment}`;
    files.push({ name: `${folder}/${RESPONSE_JSON}`, content: toJsonBuffer(entry.report) });
    if (entry.details !== undefined) {
      files.push({ name: `${folder}/${DETAILS_JSON}`, content: toJsonBuffer(entry.details) });
    }
  }
  files.push(
    { name: "summary.html", content: Buffer.from(renderEstateSummaryHtml(estate), "utf8") },
    { name: "estate.csv", content: Buffer.from(renderEstateCsv(estate), "utf8") },
  );
  return appendManifest(files, "estate", estate.digest);
}

/** `estate-YYYY_MM_DD_HH_MM_PM.tar|json`, as the report's name with the estate's stem. */
export function formatEstateFileName(format: ReportFormat, instant: Date, timeZone: string): string {
  return formatReportFileName(format, instant, timeZone).replace(/^report-/, "estate-");
}

function toJsonBuffer(value: unknown): Buffer {
  return Buffer.from(`${stringifyJson(value, 2)}\n`, "utf8");
}
