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
  const index = asOf.year * 12 + (asOf.month - 1) - 11;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function formatYearMonth({ year, month }: YearMonth): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}
