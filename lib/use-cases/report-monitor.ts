import type { ClusterIdentity } from "../history/cluster.ts";
import type { ReportTrigger } from "../history/report-key.ts";
import type { Logger } from "../log.ts";
import type { CollectedReport } from "../report/types.ts";

/** What a report run tells its monitors: the report, where it is, and whether this run stored it. */
export interface ReportObservation {
  readonly collected: CollectedReport;
  readonly cluster: ClusterIdentity;
  readonly trigger: ReportTrigger;
  readonly bucket: string;
  readonly key: string;
  /** False when a retried schedule found this month's report already stored and wrote nothing. */
  readonly stored: boolean;
}

/**
 * A port told about every collected report: metrics (CloudWatch embedded metric format), an
 * EventBridge event per stored report, or the CLI's contract check. A monitor never stops a report:
 * its failure is logged.
 */
export interface ReportMonitor {
  observe(
    observation: ReportObservation,
    options: { readonly signal?: AbortSignal; readonly logger: Logger },
  ): Promise<void>;
}

/** Tells every monitor, one after the other; a failing one is a warning and the next still runs. */
export async function notifyMonitors(
  monitors: readonly ReportMonitor[],
  observation: ReportObservation,
  options: { readonly signal?: AbortSignal; readonly logger: Logger },
): Promise<void> {
  for (const monitor of monitors) {
    try {
      await monitor.observe(observation, options);
    } catch (error) {
      options.logger.warn("report monitor failed", { error, key: observation.key });
    }
  }
}
