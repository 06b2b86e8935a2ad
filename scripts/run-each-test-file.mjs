#!/usr/bin/env node
// Runs every test file alone (one vitest process per file), as `npx vitest run FILE` would, and
// prints one line per file plus a total: a test that passes only after another file ran shows here.
// Usage: node scripts/run-each-test-file.mjs [substring ...]   (filters the file list)
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTests(path);
    return entry.name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

const files = listTests(join(root, "test"))
  .filter((file) => filters.length === 0 || filters.some((part) => file.includes(part)))
  .sort();
let failed = 0;
for (const file of files) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", file], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const output = `${run.stdout}${run.stderr}`;
  // The project's summary reporter prints "Tests: N passed, N failed, N skipped".
  const summary = /Tests: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(output);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = run.status === 0;
  if (!ok) failed += 1;
  const counts = summary ? `${summary[1]} passed, ${summary[2]} failed, ${summary[3]} skipped` : "no summary";
  process.stdout.write(`${ok ? "PASS" : "FAIL"} ${file} (${counts}, ${seconds} s)\n`);
}
process.stdout.write(`${files.length - failed}/${files.length} files pass alone\n`);
process.exit(failed === 0 ? 0 : 1);
