import { describe, expect, it } from "vitest";
import type { CollectedReport, LicenseReport } from "#lib/report/types.ts";
import type { Contract } from "#lib/report/usage-types.ts";
import {
  buildEstateUsage,
  buildUsage,
  daysToExpiry,
  termMonthsBeforeWindow,
} from "#lib/usage/build-usage.ts";
import type { LicenseEntitlements } from "#lib/usage/license-entitlements.ts";
import { sampleMarch } from "../helpers/sample-report.ts";

// The sample report (test/helpers/sample-report.ts): reporting month 2025-03, made 2025-04-01 00:00 UTC,
// 12 services, discrete services 8, no AI Gateway counter, 2 RBAC users, and these request buckets
// (the window 2024-04..2025-03, plus Kong's UNKNOWN bucket of counts without a month):
//   2024-04 120,000   2024-07 198,000   2024-10 290,000   2025-01 395,000
//   2024-05 180,500   2024-08 250,250   2024-11 350,000   2025-02 460,000
//   2024-06 210,000   2024-09 305,000   2024-12 410,000   2025-03 512,345   UNKNOWN 4,321

const ENTITLEMENTS: LicenseEntitlements = {
  customer: "Example Corp",
  product_subscription: "Kong Enterprise Edition",
  support_plan: "Platinum",
  dataplanes: 5,
  admin_seats: 3,
};

const contractOver = (term: { start: string; end: string } | undefined): Contract => ({
  name: "ACME",
  ...(term === undefined ? {} : { term }),
  limits: {
    api_requests_per_month: 1_000_000,
    ...(term === undefined ? {} : { api_requests_per_term: 9_000_000 }),
  },
  warn_at_percent: 80,
});

function usageOf(
  change: (collected: CollectedReport) => void = () => {},
  extra: { contract?: Contract; requestsBeforeWindow?: number; connectedDataPlanes?: number } = {},
) {
  const collected = sampleMarch();
  change(collected);
  return buildUsage({
    report: collected.report,
    details: collected.details,
    entitlements: ENTITLEMENTS,
    connectedDataPlanes: extra.connectedDataPlanes ?? 2,
    ...(extra.contract === undefined ? {} : { contract: extra.contract }),
    ...(extra.requestsBeforeWindow === undefined ? {} : { requestsBeforeWindow: extra.requestsBeforeWindow }),
  });
}

const NO_AI_NOTE =
  "This database has no AI Gateway counter (license_llm_data, Kong 3.10+): AI model-hours are not measured.";

describe("Function: buildUsage — the units", () => {
  it("measures the report's units and, without a contract, holds nothing against them", () => {
    const usage = usageOf();

    expect(usage.units).toStrictEqual({
      gateway_services: 12, // services_count
      discrete_services: 8, // details.discrete_services.count
      api_requests_month: 512_345, // the 2025-03 bucket
      api_requests_term: null, // no contract, no term
      ai_model_hours_month: null, // no ai_gateway in the details
    });
    expect(usage.contract).toBeNull();
    expect(usage.forecast).toStrictEqual([]);
    expect(usage.notes).toStrictEqual([NO_AI_NOTE]);
  });

  it("counts no discrete services when the details have none, and the as-of month's model-hours", () => {
    const usage = usageOf((collected) => {
      delete collected.details.discrete_services;
      collected.details.ai_gateway = {
        model_hours: 9,
        by_month: [
          { month: "2025-02", model_hours: 2 },
          { month: "2025-03", model_hours: 7 },
        ],
        by_model: [],
        by_month_and_model: [],
      };
    });

    expect(usage.units.discrete_services).toBe(0);
    expect(usage.units.ai_model_hours_month).toBe(7); // the 2025-03 entry, not the total 9
    expect(usage.notes).toStrictEqual([]);
  });

  it("counts 0 model-hours in a month the AI Gateway counter has no row for", () => {
    const usage = usageOf((collected) => {
      collected.details.ai_gateway = {
        model_hours: 2,
        by_month: [{ month: "2025-02", model_hours: 2 }],
        by_model: [],
        by_month_and_model: [],
      };
    });

    expect(usage.units.ai_model_hours_month).toBe(0);
  });

  it("measures no requests without Kong's counters, and says so, even with a term", () => {
    const usage = usageOf(
      (collected) => {
        delete collected.report.counters;
      },
      { contract: contractOver({ start: "2025-01", end: "2025-12" }) },
    );

    expect(usage.units.api_requests_month).toBeNull();
    expect(usage.units.api_requests_term).toBeNull();
    expect(usage.contract?.lines.map((line) => [line.unit, line.used, line.status])).toStrictEqual([
      ["api_requests_per_month", null, "unknown"],
      ["api_requests_per_term", null, "unknown"],
    ]);
    expect(usage.notes).toStrictEqual([
      "This database keeps no request counters (no license_data table): API requests are not measured.",
      NO_AI_NOTE,
    ]);
  });

  it("counts 0 requests in the as-of month when Kong has no bucket for it", () => {
    const usage = usageOf((collected) => {
      const counters = collected.report.counters;
      if (counters !== undefined) counters.buckets = counters.buckets.filter((b) => b.bucket !== "2025-03");
    });

    expect(usage.units.api_requests_month).toBe(0);
  });
});

