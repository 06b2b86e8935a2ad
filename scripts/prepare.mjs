// The root "prepare" script, run by `npm ci` and `npm install` in this checkout: builds dist/ (the
// README's main command runs dist/cli.mjs, at the built CLI's speed, with the demo database saved
// beside it). What only some commands need (the Lambda runtime's Node for the tests, Chromium, the
// deploy tools, Stryker) is not installed here: scripts/tool-packages.mjs installs each into
// tools/<name>/ the first time a command needs it.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

try {
  createRequire(import.meta.url).resolve("esbuild");
} catch {
  // An install without devDependencies (npm ci --omit=dev) has nothing to build with.
  console.error("prepare: esbuild is not installed (devDependencies omitted); dist/ not built.");
  process.exit(0);
}
execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
