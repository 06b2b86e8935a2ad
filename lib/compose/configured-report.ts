import type { ReportConfig } from "../config/report.ts";
import { type ClusterSource, identifyCluster } from "../history/cluster.ts";
import type { ReportTrigger } from "../history/report-key.ts";
import type { Logger } from "../log.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import { generateReport, type LinkDocument } from "../use-cases/generate-report.ts";
import type { ReportOptions } from "../use-cases/report-options.ts";
import type { ReportRuntime } from "./report-runtime.ts";

/** The use case as the Lambda triggers call it: their options on top of the configuration. */
export async function generateConfiguredReport(
  ports: ReportRuntime,
  config: ReportConfig,
  options: ReportOptions,
  run: { readonly signal?: AbortSignal; readonly logger?: Logger; readonly trigger: ReportTrigger },
): Promise<LinkDocument> {
  const contract = await ports.loadContract?.(run.signal);
  return generateReport({
    sql: ports.sql,
    store: ports.store,
    monitors: ports.monitors ?? [],
    cluster: identifyCluster(config.clusterName, toClusterSource(config.database)),
    format: options.format,
    details: options.details && (ports.tagPrefix === undefined ? true : { tagPrefix: ports.tagPrefix }),
    includeDetails: options.includeDetails,
    collect: {
      timeZone: config.timeZone,
      checksumAlgorithm: config.checksumAlgorithm,
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      ...(config.clusterName === undefined ? {} : { clusterName: config.clusterName }),
      ...(contract === undefined ? {} : { contract }),
      ...config.node,
    },
    prefix: config.prefix,
    urlTtlSeconds: config.urlTtlSeconds,
    ...run,
  });
}

/** The configured database as a cluster source (never its password). */
export function toClusterSource(database: DatabaseSource): ClusterSource {
  return database.kind === "postgres"
    ? { kind: "postgres", url: database.url }
    : { kind: "data-api", resourceArn: database.resourceArn, database: database.database };
}
