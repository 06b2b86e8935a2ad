import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { createPgliteSqlPort } from "../sql/pglite-sql-port.ts";
import type { SqlPort } from "../sql/port.ts";

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
  const sql = await readDemoSql();
  const db = await PGlite.create();
  try {
    await db.exec(sql);
  } catch (error) {
    await db.close();
    throw error;
  }
  return createPgliteSqlPort({ db, ownsDatabase: true });
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
