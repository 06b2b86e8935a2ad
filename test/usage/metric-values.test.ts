import { describe, expect, it } from "vitest";
import { readUsageValues } from "#lib/usage/metric-values.ts";
import { sampleMarch } from "../helpers/sample-report.ts";

// A JSON report without details (no details.usage) is measured from Kong's report alone. The sample
// report: 2025-03, made 2025-04-01 (UTC), 12 services, the 2025-03 bucket 512,345, the license
// expiring 2026-01-31.

describe("Function: readUsageValues without details.usage", () => {
  it("takes the services, the as-of month's requests and the days to the license's expiry", () => {
    expect(readUsageValues(sampleMarch())).toStrictEqual({
      gatewayServices: 12,
      discreteServices: null,
      apiRequestsMonth: 512_345,
      aiModelHoursMonth: null,
      // 2025-04-01 → 2026-01-01: 275 days; + 30 to the 31st.
      daysToLicenseExpiry: 305,
      contract: null,
    });
  });

  it("counts 0 requests in a month Kong has no bucket for, and none without counters", () => {
    const noMarch = sampleMarch();
    const counters = noMarch.report.counters;
    if (counters !== undefined) counters.buckets = counters.buckets.filter((b) => b.bucket !== "2025-03");
    const noCounters = sampleMarch();
    delete noCounters.report.counters;

    expect(readUsageValues(noMarch).apiRequestsMonth).toBe(0);
    expect(readUsageValues(noCounters).apiRequestsMonth).toBeNull();
  });
});
