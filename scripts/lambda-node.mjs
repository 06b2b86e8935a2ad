// Where the Lambda runtime's Node binary (tools/lambda-node, from the npm registry) lives. It is a
// tool package (scripts/tool-packages.mjs): a separate little project so that its
// node_modules/.bin/node never shadows the developer's own Node in npm scripts, installed by
// `npm test` (scripts/test-lambda-node.mjs) the first time it runs.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { toolDir } from "./tool-packages.mjs";

export const LAMBDA_NODE_DIR = toolDir("lambda-node");

/** The registry's Node for this platform: its path, whether it exists, whether one is published. */
export function lambdaNodeBinary() {
  const manifest = JSON.parse(readFileSync(join(LAMBDA_NODE_DIR, "package.json"), "utf8"));
  const name = `node-${process.platform}-${process.arch}`;
  const version = manifest.optionalDependencies[name];
  const path = join(LAMBDA_NODE_DIR, "node_modules", name, "bin", "node");
  return { name, version, path, supported: version !== undefined, installed: existsSync(path) };
}