describe("Function: buildUsage — the term's requests", () => {
  it("adds up the term's months inside the window, both ends included, and never the UNKNOWN bucket", () => {
    // Term 2024-06..2024-12, over before the as-of month: 210,000 + 198,000 + 250,250 + 305,000 +
    // 290,000 + 350,000 + 410,000 = 2,013,250.
    const usage = usageOf(() => {}, { contract: contractOver({ start: "2024-06", end: "2024-12" }) });

    expect(usage.units.api_requests_term).toBe(2_013_250);
    expect(usage.notes).toStrictEqual([NO_AI_NOTE]);
  });

  it("counts the as-of month itself when the term starts in it", () => {
    const usage = usageOf(() => {}, { contract: contractOver({ start: "2025-03", end: "2026-02" }) });

    expect(usage.units.api_requests_term).toBe(512_345); // 2025-03 only
    expect(usage.notes).toStrictEqual([NO_AI_NOTE]);
  });

  it("counts nothing yet when the term starts after the reporting month, and says so", () => {
    const usage = usageOf(() => {}, { contract: contractOver({ start: "2025-04", end: "2026-03" }) });

    expect(usage.units.api_requests_term).toBe(0);
    expect(usage.notes).toStrictEqual([
      "The reporting month is before the contract term (2025-04): no term requests yet.",
      NO_AI_NOTE,
    ]);
  });

  it("says which months before the window are not counted when nothing was read apart", () => {
    // Term from 2024-01: the window starts 2024-04, so 2024-01..2024-03 are outside the report.
    const usage = usageOf(() => {}, { contract: contractOver({ start: "2024-01", end: "2024-12" }) });

    // The term ended 2024-12: 120,000 + 180,500 + 2,013,250 (2024-06..12) = 2,313,750.
    expect(usage.units.api_requests_term).toBe(2_313_750);
    expect(usage.notes).toStrictEqual([
      "The term starts before the report's 12-month window: its months 2024-01 to 2024-03 are not counted in api_requests_term.",
      NO_AI_NOTE,
    ]);
  });

  it("adds the months read apart from the report, and says where they came from", () => {
    const usage = usageOf(() => {}, {
      contract: contractOver({ start: "2024-01", end: "2024-12" }),
      requestsBeforeWindow: 1_000,
    });

    expect(usage.units.api_requests_term).toBe(2_314_750); // 2,313,750 in the window + 1,000 before it
    expect(usage.notes[0]).toBe(
      "The term starts before the report's 12-month window: its months 2024-01 to 2024-03 were read from license_data apart from the report.",
    );
  });

  it("says nothing about earlier months when the term starts on the window's first month", () => {
    const usage = usageOf(() => {}, { contract: contractOver({ start: "2024-04", end: "2025-03" }) });

    // Every bucket of the window: 2,313,750 (2024-04..12) + 395,000 + 460,000 + 512,345 = 3,681,095
    // (the UNKNOWN bucket's 4,321 left out).
    expect(usage.units.api_requests_term).toBe(3_681_095);
    expect(usage.notes).toStrictEqual([NO_AI_NOTE]);
  });

  it("holds the units against the contract and forecasts from this report alone", () => {
    const usage = usageOf(() => {}, {
      contract: {
        name: "ACME",
        term: { start: "2025-01", end: "2025-12" },
        limits: { gateway_services: 15 },
        warn_at_percent: 80,
      },
    });

    // 12 of 15: 80 %, and 12 × 100 ≥ 80 × 15 → warn.
    expect(usage.contract?.lines).toStrictEqual([
      { unit: "gateway_services", limit: 15, used: 12, percent: 80, status: "warn" },
    ]);
    expect(usage.forecast).toStrictEqual([
      {
        unit: "gateway_services",
        at_term_end: null,
        crosses_limit: null,
        months: 1,
        basis: "1 month(s) with a high-water mark in the term (2025-03): a forecast needs at least 3.",
      },
    ]);
  });
});

