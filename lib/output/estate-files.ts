import type { EstateDocument } from "../estate/types.ts";
import { verifyReport } from "../report/verify-report.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import { renderEstateCsv } from "./estate-csv.ts";
import { renderEstateSummaryHtml } from "./estate-page/render-estate-page.ts";
import { formatReportFileName, type ReportFormat } from "./file-name.ts";
import { appendManifest } from "./manifest.ts";
import type { ReportFile } from "./report-files.ts";
import { DETAILS_JSON, ENVIRONMENT_FOLDER, ESTATE_JSON, RESPONSE_JSON } from "./tar-layouts.ts";

export { ESTATE_TAR_LAYOUT } from "./tar-layouts.ts";

export interface EstateFilesOptions {
  /**
   * Kong's own bytes of a report, by environment (the Admin API's GET /license/report): written as
   * that environment's response.json exactly as Kong sent them, instead of our JSON of the report.
   */
  readonly responses?: ReadonlyMap<string, Uint8Array>;
}

/**
 * The files of an estate. `json`: estate.json only. `tar`: estate.json, then per reported
 * environment `environments/<name>/response.json` (its report, byte for byte what it verifies
 * as; Kong's own bytes for an Admin API environment) and `details.json` when the estate holds
 * details, then summary.html and estate.csv, and last manifest.json (the size and SHA-256 of each,
 * bound to the estate's digest).
 */
export function buildEstateFiles(
  estate: EstateDocument,
  format: ReportFormat,
  options: EstateFilesOptions = {},
): ReportFile[] {
  const document = toJsonBuffer(estate);
  if (format === "json") return [{ name: ESTATE_JSON, content: document }];
  const files: ReportFile[] = [{ name: ESTATE_JSON, content: document }];
  for (const entry of estate.environments) {
    if (entry.status !== "ok" || !("report" in entry)) continue;
    // Names are validated as folder-safe by the environments file; refuse anything else here too.
    if (!ENVIRONMENT_FOLDER.test(entry.environment)) {
      throw new Error(`Environment name ${JSON.stringify(entry.environment)} cannot be a folder name.`);
    }
    const folder = `environments/${entry.environment}`;
    const kongBytes = options.responses?.get(entry.environment);
    if (kongBytes !== undefined) checkKongBytes(kongBytes, entry.report.checksum, entry.environment);
    files.push({
      name: `${folder}/${RESPONSE_JSON}`,
      content: kongBytes === undefined ? toJsonBuffer(entry.report) : Buffer.from(kongBytes),
    });
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

/** Kong's bytes go into the tar only when they are the estate's report, verified: never anything else. */
function checkKongBytes(bytes: Uint8Array, checksum: string, environment: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const report = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (!verifyReport(report).valid || report.checksum !== checksum) {
    throw new Error(`The report bytes kept for environment "${environment}" are not its verified report.`);
  }
}

function toJsonBuffer(value: unknown): Buffer {
  return Buffer.from(`${stringifyJson(value, 2)}\n`, "utf8");
}
