import { describeDatabase, openDatabasePort } from "../aws/database-port.ts";
import { openDemoDatabase } from "../demo/open-demo-database.ts";
import type { SqlPort } from "../sql/port.ts";
import type { SourceOptions } from "./generate-options.ts";

export interface OpenedSource {
  readonly port: SqlPort;
  /** Where the report comes from, without secrets (for diagnostics). */
  readonly description: string;
}

/** Opens the SQL port of the chosen source: the demo database, or a configured database. */
export async function openSource(source: SourceOptions): Promise<OpenedSource> {
  if (source.kind === "demo") {
    return { port: await openDemoDatabase(), description: "the embedded demo database" };
  }
  return { port: openDatabasePort(source), description: describeDatabase(source) };
}
