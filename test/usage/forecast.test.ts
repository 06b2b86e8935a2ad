import { describe, expect, it } from "vitest";
import type { UsageContract } from "#lib/report/usage-types.ts";
import { forecastUsage } from "#lib/usage/forecast.ts";
import type { UsageObservation } from "#lib/usage/observations.ts";

const observation = (
  asOf: string,
  services: number | null,
  requests: Record<string, number> | null = null,
  discrete: number | null = null,
): UsageObservation => ({
  asOf,
  gatewayServices: services,
  discreteServices: discrete,
  requests: requests === null ? null : new Map(Object.entries(requests)),
  aiModelHours: null,
});

const CONTRACT: UsageContract = {
  name: "ACME-2026",
  term: { start: "2026-01", end: "2026-12" },
  warn_at_percent: 80,
  lines: [
    { unit: "gateway_services", limit: 25, used: 20, percent: 80, status: "warn" },
    { unit: "discrete_services", limit: 20, used: 9, percent: 45, status: "ok" },
    { unit: "api_requests_per_month", limit: 1000, used: 50, percent: 5, status: "ok" },
    { unit: "api_requests_per_term", limit: 8000, used: 1850, percent: 23.1, status: "ok" },
    { unit: "ai_model_hours_per_month", limit: 10, used: null, percent: null, status: "unknown" },
  ],
};

// This report (2026-05, generated in May) and the stored reports of the cluster.
const OBSERVATIONS = [
  observation(
    "2026-05",
    20,
    { "2026-01": 300, "2026-02": 400, "2026-03": 500, "2026-04": 600, "2026-05": 50 },
    9,
  ),
  observation("2026-04", 17, { "2026-03": 500, "2026-04": 580 }),
  observation("2026-03", 14, { "2026-03": 450 }),
  observation("2026-02", 11),
  observation("2026-02", 12), // the month's high-water mark is 12
  observation("2025-12", 3), // before the term: not fitted
];

describe("forecastUsage", () => {
  const [services, discrete, monthly, term, ai] = forecastUsage({
    contract: CONTRACT,
    asOf: "2026-05",
    generatedMonth: "2026-05",
    observations: OBSERVATIONS,
    termRequests: 1850, // 300 + 400 + 500 + 600 + 50
  });

  it("fits services to the monthly high-water marks of the term and finds the month above the limit", () => {
    // Points (Feb 12, Mar 14, Apr 17, May 20), x = 1..4: mean x 2.5, mean y 63/4 = 15.75;
    // Sxy = (-1.5)(-3.75) + (-0.5)(-1.75) + (0.5)(1.25) + (1.5)(4.25) = 13.5, Sxx = 5, slope 2.7.
    // Dec (x = 11): 15.75 + 2.7 × 8.5 = 38.7 → 39. Jun: 22.5, Jul: 25.2 > 25 → 2026-07.
    expect(services).toStrictEqual({
      unit: "gateway_services",
      at_term_end: 39,
      crosses_limit: "2026-07",
      months: 4,
      basis:
        "An estimate: least-squares line over the monthly high-water marks of 4 months (2026-02 to 2026-05) of this cluster's reports, projected to 2026-12.",
    });
  });

  it("gives no forecast below three months and says why", () => {
    // Only this report carries details (discrete 9 in 2026-05).
    expect(discrete).toStrictEqual({
      unit: "discrete_services",
      at_term_end: null,
      crosses_limit: null,
      months: 1,
      basis: "1 month(s) with a high-water mark in the term (2026-05): a forecast needs at least 3.",
    });
    expect(ai).toStrictEqual({
      unit: "ai_model_hours_per_month",
      at_term_end: null,
      crosses_limit: null,
      months: 0,
      basis: "Not measured in this database: no forecast.",
    });
  });

  it("fits requests per month to the complete months only (May is still counting)", () => {
    // HWM Jan 300, Feb 400, Mar 500 (max of 500, 500, 450), Apr 600 (max of 600, 580): slope 100,
    // f(x) = 450 + 100 (x - 1.5) with Jan = 0. Dec (x = 11): 1400. May 700, Jun 800 … Aug 1000 (not
    // above), Sep 1100 > 1000 → 2026-09.
    expect(monthly).toMatchObject({ at_term_end: 1400, crosses_limit: "2026-09", months: 4 });
  });

  it("projects the term's requests: counted so far, the rest of May and the months left", () => {
    // 1850 counted, May's line 700 - 50 counted = 650 more → 2500; Jun … Dec 800 + 900 + 1000 +
    // 1100 + 1200 + 1300 + 1400 = 7700 → 10200. Running: Jun 3300, Jul 4200, Aug 5200, Sep 6300,
    // Oct 7500, Nov 8800 > 8000 → 2026-11.
    expect(term).toMatchObject({ at_term_end: 10200, crosses_limit: "2026-11", months: 4 });
  });

  it("says the month it is already over in, and gives nothing without a term", () => {
    const [over] = forecastUsage({
      contract: {
        ...CONTRACT,
        lines: [{ unit: "gateway_services", limit: 15, used: 20, percent: 133.3, status: "over" }],
      },
      asOf: "2026-05",
      generatedMonth: "2026-05",
      observations: OBSERVATIONS,
      termRequests: null,
    });
    expect(over?.crosses_limit).toBe("2026-05");
    expect(
      forecastUsage({
        contract: { ...CONTRACT, term: null },
        asOf: "2026-05",
        generatedMonth: "2026-05",
        observations: OBSERVATIONS,
        termRequests: null,
      }),
    ).toStrictEqual([]);
  });
});
