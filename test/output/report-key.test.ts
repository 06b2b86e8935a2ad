import { describe, expect, it } from "vitest";
import { buildReportKey } from "#lib/generate-report.ts";
import { formatReportFileName } from "#lib/output/file-name.ts";

describe("Function: buildReportKey", () => {
  it("files the report under <prefix>YYYY/MM/ with the Kong file name and a unique suffix", () => {
    // Prepare
    const at = new Date("2026-10-05T15:27:00Z");

    // Act
    const key = buildReportKey(
      "license-reports/",
      formatReportFileName("tar", at, "UTC"),
      at,
      "UTC",
      () => "0123456789ab",
    );

    // Assess
    expect(key).toBe("license-reports/2026/10/report-2026_10_05_03_27_PM-0123456789ab.tar");
  });

  it("takes the folder month from the same wall clock as the file name", () => {
    // Prepare: still September in UTC, already October in Tokyo.
    const at = new Date("2026-09-30T20:00:00Z");

    // Act
    const key = buildReportKey(
      "",
      formatReportFileName("json", at, "Asia/Tokyo"),
      at,
      "Asia/Tokyo",
      () => "x",
    );

    // Assess
    expect(key).toBe("2026/10/report-2026_10_01_05_00_AM-x.json");
  });
});
