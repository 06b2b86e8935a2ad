import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * Where saved PGlite data directories live: node_modules/.cache/kong-license-report/ of the
 * node_modules that holds PGlite (a parent folder's in Stryker's sandboxes, which share it). A saved
 * directory is only valid for the PGlite build that wrote it, so its name carries the version.
 */
export async function pgliteCacheFile(name: (pgliteVersion: string) => string): Promise<URL> {
  // dist/index.cjs → the package folder; exports hide package.json from resolve().
  const packageDir = new URL(
    "../",
    pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")),
  );
  const { version } = JSON.parse(await readFile(new URL("package.json", packageDir), "utf8")) as {
    version: string;
  };
  return new URL(`../../.cache/kong-license-report/${name(version)}`, packageDir);
}

/** Writes beside, then renames: parallel processes never read a half-written file. */
export async function saveCacheFile(file: URL, bytes: Uint8Array): Promise<void> {
  await mkdir(new URL(".", file), { recursive: true });
  const partial = new URL(`${file.href}.${process.pid}.${Date.now()}.partial`);
  try {
    await writeFile(partial, bytes);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}
