import { createDatabaseSecretReader } from "../aws/database-secret.ts";
import type { RdsDataRetryOptions } from "../aws/rds-data-sql-port.ts";
import { createS3Client, createS3ReportStore } from "../aws/s3-report-store.ts";
import type { ReportConfig } from "../config/report.ts";
import type { ListingConfig } from "../config/storage.ts";
import type { ReportStore } from "../store/report-store.ts";
import type { ReportPorts } from "../use-cases/generate-report.ts";
import { createConfiguredSigner } from "./configured-signer.ts";
import { openDatabasePort } from "./open-database-port.ts";
import { createMonitoringPorts, type MonitoringPorts } from "./report-monitors.ts";

/** The ports of a report run; the monitoring ports are optional so a test can pass a database and a store only. */
export type ReportRuntime = ReportPorts & Partial<MonitoringPorts>;

export interface ReportRuntimeOptions {
  /** Backoff of the Data API port (resuming cluster, throttling); its defaults suit Lambda. */
  readonly dataApiRetry?: RdsDataRetryOptions;
  /** Clock that signs the download links (tests move it instead of waiting for expiry). */
  readonly now?: () => Date;
}

/** Builds the database port and the S3 report store from configuration (once per Lambda container). */
export function createReportRuntime(config: ReportConfig, options: ReportRuntimeOptions = {}): ReportRuntime {
  // One container, one runtime: a direct connection's secret is read once and kept here.
  const sql = openDatabasePort(config.database, {
    secrets: createDatabaseSecretReader(),
    ...(options.dataApiRetry === undefined ? {} : { dataApiRetry: options.dataApiRetry }),
  });
  const store = createS3ReportStore({
    client: createS3Client(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    bucket: config.bucket,
    ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const monitoring = createMonitoringPorts(config.monitoring, config.s3Endpoint);
  const signer = createConfiguredSigner(config.signing);
  return { sql, store, ...monitoring, ...(signer === undefined ? {} : { signer }) };
}

/** The listing function's store: the bucket only (it presigns and lists, never writes). */
export function createListingStore(config: ListingConfig): ReportStore {
  return createS3ReportStore({
    client: createS3Client(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    bucket: config.bucket,
  });
}
