#!/usr/bin/env node
import type { CliIo } from "../lib/cli/io.ts";
import { runCli } from "../lib/cli/run-cli.ts";

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
