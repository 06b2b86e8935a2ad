// Prints coverage per folder from a v8 json-summary (issue 15): the figures the per-folder
// thresholds in vitest.config.ts were set from. Usage: node scripts/coverage-by-folder.mjs [coverage/coverage-summary.json]
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";

const file = process.argv[2] ?? "coverage/coverage-summary.json";
const summary = JSON.parse(readFileSync(file, "utf8"));
const metrics = ["lines", "branches", "functions", "statements"];

/** lib/report/checksum.ts → lib/report; lib/errors.ts → lib (top level); handlers/http.ts → handlers. */
function folderOf(path) {
  const parts = relative(process.cwd(), path).split(sep);
  return parts.length > 2 ? parts.slice(0, 2).join("/") : `${parts[0]} (top level)`;
}

const folders = new Map();
for (const [path, totals] of Object.entries(summary)) {
  if (path === "total") continue;
  const folder = folderOf(path);
  const sums = folders.get(folder) ?? Object.fromEntries(metrics.map((m) => [m, { covered: 0, total: 0 }]));
  for (const m of metrics) {
    sums[m].covered += totals[m].covered;
    sums[m].total += totals[m].total;
  }
  folders.set(folder, sums);
}

const pct = ({ covered, total }) => (total === 0 ? "100.0" : ((100 * covered) / total).toFixed(1));
const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
console.log(`${"folder".padEnd(24)} ${metrics.map((m) => m.padStart(10)).join(" ")}`);
for (const [folder, sums] of rows) {
  console.log(`${folder.padEnd(24)} ${metrics.map((m) => `${pct(sums[m])} %`.padStart(10)).join(" ")}`);
}
const total = summary.total;
console.log(
  `${"all".padEnd(24)} ${metrics.map((m) => `${total[m].pct.toFixed(1)} %`.padStart(10)).join(" ")}`,
);
