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
    // used: the term's requests so far, 300 + 400 + 500 + 600 + 50
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
    });
    expect(over?.crosses_limit).toBe("2026-05");
    expect(
      forecastUsage({
        contract: { ...CONTRACT, term: null },
        asOf: "2026-05",
        generatedMonth: "2026-05",
        observations: OBSERVATIONS,
      }),
    ).toStrictEqual([]);
  });
});

/** A contract of a term with these lines (status and percent do not matter to the forecast). */
function contractOf(
  term: { start: string; end: string },
  lines: Array<{ unit: UsageContract["lines"][number]["unit"]; limit: number; used: number | null }>,
): UsageContract {
  return {
    name: "C",
    term,
    warn_at_percent: 80,
    lines: lines.map((line) => ({ ...line, percent: null, status: "ok" })),
  };
}

describe("forecastUsage: how many months", () => {
  const services = (values: Array<[string, number]>) => values.map(([month, n]) => observation(month, n));

  it("says there is no month in the term yet when the term starts after the reports", () => {
    const [entry] = forecastUsage({
      contract: contractOf({ start: "2026-06", end: "2027-05" }, [
        { unit: "gateway_services", limit: 25, used: 10 },
      ]),
      asOf: "2026-05",
      generatedMonth: "2026-05",
      observations: services([
        ["2026-05", 10],
        ["2026-04", 9],
        ["2026-03", 8],
      ]),
    });

    expect(entry).toStrictEqual({
      unit: "gateway_services",
      at_term_end: null,
      crosses_limit: null,
      months: 0,
      basis: "0 month(s) with a high-water mark in the term: a forecast needs at least 3.",
    });
  });

  it("draws no line over two months, and one over three", () => {
    const contract = contractOf({ start: "2026-01", end: "2026-12" }, [
      { unit: "gateway_services", limit: 25, used: 10 },
    ]);
    const input = { contract, asOf: "2026-03", generatedMonth: "2026-03" };

    const [two] = forecastUsage({
      ...input,
      observations: services([
        ["2026-03", 10],
        ["2026-02", 10],
      ]),
    });
    // Flat at 10: 10 at the term's end, never above 25.
    const [three] = forecastUsage({
      ...input,
      observations: services([
        ["2026-03", 10],
        ["2026-02", 10],
        ["2026-01", 10],
      ]),
    });

    expect(two).toMatchObject({
      at_term_end: null,
      months: 2,
      basis: "2 month(s) with a high-water mark in the term (2026-02, 2026-03): a forecast needs at least 3.",
    });
    expect(three).toStrictEqual({
      unit: "gateway_services",
      at_term_end: 10,
      crosses_limit: null,
      months: 3,
      basis:
        "An estimate: least-squares line over the monthly high-water marks of 3 months (2026-01 to 2026-03) of this cluster's reports, projected to 2026-12.",
    });
  });

  it("leaves out reports without a reporting month, and reports without counters for requests", () => {
    const [gateway, monthly] = forecastUsage({
      contract: contractOf({ start: "2026-01", end: "2026-12" }, [
        { unit: "gateway_services", limit: 25, used: 10 },
        { unit: "api_requests_per_month", limit: 1000, used: 30 },
      ]),
      asOf: "2026-03",
      generatedMonth: "2026-03",
      observations: [
        observation("2026-03", 10, { "2026-03": 30 }),
        // A stored report of an older version: no collector.as_of, so no month to file it under.
        {
          asOf: undefined,
          gatewayServices: 99,
          discreteServices: null,
          requests: new Map([["2026-01", 5]]),
          aiModelHours: null,
        },
        observation("2026-02", 10), // no counters: nothing about requests
      ],
    });

    expect(gateway?.months).toBe(2); // 2026-02 and 2026-03, not the report without a month
    // Requests: only this report's window, whose complete months in the term are 2026-01 and 2026-02
    // (no bucket: Kong counted nothing), 2026-03 still counting.
    expect(monthly?.months).toBe(2);
    expect(monthly?.basis).toBe(
      "2 month(s) with a high-water mark in the term (2026-01, 2026-02): a forecast needs at least 3.",
    );
  });
});

