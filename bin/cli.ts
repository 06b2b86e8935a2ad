#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import type { CliIo } from "../lib/cli/io.ts";
import { runCli } from "../lib/cli/run-cli.ts";

// A report is one short run: V8's optimising compiler would spend more time and memory on the
// demo database's WebAssembly than the run has left (Node 20: +80 MB peak; Node 24: +500 MB, in
// background compiles after the report is out; docs/benchmark.md). The budget is per instance, set
// when PGlite starts: with this one its code stays in the baseline compiler for the whole run.
setFlagsFromString("--wasm-tiering-budget=2000000000");

// The SDK's notice about a future Node 20 end of support is noise on a report's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const io: CliIo = {
  stdout: (chunk) => {
    process.stdout.write(chunk);
  },
  stderr: (text) => {
    process.stderr.write(`kong-license-report: ${text}`);
  },
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
  flush: () => new Promise((resolve) => process.stdout.write("", () => resolve())),
};

// A closed pipe (e.g. `| head`) is the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), io);
