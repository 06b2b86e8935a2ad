import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Logger } from "../log.ts";
import type { UsageValues } from "../usage/metric-values.ts";

/** CloudWatch namespace of the usage metrics; the alarms in infra/monitoring.yml query it. */
export const METRICS_NAMESPACE = "KongLicenseReport";

/** The contract limit each ContractPercent record names in its `Unit` dimension. */
type MetricRecord = Readonly<Record<string, unknown>>;

/**
 * CloudWatch embedded-metric-format records of one report's usage, built by Powertools for AWS
 * Lambda's Metrics (it validates names, units and the EMF limits, and writes the `_aws` directive):
 * one record with dimension Cluster (GatewayServices, DiscreteServices, ApiRequestsMonth,
 * AiModelHoursMonth, DaysToLicenseExpiry, ContractLinesAtWarnOrOver), then one per contract line with
 * dimensions Cluster and Unit (ContractPercent). A unit the database cannot measure is left out,
 * never sent as 0.
 */
export function buildUsageMetrics(
  usage: UsageValues,
  cluster: string,
  timestamp: Date,
  logger: Logger,
): MetricRecord[] {
  const create = (dimensions: Record<string, string>) => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, logger: powertoolsLogger(logger) });
    // Powertools adds a `service` dimension by default: the alarms group by Cluster only.
    metrics.clearDefaultDimensions();
    for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
    metrics.setTimestamp(timestamp);
    return metrics;
  };
  const totals = create({ Cluster: cluster });
  const { contract } = usage;
  totals.addMetric("GatewayServices", MetricUnit.Count, usage.gatewayServices);
  const optional: Array<[string, number | null]> = [
    ["DiscreteServices", usage.discreteServices],
    ["ApiRequestsMonth", usage.apiRequestsMonth],
    ["AiModelHoursMonth", usage.aiModelHoursMonth],
    ["DaysToLicenseExpiry", usage.daysToLicenseExpiry],
  ];
  for (const [name, value] of optional) {
    if (value !== null) totals.addMetric(name, MetricUnit.Count, value);
  }
  if (contract !== null) {
    const reached = contract.lines.filter((line) => line.status === "warn" || line.status === "over");
    totals.addMetric("ContractLinesAtWarnOrOver", MetricUnit.Count, reached.length);
  }
  const records: MetricRecord[] = [totals.serializeMetrics()];
  for (const line of contract?.lines ?? []) {
    if (line.percent === null) continue;
    const perLine = create({ Cluster: cluster, Unit: line.unit });
    perLine.addMetric("ContractPercent", MetricUnit.Percent, line.percent);
    records.push(perLine.serializeMetrics());
  }
  return records;
}

/** Powertools' own warnings (a dimension it drops, say) go to the invocation's logger. */
function powertoolsLogger(logger: Logger) {
  const warn = (...args: unknown[]) => logger.warn("metrics", { detail: args.map(String).join(" ") });
  const debug = (...args: unknown[]) => logger.debug("metrics", { detail: args.map(String).join(" ") });
  return { warn, error: warn, info: debug, debug, trace: debug };
}
