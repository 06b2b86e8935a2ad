import { describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import type { EnvironmentOutcome } from "#lib/estate/types.ts";
import type { LicenseReport, UnsignedReport } from "#lib/report/types.ts";
import { sampleMarch, signReport } from "../helpers/sample-report.ts";

/** A stored report as the aggregate step reads it back: parsed JSON, custom plugins given as JSON text. */
function storedReport(customPluginsJson: string): LicenseReport {
  const { checksum: _checksum, ...base } = sampleMarch().report;
  const unsigned = JSON.parse(JSON.stringify(base)) as UnsignedReport;
  unsigned.plugins_count.tiers = { free: {}, enterprise: {}, custom: JSON.parse(customPluginsJson) };
  return JSON.parse(JSON.stringify(signReport(unsigned))) as LicenseReport;
}

const ok = (environment: string, report: LicenseReport): EnvironmentOutcome => ({
  environment,
  status: "ok",
  report,
  discreteServices: [],
});

describe("Function: buildEstate with plugin names that are also Object.prototype's", () => {
  it("sums each name across environments under its own name", () => {
    // Prepare: JSON.parse makes "__proto__" an own key, as when the reports are read back from S3.
    const outcomes = [
      ok("a", storedReport('{"constructor": 1, "__proto__": 2}')),
      ok("b", storedReport('{"constructor": 3, "toString": 4, "__proto__": 5}')),
    ];

    // Act
    const estate = buildEstate(outcomes, { asOf: "2025-03", generatedAt: "2025-04-01T00:00:00.000Z" });

    // Assess: 1 + 3, 2 + 5 and 4, in code-unit order ("_" < "c" < "t"), both environments counted
    expect(estate.environments.map((entry) => entry.status)).toEqual(["ok", "ok"]);
    expect(JSON.stringify(estate.totals.plugins_count.tiers.custom)).toBe(
      '{"__proto__":7,"constructor":4,"toString":4}',
    );
  });
});