describe("forecastUsage: levels (services, requests and model-hours per month)", () => {
  it("ends a falling line at 0, never below, and a month above the limit before the as-of month is past", () => {
    // 30, 20, 10 in 2026-01..03: slope −10, f(Mar) = 10; f(Dec) = 10 − 90 = −80 → 0.
    const [entry] = forecastUsage({
      contract: contractOf({ start: "2026-01", end: "2026-12" }, [
        { unit: "gateway_services", limit: 25, used: 10 },
      ]),
      asOf: "2026-03",
      generatedMonth: "2026-03",
      observations: [observation("2026-03", 10), observation("2026-02", 20), observation("2026-01", 30)],
    });

    expect(entry).toMatchObject({ at_term_end: 0, crosses_limit: null, months: 3 });
  });

  it("crosses in the first month the line is above the limit, not at it", () => {
    // 10, 15, 20 in 2026-01..03: slope 5; Apr 25 (at the limit, not above), May 30 > 25 → 2026-05.
    // Dec: 20 + 9 × 5 = 65.
    const [entry] = forecastUsage({
      contract: contractOf({ start: "2026-01", end: "2026-12" }, [
        { unit: "discrete_services", limit: 25, used: 20 },
      ]),
      asOf: "2026-03",
      generatedMonth: "2026-03",
      observations: [
        observation("2026-03", null, null, 20),
        observation("2026-02", null, null, 15),
        observation("2026-01", null, null, 10),
      ],
    });

    expect(entry).toMatchObject({ at_term_end: 65, crosses_limit: "2026-05", months: 3 });
  });

  it("draws nothing past a term that ended before the reporting month", () => {
    // Term 2026-01..03; the report is of 2026-04. Requests Jan 100, Feb 200, Mar 300 (slope 100):
    // the line's value at the term's end (Mar) is 300, and no month from April is in the term.
    const [monthly, term] = forecastUsage({
      contract: contractOf({ start: "2026-01", end: "2026-03" }, [
        { unit: "api_requests_per_month", limit: 250, used: 40 },
        { unit: "api_requests_per_term", limit: 1000, used: 600 }, // Jan..Mar: 100 + 200 + 300
      ]),
      asOf: "2026-04",
      generatedMonth: "2026-04",
      observations: [
        observation("2026-04", 4, { "2026-01": 100, "2026-02": 200, "2026-03": 300, "2026-04": 40 }),
      ],
    });

    expect(monthly).toMatchObject({ at_term_end: 300, crosses_limit: null, months: 3 });
    // Nothing added: April is after the term.
    expect(term).toMatchObject({ at_term_end: 600, crosses_limit: null, months: 3 });
  });
});

describe("forecastUsage: the term's requests", () => {
  // Term 2026-01..06; requests Jan 100, Feb 200, Mar 300 (complete months): slope 100, so the line
  // says Apr 400, May 500, Jun 600.
  const TERM = { start: "2026-01", end: "2026-06" };
  const COMPLETE = { "2026-01": 100, "2026-02": 200, "2026-03": 300 };
  const forecastTerm = (limit: number, used: number, april: number | undefined) =>
    forecastUsage({
      contract: contractOf(TERM, [{ unit: "api_requests_per_term", limit, used }]),
      asOf: "2026-04",
      generatedMonth: "2026-04", // April is still counting
      observations: [
        observation("2026-04", 4, april === undefined ? COMPLETE : { ...COMPLETE, "2026-04": april }),
      ],
    })[0];

  it("replaces April's count so far by the line's April, and is not over at exactly the limit", () => {
    // 640 counted (100 + 200 + 300 + 40), + (400 − 40) for the rest of April = 1,000: at the limit,
    // not above it. May → 1,500 > 1,000 → 2026-05; Jun → 2,100.
    expect(forecastTerm(1000, 640, 40)).toMatchObject({
      at_term_end: 2100,
      crosses_limit: "2026-05",
      months: 3,
    });
  });

  it("adds the line's whole April when Kong has no April row yet", () => {
    // 600 counted + 400 for April = 1,000; then 1,500 and 2,100, as above.
    expect(forecastTerm(1000, 600, undefined)).toMatchObject({ at_term_end: 2100, crosses_limit: "2026-05" });
  });

  it("says the reporting month when the term is already over its limit in it", () => {
    // 640 + 360 = 1,000 > 600 in April.
    expect(forecastTerm(600, 640, 40)).toMatchObject({ at_term_end: 2100, crosses_limit: "2026-04" });
  });

  it("counts April as done when the report was made after it", () => {
    // Made in May: Jan 100, Feb 200, Mar 300, Apr 350 are all complete. x = 0..3, mean 1.5; mean y
    // 237.5; Sxy = 206.25 + 18.75 + 31.25 + 168.75 = 425, Sxx = 5: slope 85. The line's April
    // (365) is not added to April's 350: 950 counted, May 237.5 + 85 × 2.5 = 450 → 1,400 > 1,000 →
    // 2026-05; Jun 535 → 1,935.
    const [monthly, term] = forecastUsage({
      contract: contractOf(TERM, [
        { unit: "api_requests_per_month", limit: 400, used: 350 },
        { unit: "api_requests_per_term", limit: 1000, used: 950 },
      ]),
      asOf: "2026-04",
      generatedMonth: "2026-05",
      observations: [observation("2026-04", 4, { ...COMPLETE, "2026-04": 350 })],
    });

    expect(term).toMatchObject({ at_term_end: 1935, crosses_limit: "2026-05", months: 4 });
    // April: max(350, 365) ≤ 400; May 450 > 400 → 2026-05; Jun 535.
    expect(monthly).toMatchObject({ at_term_end: 535, crosses_limit: "2026-05", months: 4 });
  });
});
