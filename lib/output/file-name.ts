/** The report formats a trigger can ask for. */
export type ReportFormat = "json" | "tar";

export const REPORT_FORMATS: readonly ReportFormat[] = ["json", "tar"];

/** Wall-clock parts of an instant in a time zone, 12-hour clock as Kong's docs name the tar. */
export interface WallClock {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour12: string;
  readonly minute: string;
  readonly period: "AM" | "PM";
}

/** Reads the wall clock of `instant` in `timeZone` (zero-padded, 01-12 hours). */
export function readWallClock(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "numeric",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const read = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "";
  const hour24 = Number(read("hour"));
  const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
  return {
    year: read("year").padStart(4, "0"),
    month: read("month"),
    day: read("day"),
    hour12: String(hour12).padStart(2, "0"),
    minute: read("minute"),
    period: hour24 < 12 ? "AM" : "PM",
  };
}

/**
 * The report's file name: `report-YYYY_MM_DD_HH_MM_PM.tar` (Kong's `date +%Y_%m_%d_%I_%M_%p`)
 * or the same stem with `.json`, on the wall clock of `timeZone`.
 */
export function formatReportFileName(format: ReportFormat, instant: Date, timeZone: string): string {
  const clock = readWallClock(instant, timeZone);
  return `report-${clock.year}_${clock.month}_${clock.day}_${clock.hour12}_${clock.minute}_${clock.period}.${format}`;
}

/** MIME type of each format's object. */
export function contentTypeOf(format: ReportFormat): string {
  return format === "json" ? "application/json" : "application/x-tar";
}
