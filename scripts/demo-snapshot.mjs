// Writes the demo database's saved data directory (lib/demo/demo-snapshot.ts) into FOLDER: from
// node_modules/.cache when an earlier build or test run already made it for the same SQL, recipe and
// PGlite version, else built (initdb plus the demo SQL, a few seconds). scripts/build.mjs runs this
// in a process of its own, beside the bundling, so that the two share the machine's cores.
//   node scripts/demo-snapshot.mjs FOLDER
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tsImport } from "tsx/esm/api";

const [folder] = process.argv.slice(2);
if (folder === undefined) throw new Error("Usage: node scripts/demo-snapshot.mjs FOLDER");
const { DEMO_SNAPSHOT_FILE } = await tsImport("../lib/demo/demo-snapshot.ts", import.meta.url);
const { readDemoSnapshot } = await tsImport("../lib/demo/open-demo-database.ts", import.meta.url);
const snapshot = await readDemoSnapshot();
await writeFile(join(folder, DEMO_SNAPSHOT_FILE), snapshot);
console.log(
  `${join(folder, DEMO_SNAPSHOT_FILE)}  ${(snapshot.length / 1024).toFixed(0)} KiB (the demo database)`,
);
