import { BadParameterError } from "../errors.ts";
import { REPORT_FORMATS, type ReportFormat } from "../output/file-name.ts";
import { assertAsOfInRange, formatYearMonth, monthIn, parseAsOf } from "../report/reporting-month.ts";

/** What a trigger may choose about one report; the rest comes from configuration. */
export interface ReportOptions {
  readonly format: ReportFormat;
  /** Reporting month `YYYY-MM`; default the current month in REPORT_TIME_ZONE. */
  readonly asOf?: string;
  /** Run the detail queries (per-workspace counts, discrete services, counter drift). */
  readonly details: boolean;
  /** JSON only: embed the details under a `details` key. */
  readonly includeDetails: boolean;
}

export const DEFAULT_FORMAT: ReportFormat = "json";

/** Validates a format value, naming the parameter and the allowed values. */
export function parseFormat(value: string, parameter: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new BadParameterError(
    parameter,
    `Invalid ${parameter} "${value}": use ${REPORT_FORMATS.join(" or ")} (json: the report itself; tar: report-….tar with response.json, details.json, summary.html, report.csv, ai-usage.csv, usage.csv, usage-by-tag.csv).`,
  );
}

/**
 * Validates a `YYYY-MM` month from 2015-01 to next month and returns it unchanged. "Next month" is
 * read where it starts first (UTC+14); the collector checks it again in REPORT_TIME_ZONE.
 */
export function parseMonth(value: string, parameter: string, now = new Date()): string {
  assertAsOfInRange(parseAsOf(value, parameter), monthIn(now, "Etc/GMT-14"), parameter);
  return value;
}

/** Accepts exactly `true` or `false`. */
export function parseBoolean(value: string, parameter: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new BadParameterError(parameter, `Invalid ${parameter} "${value}": use true or false.`);
}

/** `include` lists extras for the JSON format (comma-separated); only `details` exists. */
export function parseInclude(values: readonly string[], parameter: string): boolean {
  let details = false;
  for (const value of values) {
    if (value === "details") details = true;
    else {
      throw new BadParameterError(
        parameter,
        `Invalid ${parameter} "${value}": the only value is "details" (adds the details document to the JSON report).`,
      );
    }
  }
  return details;
}

/** The reporting month a run will use: the one asked for, else the current month in its time zone. */
export function expectedAsOf(
  collect: { readonly asOf?: string; readonly now?: Date; readonly timeZone?: string } | undefined,
): string {
  return collect?.asOf ?? formatYearMonth(monthIn(collect?.now ?? new Date(), collect?.timeZone ?? "UTC"));
}
