import { openDemoDatabase } from "../demo/open-demo-database.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import type { SqlPort } from "../sql/port.ts";
import { describeDatabase, openDatabasePort } from "./open-database-port.ts";

/** A report's source as the CLI and the environments file name it: the embedded demo, or a database. */
export type SqlSource = { readonly kind: "demo" } | DatabaseSource;

export interface OpenedSource {
  readonly port: SqlPort;
  /** Where the report comes from, without secrets (for diagnostics). */
  readonly description: string;
}

/** Opens the SQL port of the chosen source: the demo database, or a configured database. */
export async function openSource(source: SqlSource): Promise<OpenedSource> {
  if (source.kind === "demo") {
    return { port: await openDemoDatabase(), description: "the embedded demo database" };
  }
  return { port: openDatabasePort(source), description: describeDatabase(source) };
}

/** The estate's way to reach an environment from the CLI: the embedded demo, PostgreSQL, or the Data API. */
export async function openEnvironmentPort(source: SqlSource): Promise<SqlPort> {
  return (await openSource(source)).port;
}
