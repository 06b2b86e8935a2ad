// Sizes of the built bundles and their cold import time (median of N fresh Node processes,
// baseline `node -e 0` shown apart). Build first: npm run build.
// Usage: node scripts/measure-bundles.mjs [runs=9] [dist-dir=dist] [other-dist-dir]
// With two folders the runs alternate between them (a before/after comparison under the same load).
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const defaultDist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const runs = Number(process.argv[2] ?? 9);
const dists = [
  process.argv[3] ?? defaultDist,
  ...(process.argv[4] === undefined ? [] : [process.argv[4]]),
].map((dir) => resolve(dir));
const bundles = [
  "http.mjs",
  "scheduled.mjs",
  "estate-http.mjs",
  "estate-collect.mjs",
  "estate-aggregate.mjs",
  "cli.mjs",
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeOnce(args) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, {
    stdio: "ignore",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function timeNode(args) {
  return median(Array.from({ length: runs }, () => timeOnce(args)));
}

/** Medians per folder, the folders' runs alternating. */
function timeAlternating(argsPerDist) {
  const samples = argsPerDist.map(() => []);
  for (let i = 0; i < runs; i += 1) {
    for (const [at, args] of argsPerDist.entries()) samples[at].push(timeOnce(args));
  }
  return samples.map(median);
}

const baseline = timeNode(["-e", "0"]);
console.log(`node ${process.version}, ${runs} runs each; baseline node -e 0: ${baseline.toFixed(0)} ms`);
console.log("bundle            bytes      gzip   cold start (median, incl. node start)   folder");
for (const name of bundles) {
  // The CLI runs on import: time `cli.mjs --help` (load and print, no database).
  const argsOf = (dist) =>
    name === "cli.mjs"
      ? [join(dist, name), "--help"]
      : ["--input-type=module", "-e", `await import(${JSON.stringify(join(dist, name))})`];
  const medians = timeAlternating(dists.map(argsOf));
  for (const [at, dist] of dists.entries()) {
    const bytes = await readFile(join(dist, name));
    const ms = medians[at];
    console.log(
      `${name.padEnd(14)} ${String(bytes.byteLength).padStart(8)} ${String(gzipSync(bytes).byteLength).padStart(9)}   ${ms.toFixed(0)} ms (+${(ms - baseline).toFixed(0)} ms over baseline)   ${dist}`,
    );
  }
}
