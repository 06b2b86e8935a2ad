import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";

/** The demo database's data directory, as scripts/build.mjs ships it beside dist/cli.mjs. */
export const DEMO_SNAPSHOT_FILE = "demo-pgdata.tar.gz";

/**
 * What makes the saved directory small to unpack and to run (each measured in docs/benchmark.md,
 * "The demo line"): initdb's 16 MB WAL segment is unpacked into memory like any file, so 1 MB
 * segments; postgres's shared memory lives in the WebAssembly heap, so 8 MB of shared buffers (the
 * demo holds 2 MB of data) keep the heap at its 128 MB minimum instead of 200 MB; nothing creates a
 * database in the demo, so template0 and template1 go (half of the files). The settings are ALTER
 * SYSTEM (postgresql.auto.conf): they apply when the saved directory is loaded.
 */
const INITDB_PARAMS = ["--wal-segsize=1"];
const SHRINK_STATEMENTS = [
  "ALTER SYSTEM SET shared_buffers = '8MB'",
  "ALTER SYSTEM SET max_connections = 2",
  "ALTER SYSTEM SET min_wal_size = '2MB'",
  "ALTER SYSTEM SET max_wal_size = '4MB'",
  "SELECT pg_reload_conf()",
  "UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')",
  "DROP DATABASE template0",
  "DROP DATABASE template1",
  // WAL written so far is recycled down to min_wal_size; a loaded directory starts without replaying it.
  "CHECKPOINT",
] as const;

/** Builds the demo database from its SQL text and returns its data directory as a gzipped tar. */
export async function buildDemoSnapshot(sql: string): Promise<Uint8Array> {
  const db = await PGlite.create({ initDbStartParams: INITDB_PARAMS });
  try {
    await db.exec(sql);
    // One by one: DROP DATABASE refuses to run inside the transaction a multi-statement text gets.
    for (const statement of SHRINK_STATEMENTS) await db.query(statement);
    const tar = await db.dumpDataDir("none");
    return gzipSync(new Uint8Array(await tar.arrayBuffer()));
  } finally {
    await db.close();
  }
}

/** A name for the snapshot of this SQL built this way by this PGlite version (a cache key). */
export function demoSnapshotName(sql: string, pgliteVersion: string): string {
  const recipe = JSON.stringify({ pgliteVersion, INITDB_PARAMS, SHRINK_STATEMENTS });
  const digest = createHash("sha256").update(recipe).update("\0").update(sql).digest("hex");
  return `demo-pgdata-${pgliteVersion}-${digest.slice(0, 16)}.tar.gz`;
}
