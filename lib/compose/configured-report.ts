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
  const cluster = identifyCluster(config.clusterName, toClusterSource(config.database));
  return generateReport({
    sql: ports.sql,
    store: ports.store,
    monitors: ports.monitors ?? [],
    ...(ports.signer === undefined ? {} : { signer: ports.signer }),
    cluster,
    format: options.format,
    details: options.details && (ports.tagPrefix === undefined ? true : { tagPrefix: ports.tagPrefix }),
    includeDetails: options.includeDetails,
    collect: {
      timeZone: config.timeZone,
      checksumAlgorithm: config.checksumAlgorithm,
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
      ...(config.clusterName === undefined
        ? { clusterSource: cluster.segment }
        : { clusterName: config.clusterName }),
      ...(contract === undefined ? {} : { contract }),
      ...config.node,
    },
    prefix: config.prefix,
    urlTtlSeconds: config.urlTtlSeconds,
    ...run,
  });
}

/** The configured database as a cluster source (never its password). */
export function toClusterSource(database: DatabaseSource | { readonly kind: "demo" }): ClusterSource {
  switch (database.kind) {
    case "demo":
      return database;
    case "postgres":
      return { kind: "postgres", url: database.url };
    case "data-api":
      return { kind: "data-api", resourceArn: database.resourceArn, database: database.database };
    case "postgres-iam":
      // The same identity as a URL to the same host, port and database.
      return {
        kind: "postgres",
        url: `postgres://${encodeURIComponent(database.user)}@${database.host}:${database.port}/${database.database}`,
      };
    case "postgres-secret":
      // Its host and database are only known once the secret is read: the secret (with any
      // overrides) identifies the cluster instead, ARN and database as for the Data API. Only a
      // digest of it is kept (the stored reports' key segment).
      return {
        kind: "data-api",
        resourceArn: database.secretArn,
        database: [database.host, database.port, database.database]
          .filter((part) => part !== undefined)
          .join(" "),
      };
  }
}
