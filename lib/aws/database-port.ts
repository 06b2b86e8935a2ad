import type { DatabaseConfig } from "../config.ts";
import { createPgSqlPort, describeTarget } from "../sql/pg-sql-port.ts";
import type { SqlPort } from "../sql/port.ts";
import { createRdsDataClient } from "./clients.ts";
import { createRdsDataSqlPort, type RdsDataRetryOptions, regionOfArn } from "./rds-data-sql-port.ts";

export interface DatabasePortOptions {
  /** Backoff of the Data API port (resuming cluster, throttling). */
  readonly dataApiRetry?: RdsDataRetryOptions;
}

/** Opens the SQL port of a configured database; the port owns (and closes) the clients it creates. */
export function openDatabasePort(database: DatabaseConfig, options: DatabasePortOptions = {}): SqlPort {
  if (database.kind === "postgres") {
    return createPgSqlPort({
      connectionString: database.url,
      ...(database.schema === undefined ? {} : { searchPath: database.schema }),
    });
  }
  // The cluster ARN names its region; AWS_REGION is only needed when the ARN cannot tell.
  const region = database.region ?? process.env.AWS_REGION ?? regionOfArn(database.resourceArn);
  return createRdsDataSqlPort({
    client: createRdsDataClient({
      ...(database.endpoint === undefined ? {} : { endpoint: database.endpoint }),
      ...(region === undefined ? {} : { region }),
    }),
    resourceArn: database.resourceArn,
    secretArn: database.secretArn,
    database: database.database,
    ownsClient: true,
    ...(options.dataApiRetry === undefined ? {} : { retry: options.dataApiRetry }),
  });
}

/** Where a report comes from, without secrets (for diagnostics). */
export function describeDatabase(database: DatabaseConfig): string {
  return database.kind === "postgres"
    ? `PostgreSQL ${describeTarget(database.url)}`
    : `the RDS Data API (${database.resourceArn}, database ${database.database})`;
}
