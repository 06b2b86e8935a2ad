import type { ReportConfig } from "../config/report.ts";
import { type ClusterSource, identifyCluster } from "../history/cluster.ts";
import type { ReportTrigger } from "../history/report-key.ts";
import type { Logger } from "../log.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import { generateReport, type LinkDocument, type ReportPorts } from "../use-cases/generate-report.ts";
import type { ReportOptions } from "../use-cases/report-options.ts";

/** The use case as the Lambda triggers call it: their options on top of the configuration. */
export function generateConfiguredReport(
  ports: ReportPorts,
  config: ReportConfig,
  options: ReportOptions,
  run: { readonly signal?: AbortSignal; readonly logger?: Logger; readonly trigger: ReportTrigger },
): Promise<LinkDocument> {
  const cluster = identifyCluster(config.clusterName, toClusterSource(config.database));
  return generateReport({
    ...ports,
    cluster,
    format: options.format,
    details: options.details,
    includeDetails: options.includeDetails,
    collect: {
      timeZone: config.timeZone,
      checksumAlgorithm: config.checksumAlgorithm,
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      ...(config.clusterName === undefined
        ? { clusterSource: cluster.segment }
        : { clusterName: config.clusterName }),
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
