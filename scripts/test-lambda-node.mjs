// Runs the handler and bundle tests (test/handlers/) again under the Node major the Lambdas run on
// (serverless.yml: nodejs24.x), with the registry's binary in tools/lambda-node/, installed here the
// first time (a tool package: scripts/tool-packages.mjs).
// Extra arguments go to vitest (e.g. a file name).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lambdaNodeBinary } from "./lambda-node.mjs";
import { ensureToolPackage } from "./tool-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let binary = lambdaNodeBinary();
if (!binary.supported) {
  console.error(
    `test:lambda-node: the registry publishes no ${binary.name} package; the handler tests ran on this Node (${process.version}) only.`,
  );
  process.exit(0);
}
ensureToolPackage("lambda-node");
binary = lambdaNodeBinary();
if (!binary.installed) {
  console.error(`test:lambda-node: ${binary.path} is missing after installing tools/lambda-node/.`);
  process.exit(1);
}
const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const args = process.argv.slice(2);
console.log(`test:lambda-node: test/handlers on Node ${binary.version} (the Lambda runtime's major)`);
// vitest's default reporter only: the plain closing line stays the full suite's, printed after this.
const result = spawnSync(
  binary.path,
  [vitest, "run", "--reporter=default", ...(args.length === 0 ? ["test/handlers"] : args)],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
