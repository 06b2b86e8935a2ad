import { createAssumedRoleCredentials, createRdsDataClient } from "../aws/clients.ts";
import { createDatabaseSecretReader, type DatabaseSecretReader } from "../aws/database-secret.ts";
import { createRdsDataSqlPort, type RdsDataRetryOptions } from "../aws/rds-data-sql-port.ts";
import { regionOfArn } from "../aws/region-of-arn.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import { describeTarget } from "../sql/describe-target.ts";
import type { PgSqlPortOptions } from "../sql/pg-sql-port.ts";
import type { SqlPort } from "../sql/port.ts";
import { dataApiSettingNames, urlAdvice } from "./database-advice.ts";
import { describeDirectPostgres, openDirectPostgresPort } from "./direct-postgres.ts";

export interface DatabasePortOptions {
  /** Backoff of the Data API port (resuming cluster, throttling). */
  readonly dataApiRetry?: RdsDataRetryOptions;
  /**
   * Reads database secrets once per container: a runtime passes one reader to all its ports.
   * Default: a reader of this port's own.
   */
  readonly secrets?: DatabaseSecretReader;
}

/** Opens the SQL port of a configured database; the port owns (and closes) the clients it creates. */
export function openDatabasePort(database: DatabaseSource, options: DatabasePortOptions = {}): SqlPort {
  if (database.kind === "postgres") {
    return openPgSqlPortLazily({
      connectionString: database.url,
      advice: urlAdvice(database.settings),
      ...(database.schema === undefined ? {} : { searchPath: database.schema }),
      ...(database.statementTimeoutMs === undefined
        ? {}
        : { statementTimeoutMs: database.statementTimeoutMs }),
      ...(database.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: database.lockTimeoutMs }),
    });
  }
  if (database.kind === "postgres-secret" || database.kind === "postgres-iam") {
    return openDirectPostgresPort(database, options.secrets ?? createDatabaseSecretReader());
  }
  // The cluster ARN names its region; AWS_REGION is only needed when the ARN cannot tell.
  const region = database.region ?? process.env.AWS_REGION ?? regionOfArn(database.resourceArn);
  return createRdsDataSqlPort({
    client: createRdsDataClient({
      ...(database.endpoint === undefined ? {} : { endpoint: database.endpoint }),
      ...(region === undefined ? {} : { region }),
      // Another account's cluster: its role, assumed through STS (cross-account estates).
      ...(database.roleArn === undefined
        ? {}
        : {
            credentials: createAssumedRoleCredentials({
              roleArn: database.roleArn,
              ...(database.externalId === undefined ? {} : { externalId: database.externalId }),
              ...(region === undefined ? {} : { region }),
            }),
          }),
    }),
    resourceArn: database.resourceArn,
    secretArn: database.secretArn,
    database: database.database,
    settings: dataApiSettingNames(database.settings),
    ownsClient: true,
    ...(options.dataApiRetry === undefined ? {} : { retry: options.dataApiRetry }),
  });
}

/**
 * A pg port whose driver is imported on the first query: a Lambda configured for the Data API never
 * loads pg (its cold start stays short), and the bundles keep pg for a direct URL.
 */
function openPgSqlPortLazily(options: PgSqlPortOptions): SqlPort {
  let opened: Promise<SqlPort> | undefined;
  const open = () => {
    opened ??= import("../sql/pg-sql-port.ts").then(({ createPgSqlPort }) => createPgSqlPort(options));
    return opened;
  };
  return {
    query: async (sql, params, queryOptions) => (await open()).query(sql, params, queryOptions),
    runReadOnly: async (work, queryOptions) => (await open()).runReadOnly(work, queryOptions),
    close: async () => {
      if (opened !== undefined) await (await opened).close();
    },
  };
}

/** Where a report comes from, without secrets (for diagnostics). */
export function describeDatabase(database: DatabaseSource): string {
  if (database.kind === "postgres") return `PostgreSQL ${describeTarget(database.url)}`;
  if (database.kind === "data-api") {
    return `the RDS Data API (${database.resourceArn}, database ${database.database})`;
  }
  return describeDirectPostgres(database);
}
