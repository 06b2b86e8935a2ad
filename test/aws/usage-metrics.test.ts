import { describe, expect, it } from "vitest";
import { buildUsageMetrics } from "#lib/aws/usage-metrics.ts";
import { silentLogger } from "#lib/log.ts";

// docs/monitoring.md: "A unit the database cannot measure is left out, never sent as 0", so an alarm
// on it sees missing data, not a drop.

describe("buildUsageMetrics", () => {
  it("leaves out the units and contract lines the database cannot measure, never sending 0", () => {
    const timestamp = new Date("2026-12-01T10:00:00.000Z");

    const records = buildUsageMetrics(
      {
        gatewayServices: 30,
        discreteServices: null,
        apiRequestsMonth: 1_200_000,
        aiModelHoursMonth: null,
        daysToLicenseExpiry: null,
        contract: {
          name: "Kong Enterprise 2026",
          term: null,
          warn_at_percent: 80,
          lines: [
            { unit: "gateway_services", limit: 25, used: 30, percent: 120, status: "over" },
            { unit: "ai_model_hours_per_month", limit: 100, used: null, percent: null, status: "unknown" },
          ],
        },
      },
      "prod-eu-1",
      timestamp,
      silentLogger,
    );

    // The totals, then one ContractPercent for the measured line only.
    expect(records).toHaveLength(2);
    const [totals, line] = records as Array<Record<string, unknown>>;
    expect(totals).toStrictEqual({
      _aws: {
        Timestamp: timestamp.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: "KongLicenseReport",
            Dimensions: [["Cluster"]],
            Metrics: [
              { Name: "GatewayServices", Unit: "Count" },
              { Name: "ApiRequestsMonth", Unit: "Count" },
              { Name: "ContractLinesAtWarnOrOver", Unit: "Count" },
            ],
          },
        ],
      },
      Cluster: "prod-eu-1",
      GatewayServices: 30,
      ApiRequestsMonth: 1_200_000,
      ContractLinesAtWarnOrOver: 1,
    });
    expect(line).toMatchObject({ Cluster: "prod-eu-1", Unit: "gateway_services", ContractPercent: 120 });
  });
});
