import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";

/**
 * A fresh, empty PGlite that skips initdb: the first call saves the data directory of a freshly
 * initialised instance under node_modules/.cache; later ones (any worker, any run, Stryker's
 * sandboxes too, which share node_modules) load that copy. Measured on a 2-core runner: 2.4 s for
 * `PGlite.create()`, 0.6 s from the saved directory. A mutation run opens a test database for every
 * mutant and test file, so this decides whether the database tier runs in one hour or eight.
 *
 * The saved directory is what initdb of the installed PGlite produced, keyed by its version: every
 * instance is still a separate, empty database of the same engine.
 */
export async function createEmptyPglite(): Promise<PGlite> {
  const file = await initdbCacheFile();
  const saved = await readFile(file).catch(() => undefined);
  if (saved !== undefined) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([saved]) });
    } catch {
      // A truncated or foreign file: fall through, build a fresh one and save it again.
    }
  }
  const db = await PGlite.create();
  await saveDataDir(db, file).catch(() => undefined); // only a cache: a read-only checkout still runs
  return db;
}

/** node_modules/.cache/… of the node_modules that holds PGlite (a parent folder's, in Stryker's sandboxes). */
async function initdbCacheFile(): Promise<URL> {
  // dist/index.cjs → the package folder; exports hide package.json from resolve().
  const packageDir = new URL(
    "../",
    pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")),
  );
  const manifest = new URL("package.json", packageDir);
  const { version } = JSON.parse(await readFile(manifest, "utf8")) as { version: string };
  return new URL(`../../.cache/kong-license-report/pglite-${version}-initdb.tar`, packageDir);
}

async function saveDataDir(db: PGlite, file: URL): Promise<void> {
  const dump = Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer());
  await mkdir(new URL(".", file), { recursive: true });
  // Written beside, then renamed: parallel workers never read a half-written file.
  const partial = new URL(`${file.href}.${process.pid}.${Date.now()}.partial`);
  try {
    await writeFile(partial, dump);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}
