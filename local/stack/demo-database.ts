import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openDemoPglite, readDemoSql } from "../../lib/demo/open-demo-database.ts";

const DEMO_DATABASE_MARK =
  "kong-license-report local stack: demo Kong database of one running instance, dropped when it stops";

/** The demo Kong database the local Data API serves, and how to let it go. */
export interface OpenedDatabase {
  readonly backend: { kind: "pg"; connectionString: string } | { kind: "pglite"; db: PGlite };
  /** KONG_DB_NAME */
  readonly name: string;
  readonly description: string;
  close(): Promise<void>;
}

/** Where the demo goes: a PostgreSQL server (a database of this instance's own), else embedded PGlite. */
export interface DemoDatabaseOptions {
  readonly databaseUrl?: string;
  readonly demoDatabase?: string;
}

/** Loads the demo into a fresh database on `databaseUrl`'s server, or into embedded PGlite without one. */
export async function openDemoDatabase(options: DemoDatabaseOptions): Promise<OpenedDatabase> {
  if (options.databaseUrl === undefined) return openEmbeddedDatabase();
  const name = options.demoDatabase ?? `kong_report_demo_${randomBytes(4).toString("hex")}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Demo database name "${name}" is not allowed: use lowercase letters, digits and _.`);
  }
  const server = new URL(options.databaseUrl);
  await createDemoDatabase(options.databaseUrl, name);
  const target = new URL(options.databaseUrl);
  target.pathname = `/${name}`;
  const drop = () => dropDemoDatabase(options.databaseUrl ?? "", name);
  const client = new pg.Client({ connectionString: target.href });
  try {
    await client.connect();
    await client.query(await readDemoSql());
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    backend: { kind: "pg", connectionString: target.href },
    name,
    description: `PostgreSQL ${server.hostname}:${server.port || "5432"}, database ${name} (demo Kong data, this instance's own, dropped on exit)`,
    close: drop,
  };
}

/** The demo in embedded PGlite, from the same saved data directory as the CLI's --demo (lib/demo/). */
async function openEmbeddedDatabase(): Promise<OpenedDatabase> {
  const db = await openDemoPglite();
  const current = await db.query<{ name: string }>("SELECT current_database() AS name");
  return {
    backend: { kind: "pglite", db },
    name: current.rows[0]?.name ?? "postgres",
    description: "PGlite (embedded, in memory) with the demo Kong data",
    close: () => db.close(),
  };
}

/**
 * Creates the demo database, marked as the local stack's. An existing database of that name is never
 * touched (another instance's or yours): the start is refused.
 */
async function createDemoDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (existing.rowCount !== 0) {
      throw new Error(
        `Database ${name} already exists on this server (another local stack's, or yours); it is left alone. Leave out the database name to get a fresh one, or choose another.`,
      );
    }
    await client.query(`CREATE DATABASE "${name}"`);
    await client.query(`COMMENT ON DATABASE "${name}" IS '${DEMO_DATABASE_MARK}'`);
  } catch (error) {
    // Two instances racing for one name: the loser's CREATE fails with 42P04 (duplicate_database).
    if ((error as { code?: string }).code === "42P04") {
      throw new Error(`Database ${name} was just created by another process; it is left alone.`);
    }
    throw error;
  } finally {
    await client.end();
  }
}

/** Drops the database this instance created (its sessions first: the Data API pool may still hold some). */
async function dropDemoDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
