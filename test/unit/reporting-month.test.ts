import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import {
  assertTimeZone,
  formatYearMonth,
  monthIn,
  parseAsOf,
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

describe("Function: assertTimeZone", () => {
  it("accepts IANA names and rejects others with the allowed form", () => {
    expect(assertTimeZone("Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(() => assertTimeZone("Mars/Olympus")).toThrow(/IANA time zone/);
  });
});