describe("Function: buildUsage — the license beside the database", () => {
  it("shows the entitlements, the connected data planes and the RBAC users, without a verdict", () => {
    const usage = usageOf(() => {}, { connectedDataPlanes: 7 });

    expect(usage.license).toStrictEqual({
      expires: "2026-01-31",
      // 2025-04-01 → 2026-01-01: 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 275 days; + 30 to the 31st.
      days_to_expiry: 305,
      customer: "Example Corp",
      product_subscription: "Kong Enterprise Edition",
      support_plan: "Platinum",
      dataplanes: { licensed: 5, connected: 7 }, // 7 connected for 5 licensed: shown, not judged
      admin_seats: { licensed: 3, rbac_users: 2 },
    });
  });

  it("says there is no RBAC users table when the report has no rbac_users", () => {
    const usage = usageOf((collected) => {
      delete collected.report.rbac_users;
    });

    expect(usage.license.admin_seats).toStrictEqual({ licensed: 3, rbac_users: null });
  });
});

describe("Function: daysToExpiry", () => {
  const reportWith = (date: string | null | undefined, timeZone = "UTC"): LicenseReport => {
    const { report } = sampleMarch();
    const { license_expiration_date: _sample, ...license } = report.license;
    return {
      ...report,
      license: date === undefined ? license : { ...license, license_expiration_date: date },
      collector: { ...report.collector, time_zone: timeZone },
    };
  };

  it("counts negative days once the license has expired", () => {
    // 2025-03-02 is 30 days before 2025-04-01 (March has 31 days).
    expect(daysToExpiry(reportWith("2025-03-02"))).toStrictEqual({ expires: "2025-03-02", days: -30 });
  });

  it("reads Kong's unpadded UNLICENSED date and a date with spaces around it", () => {
    expect(daysToExpiry(reportWith("2025-4-1"))).toStrictEqual({ expires: "2025-04-01", days: 0 });
    expect(daysToExpiry(reportWith(" 2025-04-11 "))).toStrictEqual({ expires: "2025-04-11", days: 10 });
  });

  it("counts from the report's date in its time zone", () => {
    // 2025-04-01 00:00 UTC is 2025-03-31 20:00 in New York (EDT): 30 days to 2025-04-30, not 29.
    expect(daysToExpiry(reportWith("2025-04-30", "America/New_York")).days).toBe(30);
    expect(daysToExpiry(reportWith("2025-04-30")).days).toBe(29);
  });

  it.each([
    ["2025-02-30", "a day February does not have"],
    ["2025-13-01", "a month that does not exist"],
    ["next year", "not a date"],
    ["2025-04-01T00:00:00Z", "a time, not a calendar date"],
    [null, "JSON null"],
    [undefined, "no expiration date"],
  ])("gives no expiry for %j (%s)", (date, _reason) => {
    expect(daysToExpiry(reportWith(date))).toStrictEqual({ expires: null, days: null });
  });
});

describe("Function: termMonthsBeforeWindow", () => {
  const contract = (start: string, end: string): Contract => ({
    name: "C",
    term: { start, end },
    limits: {},
    warn_at_percent: 80,
  });

  // As-of 2025-03: the window starts 2024-04, so the months before it end 2024-03.
  it("gives the term's months before the window, up to the month before it", () => {
    expect(termMonthsBeforeWindow(contract("2024-01", "2025-12"), "2025-03")).toStrictEqual({
      start: { year: 2024, month: 1 },
      end: { year: 2024, month: 3 },
    });
  });

  it("stops at the term's end when the term ended before the window", () => {
    expect(termMonthsBeforeWindow(contract("2023-01", "2023-06"), "2025-03")).toStrictEqual({
      start: { year: 2023, month: 1 },
      end: { year: 2023, month: 6 },
    });
  });

  it("gives the one month just before the window", () => {
    expect(termMonthsBeforeWindow(contract("2024-03", "2025-02"), "2025-03")).toStrictEqual({
      start: { year: 2024, month: 3 },
      end: { year: 2024, month: 3 },
    });
  });

  it("gives nothing when the term starts inside the window, after it, or there is no term", () => {
    expect(termMonthsBeforeWindow(contract("2024-04", "2025-03"), "2025-03")).toBeUndefined();
    expect(termMonthsBeforeWindow(contract("2026-01", "2026-12"), "2025-03")).toBeUndefined();
    expect(termMonthsBeforeWindow({ name: "C", limits: {}, warn_at_percent: 80 }, "2025-03")).toBeUndefined();
    expect(termMonthsBeforeWindow(undefined, "2025-03")).toBeUndefined();
  });
});

