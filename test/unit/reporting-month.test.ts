import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import {
  assertAsOfInRange,
  assertTimeZone,
  formatYearMonth,
  monthIn,
  parseAsOf,
  reportWindow,
  windowStart,
} from "#lib/report/reporting-month.ts";

describe("Function: windowStart", () => {
  it.each([
    ["2025-03", "2024-04"],
    ["2025-12", "2025-01"],
    ["2025-11", "2024-12"],
    ["2026-01", "2025-02"],
  ])("the 12-month window ending %s starts %s", (asOf, start) => {
    expect(formatYearMonth(windowStart(parseAsOf(asOf)))).toBe(start);
  });
});

describe("Function: monthIn", () => {
  it("reads the month on the wall clock of the time zone", () => {
    const instant = new Date("2025-03-31T23:30:00Z");
    expect(formatYearMonth(monthIn(instant, "UTC"))).toBe("2025-03");
    expect(formatYearMonth(monthIn(instant, "Europe/Paris"))).toBe("2025-04");
    expect(formatYearMonth(monthIn(new Date("2025-04-01T02:00:00Z"), "America/New_York"))).toBe("2025-03");
  });
});

describe("Function: parseAsOf", () => {
  it.each(["2025-13", "2025-3", "25-03", "2025/03", "", "2025-00"])(
    "rejects %j naming the option",
    (text) => {
      const error = (() => {
        try {
          parseAsOf(text, "--as-of");
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(BadParameterError);
      expect((error as BadParameterError).parameter).toBe("--as-of");
      expect((error as Error).message).toContain("YYYY-MM");
    },
  );
});

describe("Function: parseAsOf, the whole form", () => {
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (caught) {
      return caught as BadParameterError;
    }
    throw new Error("expected a BadParameterError");
  };

  it.each([
    ["2025-03", 2025, 3],
    ["2015-01", 2015, 1],
    ["2026-10", 2026, 10],
    ["2026-12", 2026, 12],
    ["0999-11", 999, 11],
  ])("reads %s as year %i, month %i", (text, year, month) => {
    expect(parseAsOf(text)).toEqual({ year, month });
  });

  it.each([
    "12025-03",
    "2025-031",
    "2025-03 ",
    " 2025-03",
    "2025-03-01",
    "abcd-03",
    "2025-1a",
    "2025-19",
    "2025-20",
  ])("rejects %j with the expected form, naming as-of by default", (text) => {
    const error = failure(() => parseAsOf(text));
    expect(error).toBeInstanceOf(BadParameterError);
    expect(error.parameter).toBe("as-of");
    expect(error.message).toBe(
      `Invalid as-of "${text}": expected a month as YYYY-MM, e.g. 2026-10 (month 01 to 12).`,
    );
  });

  it("names the option it was given in the message", () => {
    expect(failure(() => parseAsOf("2025-13", "--as-of")).message).toBe(
      'Invalid --as-of "2025-13": expected a month as YYYY-MM, e.g. 2026-10 (month 01 to 12).',
    );
  });

  it("refuses a month before 2015-01, naming as-of by default and printing the year with 4 digits", () => {
    const error = failure(() => assertAsOfInRange(parseAsOf("0999-11"), parseAsOf("2026-12")));
    expect(error).toBeInstanceOf(BadParameterError);
    expect(error.parameter).toBe("as-of");
    expect(error.message).toBe(
      'Invalid as-of "0999-11": the reporting month must be from 2015-01 to 2027-01 (next month).',
    );
  });

  it("refuses an unknown time zone with the whole message, naming time-zone by default", () => {
    const error = failure(() => assertTimeZone("Mars/Olympus"));
    expect(error).toBeInstanceOf(BadParameterError);
    expect(error.parameter).toBe("time-zone");
    expect(error.message).toBe(
      'Unknown time-zone "Mars/Olympus". Use an IANA time zone name such as UTC, Europe/Paris or America/New_York.',
    );
  });
});

describe("Function: assertTimeZone", () => {
  it("accepts IANA names and rejects others with the allowed form", () => {
    expect(assertTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(() => assertTimeZone("Mars/Olympus")).toThrow(/IANA time zone/);
  });
});

describe("Function: reportWindow", () => {
  const window = (asOf: string, current: string) => {
    const { start, end } = reportWindow(parseAsOf(asOf), parseAsOf(current));
    return [formatYearMonth(start), end === undefined ? "open" : formatYearMonth(end)];
  };

  it("keeps later (future-dated) months only when the reporting month is the current month", () => {
    expect(window("2026-11", "2026-11")).toEqual(["2025-12", "open"]);
  });

  it("ends a past month's window at that month: what Kong would have reported then", () => {
    expect(window("2026-02", "2026-11")).toEqual(["2025-03", "2026-02"]);
    expect(window("2015-01", "2026-11")).toEqual(["2014-02", "2015-01"]);
  });

  it("ends next month's window at next month", () => {
    expect(window("2026-12", "2026-11")).toEqual(["2026-01", "2026-12"]);
  });
});

describe("Function: assertAsOfInRange", () => {
  const current = parseAsOf("2026-12");

  it.each(["2015-01", "2026-12", "2027-01"])("accepts %s (2015-01 to next month)", (asOf) => {
    expect(() => assertAsOfInRange(parseAsOf(asOf), current, "--as-of")).not.toThrow();
  });

  it.each(["2014-12", "1999-01", "2027-02", "2099-12"])(
    "refuses %s naming the option and the range",
    (asOf) => {
      expect(() => assertAsOfInRange(parseAsOf(asOf), current, "--as-of")).toThrow(
        `Invalid --as-of "${asOf}": the reporting month must be from 2015-01 to 2027-01 (next month).`,
      );
    },
  );
});
