import type { DatabaseSource } from "../sql/database-source.ts";
import { readDatabaseConfig } from "./database.ts";
import { type MonitoringConfig, readMonitoringConfig } from "./monitoring.ts";
import { type KongNodeConfig, readKongNode } from "./node.ts";
import type { Env } from "./read-env.ts";
import { readSigningConfig, type SigningConfig } from "./signing.ts";
import { readStorageConfig, type StorageConfig } from "./storage.ts";

/**
 * The report functions' configuration, read from the environment once per container and validated.
 * Required values have no defaults; every error names the variable and what it accepts.
 * Documented in docs/configuration.md.
 */
export interface ReportConfig extends StorageConfig {
  readonly database: DatabaseSource;
  readonly node: KongNodeConfig;
  /** REPORT_SIGNING_KEY_ID: the KMS key that signs a tar's manifest, when set. */
  readonly signing: SigningConfig;
  /** REPORT_CONTRACT, REPORT_TAG_PREFIX, REPORT_EVENT_BUS (docs/monitoring.md). */
  readonly monitoring: MonitoringConfig;
}

/** Reads and validates everything a report run needs (database, bucket, link lifetime, Kong node facts). */
export function readReportConfig(env: Env): ReportConfig {
  const database = readDatabaseConfig(env);
  return {
    database,
    ...readStorageConfig(env),
    node: readKongNode(env),
    signing: readSigningConfig(env),
    monitoring: readMonitoringConfig(env),
  };
}