describe("Function: buildEstateUsage", () => {
  // Two environments' buckets summed by the estate; the as-of month 2025-03, the window 2024-04..2025-03.
  const BUCKETS = [
    { bucket: "2024-03", request_count: 1 }, // before the window: never counted
    { bucket: "2024-04", request_count: 10 },
    { bucket: "2024-12", request_count: 100 },
    { bucket: "2025-02", request_count: 1_000 },
    { bucket: "2025-03", request_count: 10_000 },
    { bucket: "UNKNOWN", request_count: 100_000 },
  ];
  /** `buckets` null: no environment keeps counters. */
  const estate = (contract: Contract, buckets: typeof BUCKETS | null = BUCKETS, ai: number | null = 4) =>
    buildEstateUsage({
      asOf: "2025-03",
      services: 30,
      discreteServices: 12,
      ...(buckets === null ? {} : { buckets }),
      aiModelHoursMonth: ai,
      contract,
    });
  const withTerm = (start: string, end: string): Contract => ({
    name: "Estate",
    term: { start, end },
    limits: { api_requests_per_term: 20_000 },
    warn_at_percent: 80,
  });

  it("adds up the term's months of the estate's buckets, the UNKNOWN bucket never", () => {
    // 2024-04..2024-12: 10 + 100 = 110 (the term ended before the as-of month).
    const usage = estate(withTerm("2024-04", "2024-12"));

    expect(usage.units).toStrictEqual({
      gateway_services: 30,
      discrete_services: 12,
      api_requests_month: 10_000,
      api_requests_term: 110,
      ai_model_hours_month: 4,
    });
    expect(usage.notes).toStrictEqual(["No forecast for an estate: it keeps no stored history."]);
    expect(usage.forecast).toStrictEqual([]);
  });

  it("says the term's months before the window are not counted", () => {
    // 2024-04..2025-03: 10 + 100 + 1,000 + 10,000 = 11,110; 2024-01..2024-03 are outside the window.
    const usage = estate(withTerm("2024-01", "2025-12"));

    expect(usage.units.api_requests_term).toBe(11_110);
    expect(usage.contract?.lines).toStrictEqual([
      // 11,110 × 100 = 1,111,000 < 80 × 20,000 = 1,600,000: ok
      { unit: "api_requests_per_term", limit: 20_000, used: 11_110, percent: 55.6, status: "ok" },
    ]);
    expect(usage.notes[0]).toBe(
      "The term starts before the estate's 12-month window: its months 2024-01 to 2024-03 are not counted in api_requests_term.",
    );
  });

  it("counts 0 term requests before the term starts", () => {
    expect(estate(withTerm("2025-04", "2026-03")).units.api_requests_term).toBe(0);
  });

  it("measures no requests when no environment keeps counters, and says how to get model-hours", () => {
    const usage = estate(withTerm("2025-01", "2025-12"), null, null);

    expect(usage.units.api_requests_month).toBeNull();
    expect(usage.units.api_requests_term).toBeNull();
    expect(usage.units.ai_model_hours_month).toBeNull();
    expect(usage.notes).toStrictEqual([
      "AI model-hours are summed from the environments' details: collect them with --include-details.",
      "No forecast for an estate: it keeps no stored history.",
    ]);
  });

  it("measures no term without a term", () => {
    const usage = estate({ name: "E", limits: { gateway_services: 40 }, warn_at_percent: 80 });

    expect(usage.units.api_requests_term).toBeNull();
    expect(usage.contract?.term).toBeNull();
  });
});
