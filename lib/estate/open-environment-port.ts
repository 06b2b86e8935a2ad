import { openDatabasePort } from "../aws/database-port.ts";
import { openDemoDatabase } from "../demo/open-demo-database.ts";
import type { SqlPort } from "../sql/port.ts";
import type { EnvironmentSource } from "./types.ts";

/** The CLI's way to reach an environment: the embedded demo, PostgreSQL, or the Data API (role_arn too). */
export async function openEnvironmentPort(source: EnvironmentSource): Promise<SqlPort> {
  return source.kind === "demo" ? openDemoDatabase() : openDatabasePort(source);
}
