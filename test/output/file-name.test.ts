import { describe, expect, it } from "vitest";
import { contentTypeOf, formatReportFileName, readWallClock } from "#lib/output/file-name.ts";

describe("Function: formatReportFileName", () => {
  it.each([
    ["2026-10-05T15:27:09Z", "UTC", "report-2026_10_05_03_27_PM.tar"],
    ["2026-10-05T00:05:00Z", "UTC", "report-2026_10_05_12_05_AM.tar"],
    ["2026-10-05T12:00:00Z", "UTC", "report-2026_10_05_12_00_PM.tar"],
    ["2026-10-05T11:59:59Z", "UTC", "report-2026_10_05_11_59_AM.tar"],
    ["2026-01-09T09:03:00Z", "UTC", "report-2026_01_09_09_03_AM.tar"],
    // Europe/Paris is UTC+2 in October: the wall clock is already the next day.
    ["2026-10-05T23:30:00Z", "Europe/Paris", "report-2026_10_06_01_30_AM.tar"],
    ["2026-10-05T03:30:00Z", "America/New_York", "report-2026_10_04_11_30_PM.tar"],
  ])("names a tar made at %s in %s like Kong's docs (%s)", (instant, timeZone, expected) => {
    // Act
    const name = formatReportFileName("tar", new Date(instant), timeZone);

    // Assess
    expect(name).toBe(expected);
  });

  it("gives the JSON report the same stem with .json", () => {
    expect(formatReportFileName("json", new Date("2026-10-05T15:27:00Z"), "UTC")).toBe(
      "report-2026_10_05_03_27_PM.json",
    );
  });

  it("reads a 12-hour wall clock with zero-padded fields", () => {
    expect(readWallClock(new Date("2026-03-01T13:07:00Z"), "UTC")).toEqual({
      year: "2026",
      month: "03",
      day: "01",
      hour12: "01",
      minute: "07",
      period: "PM",
    });
  });

  it("maps each format to its MIME type", () => {
    expect(contentTypeOf("json")).toBe("application/json");
    expect(contentTypeOf("tar")).toBe("application/x-tar");
  });
});
