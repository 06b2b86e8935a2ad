import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
/** What the bundles are built from: a newer file here means dist/ is stale. */
const SOURCES = [
  "lib",
  "handlers",
  "bin",
  "scripts/build.mjs",
  "scripts/demo-snapshot.mjs",
  "package-lock.json",
];

/**
 * Builds dist/ once, before any test file runs, when a source is newer than it. Test files that need
 * the bundles (the Lambda bundle tests, the packaged template, the documented CLI commands) read it
 * and never build it themselves: two builds writing dist/ while other files read it made them flaky.
 */
export default function setup(): void {
  const built = modifiedAt(join(ROOT, "dist", "cli.mjs"));
  const newest = Math.max(...SOURCES.map((path) => newestUnder(join(ROOT, path))));
  if (built !== undefined && built >= newest) return;
  const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

function modifiedAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestUnder(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestUnder(join(path, entry)));
  return newest;
}
