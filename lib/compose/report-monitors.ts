import { createSsmClient } from "../aws/clients.ts";
import { readContractText } from "../aws/contract-source.ts";
import { createEventBridgeClient, putReportEvent, type ReportGeneratedDetail } from "../aws/report-events.ts";
import { createS3Client } from "../aws/s3-report-store.ts";
import { buildUsageMetrics } from "../aws/usage-metrics.ts";
import type { MonitoringConfig } from "../config/monitoring.ts";
import { BadParameterError, ConfigError } from "../errors.ts";
import { clusterLabel } from "../history/list-reports.ts";
import type { Contract } from "../report/usage-types.ts";
import { lazily } from "../shared/lazily.ts";
import { daysToExpiry } from "../usage/build-usage.ts";
import { parseContract } from "../usage/contract.ts";
import { readUsageValues } from "../usage/metric-values.ts";
import type { ReportMonitor, ReportObservation } from "../use-cases/report-monitor.ts";

/** What the report functions add to a run for monitoring: the contract, and who is told about it. */
export interface MonitoringPorts {
  /** Reads REPORT_CONTRACT at each run (an edited contract applies at once); undefined without one. */
  readonly loadContract: (signal?: AbortSignal) => Promise<Contract | undefined>;
  readonly monitors: readonly ReportMonitor[];
  readonly tagPrefix?: string;
}

/**
 * The monitors of the report functions: CloudWatch embedded-metric-format records in the function's
 * own log lines on every run, and a `License Report Generated` event per stored report when
 * REPORT_EVENT_BUS is set.
 */
export function createMonitoringPorts(config: MonitoringConfig, s3Endpoint?: string): MonitoringPorts {
  const s3 = lazily(() => createS3Client(s3Endpoint === undefined ? {} : { endpoint: s3Endpoint }));
  const ssm = lazily(() => createSsmClient());
  const monitors: ReportMonitor[] = [metricsMonitor()];
  if (config.eventBus !== undefined) monitors.push(eventsMonitor(config.eventBus));
  return {
    monitors,
    ...(config.tagPrefix === undefined ? {} : { tagPrefix: config.tagPrefix }),
    loadContract: async (signal) => {
      if (config.contract === undefined) return undefined;
      const text = await readContractText(
        config.contract,
        { s3, ssm },
        signal === undefined ? {} : { signal },
      );
      try {
        return parseContract(text, "REPORT_CONTRACT");
      } catch (error) {
        if (error instanceof BadParameterError) throw new ConfigError("REPORT_CONTRACT", error.message);
        throw error;
      }
    },
  };
}

/** One record per log line, through the invocation's logger: CloudWatch extracts the metrics from them. */
function metricsMonitor(): ReportMonitor {
  return {
    async observe({ collected, cluster }, { logger }) {
      const records = buildUsageMetrics(
        readUsageValues(collected),
        cluster.name ?? cluster.segment,
        new Date(collected.details.generated_at),
        logger,
      );
      for (const record of records) logger.info("usage metrics", record);
    },
  };
}

function eventsMonitor(eventBus: string): ReportMonitor {
  const client = lazily(() => createEventBridgeClient());
  return {
    async observe(observation, { signal, logger }) {
      if (!observation.stored) return;
      await putReportEvent(
        client(),
        eventBus,
        describeEvent(observation),
        signal === undefined ? {} : { signal },
      );
      logger.info("report event sent", { event_bus: eventBus, key: observation.key });
    },
  };
}

/** The event's detail: the cluster, the month, where the report is, its checksum, units and contract statuses. */
function describeEvent({
  collected,
  cluster,
  bucket,
  key,
  trigger,
}: ReportObservation): ReportGeneratedDetail {
  const { report, details } = collected;
  const usage = details.usage;
  const expiry = daysToExpiry(report);
  return {
    cluster: cluster.name ?? clusterLabel(cluster.segment) ?? null,
    cluster_segment: cluster.segment,
    as_of: report.collector.as_of,
    bucket,
    key,
    checksum: report.checksum,
    generated_at: details.generated_at,
    trigger,
    units: usage === undefined ? null : { ...usage.units },
    license: { expires: expiry.expires, days_to_expiry: expiry.days },
    contract:
      usage === undefined || usage.contract === null
        ? null
        : {
            name: usage.contract.name,
            lines: usage.contract.lines.map((line) => ({
              unit: line.unit,
              status: line.status,
              percent: line.percent,
            })),
          },
  };
}
