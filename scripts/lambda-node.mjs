// Where the Lambda runtime's Node binary (tools/lambda-node, from the npm registry) lives.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const LAMBDA_NODE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "tools", "lambda-node");

/** The registry's Node for this platform: its path, whether it exists, whether one is published. */
export function lambdaNodeBinary() {
  const manifest = JSON.parse(readFileSync(join(LAMBDA_NODE_DIR, "package.json"), "utf8"));
  const name = `node-${process.platform}-${process.arch}`;
  const version = manifest.optionalDependencies[name];
  const path = join(LAMBDA_NODE_DIR, "node_modules", name, "bin", "node");
  return { name, version, path, supported: version !== undefined, installed: existsSync(path) };
}
