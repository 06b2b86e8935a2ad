// The tool packages: what only some commands need, kept out of the root `npm ci` so that the README's
// first line (build and run the report) installs only what building and running need. Each is a small
// project of its own under tools/<name>/ (package.json with exact versions, package-lock.json),
// installed into tools/<name>/node_modules by the first command that needs it, and again only when its
// lockfile changes. Measured gains: docs/benchmark.md, "Install".
//
//   node scripts/tool-packages.mjs NAME...     installs those that are missing or stale
//
// From code: ensureToolPackage(name) (installs when needed, returns the folder) and
// requireFromTool(name) (a require() that resolves inside it).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Each tool package: what uses it, and the npm options its lockfile was made with. */
export const TOOL_PACKAGES = {
  "lambda-node": {
    usedBy: "npm test (the handler and bundle tests on the Lambda runtime's Node 24)",
    npmArgs: [],
  },
  browser: {
    usedBy: "the summary page tests (test/helpers/chromium.ts: Chromium and puppeteer-core)",
    npmArgs: [],
  },
  deploy: {
    usedBy: "npm run package and test/infra/template.test.ts (osls, cfn-lint, the CloudFormation spec)",
    npmArgs: [],
  },
  knip: {
    usedBy: "npm run knip, part of npm run check (unused files, exports and dependencies)",
    npmArgs: [],
  },
  mutate: {
    usedBy: "npm run mutate (Stryker)",
    // Stryker's runner and checker find the root's own vitest and typescript, never copies of them.
    npmArgs: ["--legacy-peer-deps"],
  },
};

/** tools/<name>/ */
export function toolDir(name) {
  if (!Object.hasOwn(TOOL_PACKAGES, name)) {
    throw new Error(`No tool package "${name}" (known: ${Object.keys(TOOL_PACKAGES).join(", ")}).`);
  }
  return join(root, "tools", name);
}

/** Installs tools/<name>/ when it is missing or its lockfile changed since; returns its folder. */
export function ensureToolPackage(name) {
  const dir = toolDir(name);
  const wanted = lockDigest(dir);
  const stamp = join(dir, "node_modules", ".kong-license-report-installed");
  if (readStamp(stamp) === wanted) return dir;
  const lock = join(dir, ".installing");
  if (!takeLock(lock)) {
    // Another process (a parallel test worker) is installing it: wait for its stamp.
    waitFor(() => readStamp(stamp) === wanted || !existsSync(lock), 10 * 60_000);
    if (readStamp(stamp) === wanted) return dir;
    return ensureToolPackage(name);
  }
  try {
    if (readStamp(stamp) === wanted) return dir;
    process.stderr.write(`Installing tools/${name}/ once, for ${TOOL_PACKAGES[name].usedBy}…\n`);
    const started = performance.now();
    const npm = process.env.npm_execpath;
    const [command, prefix] = npm?.endsWith(".js") ? [process.execPath, [npm]] : ["npm", []];
    execFileSync(
      command,
      [...prefix, "ci", "--no-audit", "--no-fund", ...TOOL_PACKAGES[name].npmArgs, "--prefix", dir],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    writeFileSync(stamp, wanted);
    process.stderr.write(
      `tools/${name}/ installed in ${((performance.now() - started) / 1000).toFixed(0)} s.\n`,
    );
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A require() resolving from tools/<name>/, installed first when needed. */
export function requireFromTool(name) {
  return createRequire(join(ensureToolPackage(name), "package.json"));
}

function lockDigest(dir) {
  return createHash("sha256")
    .update(readFileSync(join(dir, "package-lock.json")))
    .digest("hex");
}

function readStamp(stamp) {
  try {
    return readFileSync(stamp, "utf8");
  } catch {
    return undefined;
  }
}

/** mkdir is atomic: one process wins. A lock older than 15 minutes is a crashed install's. */
function takeLock(lock) {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    const age = Date.now() - (statSafe(lock)?.mtimeMs ?? Date.now());
    if (age > 15 * 60_000) {
      rmSync(lock, { recursive: true, force: true });
      return takeLock(lock);
    }
    return false;
  }
}

function statSafe(path) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function waitFor(done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error("Timed out waiting for another process to install a tool package.");
    Atomics.wait(pause, 0, 0, 250);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of process.argv.slice(2)) ensureToolPackage(name);
}
