// Sizes of the built bundles and their cold import time (median of N fresh Node processes,
// baseline `node -e 0` shown apart). Build first: npm run build.
// Usage: node scripts/measure-bundles.mjs [runs=9]
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const runs = Number(process.argv[2] ?? 9);
const bundles = ["http.mjs", "scheduled.mjs", "cli.mjs"];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeNode(args) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, args, {
      stdio: "ignore",
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(samples);
}

const baseline = timeNode(["-e", "0"]);
console.log(`node ${process.version}, ${runs} runs each; baseline node -e 0: ${baseline.toFixed(0)} ms`);
console.log("bundle            bytes      gzip   cold start (median, incl. node start)");
for (const name of bundles) {
  const path = join(dist, name);
  const bytes = await readFile(path);
  // The CLI runs on import: time `cli.mjs --help` (load and print, no database).
  const ms =
    name === "cli.mjs"
      ? timeNode([path, "--help"])
      : timeNode(["--input-type=module", "-e", `await import(${JSON.stringify(path)})`]);
  console.log(
    `${name.padEnd(14)} ${String(bytes.byteLength).padStart(8)} ${String(gzipSync(bytes).byteLength).padStart(9)}   ${ms.toFixed(0)} ms (+${(ms - baseline).toFixed(0)} ms over baseline)`,
  );
}
