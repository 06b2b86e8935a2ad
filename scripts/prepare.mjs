// The root "prepare" script, run by `npm ci` and `npm install` in this checkout:
//  1. builds dist/ (the README's main command runs dist/cli.mjs, at the built CLI's speed);
//  2. installs the Node major the Lambdas run on (nodejs24.x) into tools/lambda-node/, for the handler
//     and bundle tests (scripts/test-lambda-node.mjs). It is a separate little project so that its
//     node_modules/.bin/node never shadows the developer's own Node in npm scripts.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LAMBDA_NODE_DIR, lambdaNodeBinary } from "./lambda-node.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

try {
  createRequire(import.meta.url).resolve("esbuild");
} catch {
  // An install without devDependencies (npm ci --omit=dev) has nothing to build with.
  console.error("prepare: esbuild is not installed (devDependencies omitted); dist/ not built.");
  process.exit(0);
}
execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });

// Packing needs dist/ only.
if (["pack", "publish"].includes(process.env.npm_command ?? "")) process.exit(0);
const binary = lambdaNodeBinary();
if (binary.supported && !binary.installed) {
  const npm = process.env.npm_execpath;
  const [command, args] = npm === undefined ? ["npm", []] : [process.execPath, [npm]];
  execFileSync(command, [...args, "ci", "--no-audit", "--no-fund", "--prefix", LAMBDA_NODE_DIR], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  console.error(`prepare: ${lambdaNodeBinary().path} installed (the Lambda's Node, for npm test).`);
}
