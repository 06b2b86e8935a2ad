// Where the demo's time and memory go: the steps of `node dist/cli.mjs generate --demo`, one by
// one, in a plain Node process like the CLI's (no tsx loader), with the same V8 flag (bin/cli.ts),
// the same shipped data directory and PGlite options, except that PGlite's WebAssembly module is
// compiled first on its own so that its cost shows. The report's SQL (the collector's probe and
// report statement, parameters inlined) comes from bench/demo.ts, which runs this:
//   node bench/demo-phases.mjs FILE_WITH_THE_SQL
// Prints one JSON line: { steps: [{ step, ms, rssMb }], wasmHeapMb, dataDirectoryMb, maxRssMb }.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { gunzipSync } from "node:zlib";

setFlagsFromString("--wasm-tiering-budget=2000000000");
const root = fileURLToPath(new URL("..", import.meta.url));
const steps = [];
let last = 0; // performance.now() counts from the process start
const mark = (step) => {
  const now = performance.now();
  steps.push({ step, ms: now - last, rssMb: process.memoryUsage().rss / 1e6 });
  last = now;
};
mark("Node start");
const { PGlite } = await import("@electric-sql/pglite");
mark("import @electric-sql/pglite");
const tar = gunzipSync(await readFile(join(root, "dist", "demo-pgdata.tar.gz")));
mark("read and gunzip dist/demo-pgdata.tar.gz");
const wasmFile = join(createRequire(import.meta.url).resolve("@electric-sql/pglite"), "..", "pglite.wasm");
const pgliteWasmModule = await WebAssembly.compile(await readFile(wasmFile));
mark("compile pglite.wasm (9 MB, baseline compiler)");
const db = await PGlite.create({ loadDataDir: new Blob([tar]), pgliteWasmModule });
mark("PGlite.create: instantiate, file system bundle, unpack the data directory, start postgres");
const wasmHeapMb = db.mod.HEAPU8.byteLength / 1e6;
await db.exec(await readFile(process.argv[2], "utf8"));
mark("the report's SQL (probe + report statement)");
await db.close();
mark("close");
const maxRssMb = process.resourceUsage().maxRSS / 1e3;
process.stdout.write(
  `${JSON.stringify({ steps, wasmHeapMb, dataDirectoryMb: tar.length / 1e6, maxRssMb })}\n`,
);
