#!/usr/bin/env node
// Measures `npm run local` startup as a user waits for it: wall time from the command to its
// "Ready in" line, N runs, plus the stack's own breakdown. `--cold` first deletes the demo database's
// saved data directory from node_modules/.cache (the first start after a change to the demo SQL);
// extra arguments go to `npm run local`.
//   node scripts/measure-local-startup.mjs [--runs 3] [--cold] [-- --database-url URL --database-name NAME]
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values, positionals } = parseArgs({
  options: { runs: { type: "string", default: "3" }, cold: { type: "boolean", default: false } },
  allowPositionals: true,
});

function startOnce() {
  return new Promise((resolveRun, rejectRun) => {
    const started = performance.now();
    const child = spawn("npm", ["run", "--silent", "local", "--", "--port", "0", ...positionals], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let ready;
    const onData = (chunk) => {
      output += chunk;
      const line = /Ready in .*/.exec(output)?.[0];
      if (line !== undefined && ready === undefined) {
        ready = { wall: (performance.now() - started) / 1000, line };
        process.kill(-child.pid, "SIGINT");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", () =>
      ready === undefined ? rejectRun(new Error(`no "Ready" line:\n${output}`)) : resolveRun(ready),
    );
  });
}

/** The cache lib/demo/open-demo-database.ts builds from the sources (the local stack runs from them). */
function removeDemoSnapshots() {
  const cache = join(ROOT, "node_modules", ".cache", "kong-license-report");
  if (!existsSync(cache)) return;
  for (const name of readdirSync(cache).filter((entry) => entry.startsWith("demo-pgdata-"))) {
    rmSync(join(cache, name), { force: true });
  }
}

const runs = Number(values.runs);
const walls = [];
for (let run = 1; run <= runs; run += 1) {
  if (values.cold) removeDemoSnapshots();
  const { wall, line } = await startOnce();
  walls.push(wall);
  console.log(`run ${run}: ${wall.toFixed(1)} s to "Ready" (${line})`);
}
walls.sort((a, b) => a - b);
console.log(
  `median ${walls[Math.floor(walls.length / 2)].toFixed(1)} s over ${runs} run(s)${values.cold ? ", cold (no snapshot)" : ""}`,
);
