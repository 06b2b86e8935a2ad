import type { ReportConfig } from "../config.ts";
import type { ReportPorts } from "../generate-report.ts";
import { createPgSqlPort } from "../sql/pg-sql-port.ts";
import { createRdsDataClient } from "./clients.ts";
import { createRdsDataSqlPort, type RdsDataRetryOptions } from "./rds-data-sql-port.ts";
import { createS3Client, createS3ReportStore } from "./s3-report-store.ts";

export type ReportRuntime = ReportPorts;

export interface ReportRuntimeOptions {
  /** Backoff of the Data API port (resuming cluster, throttling); its defaults suit Lambda. */
  readonly dataApiRetry?: RdsDataRetryOptions;
}

/** Builds the database port and the S3 report store from configuration (once per Lambda container). */
export function createReportRuntime(config: ReportConfig, options: ReportRuntimeOptions = {}): ReportRuntime {
  const { database } = config;
  const sql =
    database.kind === "data-api"
      ? createRdsDataSqlPort({
          client: createRdsDataClient(database.endpoint === undefined ? {} : { endpoint: database.endpoint }),
          resourceArn: database.resourceArn,
          secretArn: database.secretArn,
          database: database.database,
          ownsClient: true,
          ...(options.dataApiRetry === undefined ? {} : { retry: options.dataApiRetry }),
        })
      : createPgSqlPort({ connectionString: database.url });
  const store = createS3ReportStore({
    client: createS3Client(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    bucket: config.bucket,
    ...(config.kmsKeyId === undefined ? {} : { kmsKeyId: config.kmsKeyId }),
  });
  return { sql, store };
}
