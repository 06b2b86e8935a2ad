// Mutation score per folder from one or more Stryker JSON reports (issue 15), so a run split in parts
// (`npm run mutate -- --mutate <files>`, one report each) still gives one table, plus every survivor.
// Usage: node scripts/mutation-score.mjs [reports/mutation/*.json]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const defaultDir = "reports/mutation";
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(defaultDir)
        .filter((name) => name.endsWith(".json"))
        .map((name) => join(defaultDir, name));

// The newest result for a file wins when parts overlap (a re-run of one part).
const byFile = new Map();
for (const file of files) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  for (const [path, result] of Object.entries(report.files)) byFile.set(path, result.mutants);
}

// Stryker's own definition: detected = killed + timeout; undetected = survived + no coverage.
const detected = new Set(["Killed", "Timeout"]);
const undetected = new Set(["Survived", "NoCoverage"]);
const folders = new Map();
const survivors = [];
for (const [path, mutants] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const folder = path.startsWith("lib/http/") || !path.startsWith("lib/") ? path : dirname(path);
  const sums = folders.get(folder) ?? { detected: 0, undetected: 0, ignored: 0 };
  for (const mutant of mutants) {
    if (detected.has(mutant.status)) sums.detected += 1;
    else if (undetected.has(mutant.status)) {
      sums.undetected += 1;
      const { line, column } = mutant.location.start;
      survivors.push(
        `${path}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: ${JSON.stringify(mutant.replacement ?? "")}`,
      );
    } else sums.ignored += 1;
  }
  folders.set(folder, sums);
}

const score = ({ detected: d, undetected: u }) =>
  d + u === 0 ? "n/a" : `${((100 * d) / (d + u)).toFixed(1)} %`;
const all = { detected: 0, undetected: 0, ignored: 0 };
console.log(
  `${"scope".padEnd(34)} ${"score".padStart(8)} ${"detected".padStart(9)} ${"undetected".padStart(11)} ${"ignored".padStart(8)}`,
);
for (const [folder, sums] of folders) {
  for (const key of Object.keys(all)) all[key] += sums[key];
  console.log(
    `${folder.padEnd(34)} ${score(sums).padStart(8)} ${String(sums.detected).padStart(9)} ${String(sums.undetected).padStart(11)} ${String(sums.ignored).padStart(8)}`,
  );
}
console.log(
  `${"all".padEnd(34)} ${score(all).padStart(8)} ${String(all.detected).padStart(9)} ${String(all.undetected).padStart(11)} ${String(all.ignored).padStart(8)}`,
);
console.log(`\nSurvivors (${survivors.length}):`);
for (const line of survivors) console.log(`  ${line}`);
