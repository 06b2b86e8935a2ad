import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { pgliteCacheFile, saveCacheFile } from "../sql/pglite-cache.ts";
import { createPgliteSqlPort } from "../sql/pglite-sql-port.ts";
import type { SqlPort } from "../sql/port.ts";
import { buildDemoSnapshot, DEMO_SNAPSHOT_FILE, demoSnapshotName } from "./demo-snapshot.ts";

/** The SQL files of the demo database, in load order (the build copies them to dist/demo/). */
export const DEMO_SQL_FILES = ["schema.sql", "seed.sql"] as const;

// Where the files are, relative to this code: beside it (sources), in demo/ beside the bundle
// (dist/cli.mjs + dist/demo/, as scripts/build.mjs copies them), or in ../lib/demo/ (an installed
// package that ships lib/demo/*.sql but not dist/demo/).
const demoSqlDirectories = ["./", "./demo/", "../lib/demo/"] as const;

/** Kong Enterprise 3.13 schema plus the demo deployment (migrated to 3.15), as one SQL text (e.g. for a real PostgreSQL). */
export async function readDemoSql(): Promise<string> {
  const texts = await Promise.all(DEMO_SQL_FILES.map(readDemoFile));
  return texts.join("\n");
}

/** An in-memory PGlite database holding the demo deployment; closing the port frees it. */
export async function openDemoDatabase(): Promise<SqlPort> {
  return createPgliteSqlPort({ db: await openDemoPglite(), ownsDatabase: true });
}

/**
 * The demo database as a PGlite instance (the local stack and the local Data API serve it), loaded
 * from its saved data directory: no initdb and no SQL to run, so a fraction of the time and
 * memory of building it (docs/benchmark.md, "The demo line").
 */
export async function openDemoPglite(places?: DemoSnapshotPlaces): Promise<PGlite> {
  // Uncompressed here: zlib is faster than PGlite's own gunzip (a web stream).
  const tar = gunzipSync(await readDemoSnapshot(places));
  return PGlite.create({ loadDataDir: new Blob([tar]) });
}

/** Where the demo's saved data directory is looked for (tests point them elsewhere). */
export interface DemoSnapshotPlaces {
  /** Shipped with the program: dist/demo-pgdata.tar.gz beside dist/cli.mjs. */
  readonly shipped: URL;
  /** The cache file for this demo SQL, built on first use when nothing was shipped. */
  readonly cache: (sql: string) => Promise<URL>;
}

const defaultPlaces: DemoSnapshotPlaces = {
  shipped: new URL(`./${DEMO_SNAPSHOT_FILE}`, import.meta.url),
  cache: (sql) => pgliteCacheFile((version) => demoSnapshotName(sql, version)),
};

/**
 * The demo's data directory (a gzipped tar): the one shipped beside the program, else the one cached
 * in node_modules/.cache, else built from the SQL and cached. Running from the sources (tsx, the
 * tests, scripts/build.mjs itself) there is no shipped file: nothing builds one before the code runs,
 * so the first run builds it (a few seconds) and later runs load it, as long as the SQL, the recipe
 * and the PGlite version are the same (the cache key holds all three).
 */
export async function readDemoSnapshot(places: DemoSnapshotPlaces = defaultPlaces): Promise<Uint8Array> {
  const shipped = await readIfPresent(places.shipped);
  if (shipped !== undefined) return shipped;
  const sql = await readDemoSql();
  const cache = await places.cache(sql);
  // Any cache that cannot be read is as good as none.
  const cached = await readFile(cache).catch(() => undefined);
  if (cached !== undefined) return cached;
  const built = await buildDemoSnapshot(sql);
  // Only a cache: a read-only installation still runs, building the demo each time.
  await saveCacheFile(cache, built).catch(() => undefined);
  return built;
}

async function readIfPresent(file: URL): Promise<Uint8Array | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function readDemoFile(name: string): Promise<string> {
  for (const directory of demoSqlDirectories) {
    try {
      return await readFile(new URL(`${directory}${name}`, import.meta.url), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  throw new Error(
    `The demo database file ${name} is missing (looked in ${demoSqlDirectories.join(", ")} relative to the program). Reinstall kong-license-report, or run npm run build.`,
  );
}
