import { createRdsDataClient } from "../aws/clients.ts";
import { createRdsDataSqlPort, regionOfArn } from "../aws/rds-data-sql-port.ts";
import { openDemoDatabase } from "../demo/open-demo-database.ts";
import { createPgSqlPort, describeTarget } from "../sql/pg-sql-port.ts";
import type { SqlPort } from "../sql/port.ts";
import type { SourceOptions } from "./generate-options.ts";

export interface OpenedSource {
  readonly port: SqlPort;
  /** Where the report comes from, without secrets (for diagnostics). */
  readonly description: string;
}

/** Opens the SQL port of the chosen source. */
export async function openSource(
  source: SourceOptions,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OpenedSource> {
  switch (source.kind) {
    case "demo":
      return { port: await openDemoDatabase(), description: "the embedded demo database" };
    case "postgres":
      return {
        port: createPgSqlPort({
          connectionString: source.url,
          ...(source.schema === undefined ? {} : { searchPath: source.schema }),
        }),
        description: `PostgreSQL ${describeTarget(source.url)}`,
      };
    case "data-api": {
      const endpoint = source.endpoint ?? env.AWS_ENDPOINT_URL_RDS_DATA;
      // The cluster ARN names its region; AWS_REGION is only needed when the ARN cannot tell.
      const region = source.region ?? env.AWS_REGION ?? regionOfArn(source.resourceArn);
      const client = createRdsDataClient({
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(region === undefined ? {} : { region }),
      });
      return {
        port: createRdsDataSqlPort({
          client,
          resourceArn: source.resourceArn,
          secretArn: source.secretArn,
          database: source.database,
          ownsClient: true,
        }),
        description: `the RDS Data API (${source.resourceArn}, database ${source.database})`,
      };
    }
  }
}
