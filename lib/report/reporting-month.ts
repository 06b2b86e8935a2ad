import { BadParameterError } from "../errors.ts";

/** A calendar month, 1-based. */
export interface YearMonth {
  readonly year: number;
  readonly month: number;
}

const AS_OF = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Validates an IANA time zone name (throws BadParameterError naming the parameter). */
export function assertTimeZone(timeZone: string, parameter = "time-zone"): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    throw new BadParameterError(
      parameter,
      `Unknown ${parameter} "${timeZone}". Use an IANA time zone name such as UTC, Europe/Paris or America/New_York.`,
    );
  }
}

/** Parses `YYYY-MM`; anything else is a BadParameterError that shows the expected form. */
export function parseAsOf(text: string, parameter = "as-of"): YearMonth {
  const match = AS_OF.exec(text);
  if (match === null) {
    throw new BadParameterError(
      parameter,
      `Invalid ${parameter} "${text}": expected a month as YYYY-MM, e.g. 2026-10 (month 01 to 12).`,
    );
  }
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** The calendar month of `instant` on the wall clock of `timeZone`. */
export function monthIn(instant: Date, timeZone: string): YearMonth {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
  }).formatToParts(instant);
  const read = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: read("year"), month: read("month") };
}

/** Kong's window start: 11 months before the reporting month, so the window holds 12 months. */
export function windowStart(asOf: YearMonth): YearMonth {
  return addMonths(asOf, -11);
}

/** The months whose request counts a report holds; no `end` means "and every later month". */
export interface ReportWindow {
  readonly start: YearMonth;
  readonly end?: YearMonth;
}

/**
 * The window of a report for `asOf` when the current month is `current`: the 12 months ending at
 * `asOf`. Only for the current month are later (future-dated) rows kept, as Kong keeps them; a past
 * month gives what Kong would have reported then, a month ahead gives nothing after it.
 */
export function reportWindow(asOf: YearMonth, current: YearMonth): ReportWindow {
  const start = windowStart(asOf);
  return compareYearMonth(asOf, current) === 0 ? { start } : { start, end: asOf };
}

/** The earliest reporting month accepted: before 2015 no Kong node recorded license usage. */
export const EARLIEST_AS_OF: YearMonth = { year: 2015, month: 1 };

/**
 * Refuses a reporting month before 2015-01 or after next month (on the wall clock of `timeZone`):
 * such a month is a typo, and its report would be empty or fiction.
 */
export function assertAsOfInRange(asOf: YearMonth, current: YearMonth, parameter = "as-of"): void {
  const latest = addMonths(current, 1);
  if (compareYearMonth(asOf, EARLIEST_AS_OF) >= 0 && compareYearMonth(asOf, latest) <= 0) return;
  throw new BadParameterError(
    parameter,
    `Invalid ${parameter} "${formatYearMonth(asOf)}": the reporting month must be from ${formatYearMonth(EARLIEST_AS_OF)} to ${formatYearMonth(latest)} (next month).`,
  );
}

export function addMonths({ year, month }: YearMonth, months: number): YearMonth {
  const index = year * 12 + (month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** Negative, zero or positive as `a` is before, the same as or after `b`. */
export function compareYearMonth(a: YearMonth, b: YearMonth): number {
  return a.year * 12 + a.month - (b.year * 12 + b.month);
}

export function formatYearMonth({ year, month }: YearMonth): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}
