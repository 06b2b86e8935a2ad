import type { SqlPort } from "../sql/port.ts";
import type { EnvironmentIdentity, SqlEnvironmentSource } from "./types.ts";

// How the estate knows that two environments are one database listed under two names (issue: 300
// entries of one database read as "150,000 services"). PostgreSQL gives every cluster a system
// identifier at initdb (pg_control_system(), EXECUTE granted to PUBLIC, so the least-privilege role
// can call it, on RDS as on PGlite); with the database and the schema holding Kong's tables, it names
// one Kong database whatever the host name or URL used to reach it. Where that function cannot be
// called, a Data API entry is known by its cluster ARN and database.

const IDENTITY_SQL =
  "SELECT system_identifier::text AS system_identifier, current_database() AS database, current_schema() AS schema FROM pg_control_system()";

/**
 * The identity keys of a database environment. A failed identity query (a PostgreSQL without the
 * function, a proxy that refuses it) leaves only what the configuration tells; it never fails the
 * environment.
 */
export async function readDatabaseIdentity(
  port: SqlPort,
  source: SqlEnvironmentSource,
  signal?: AbortSignal,
): Promise<EnvironmentIdentity> {
  if (source.kind === "demo") return { keys: [{ key: "demo", says: "the embedded demo database" }] };
  const keys: Array<{ key: string; says: string }> = [];
  try {
    const [row] = await port.query(IDENTITY_SQL, {}, signal === undefined ? {} : { signal });
    const system = row?.system_identifier;
    if (typeof system === "string" && system !== "" && typeof row?.database === "string") {
      const schema = row.schema ?? "(none)";
      keys.push({
        key: `postgres ${system} ${row.database} ${schema}`,
        says: `the same PostgreSQL system identifier ${system}, database ${row.database} and schema ${schema}`,
      });
    }
  } catch {
    // The configuration's key below stands alone.
  }
  // Without the database's own word, a Data API entry is known by its cluster and database (which
  // cannot tell two schemas of one database apart: the query above can, so it wins when it answers).
  if (keys.length === 0 && source.kind === "data-api") {
    keys.push({
      key: `data-api ${source.resourceArn} ${source.database}`,
      says: `the same Data API cluster ${source.resourceArn} and database ${source.database}`,
    });
  }
  return { keys };
}
