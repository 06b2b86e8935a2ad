import { describe, expect, it } from "vitest";
import { observeReport } from "#lib/usage/observations.ts";

// observeReport reads stored reports of any version of this tool as plain JSON: what it cannot read is
// left out, never guessed.

describe("Function: observeReport", () => {
  it("reads the month, the services, the requests per month and the model-hours per month", () => {
    const observation = observeReport(
      {
        collector: { as_of: "2026-03" },
        services_count: 12,
        counters: {
          total_requests: 1_234,
          buckets: [
            { bucket: "2026-02", request_count: 1_000 },
            { bucket: "2026-03", request_count: 200 },
            { bucket: "UNKNOWN", request_count: 34 }, // counts without a month: no month to file them under
          ],
        },
      },
      {
        discrete_services: { count: 8 },
        ai_gateway: { by_month: [{ month: "2026-03", model_hours: 5 }] },
      },
    );

    expect(observation).toStrictEqual({
      asOf: "2026-03",
      gatewayServices: 12,
      discreteServices: 8,
      requests: new Map([
        ["2026-02", 1_000],
        ["2026-03", 200],
      ]),
      aiModelHours: new Map([["2026-03", 5]]),
    });
  });

  it("reads a report without details, counters or a reporting month as knowing none of them", () => {
    expect(observeReport({ services_count: 3 })).toStrictEqual({
      asOf: undefined,
      gatewayServices: 3,
      discreteServices: null,
      requests: null,
      aiModelHours: null,
    });
    expect(observeReport({ collector: { as_of: 202603 }, services_count: "3" }, {})).toStrictEqual({
      asOf: undefined,
      gatewayServices: null,
      discreteServices: null,
      requests: null,
      aiModelHours: null,
    });
  });

  it("leaves out every entry it cannot read, and reads the rest", () => {
    const observation = observeReport(
      {
        collector: { as_of: "2026-03" },
        services_count: -1, // not a count
        counters: {
          buckets: [
            null,
            ["2026-01", 5],
            { bucket: "2026-1", request_count: 5 }, // not YYYY-MM
            { bucket: "2026-02", request_count: -5 },
            { bucket: "2026-02", request_count: 1.5 },
            { bucket: "2026-02", request_count: "5" },
            { bucket: "2026-03", request_count: 7 },
          ],
        },
      },
      { discrete_services: [8], ai_gateway: { by_month: "none" } },
    );

    expect(observation).toStrictEqual({
      asOf: "2026-03",
      gatewayServices: null,
      discreteServices: null,
      requests: new Map([["2026-03", 7]]),
      // The AI counter is there, its months unreadable: no month has model-hours.
      aiModelHours: new Map(),
    });
  });
});
