#!/usr/bin/env node
import { runDiffCommand } from "../lib/cli/diff-command.ts";
import { runGenerateCommand } from "../lib/cli/generate-command.ts";
import type { CliIo } from "../lib/cli/io.ts";
import { runVerifyCommand } from "../lib/cli/verify-command.ts";
import { describeCliError } from "../lib/cli/describe-error.ts";

const HELP = `Usage: kong-license-report <command> [options]

Kong Gateway's License Report straight from the Kong PostgreSQL database.

Commands:
  generate   produce the report (JSON or tar) from a database, the Data API or the demo
  verify     check a report's checksum against its content
  diff       show what changed between two reports

Run "kong-license-report <command> --help" for a command's options.
`;

const commands: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  generate: runGenerateCommand,
  verify: runVerifyCommand,
  diff: (args, io) =>
    runDiffCommand(args, {
      stdout: (text) => io.stdout(text),
      stderr: io.stderr,
      readFile: async (path) => (await import("node:fs/promises")).readFile(path, "utf8"),
    }),
};

/** Runs one CLI invocation; every error becomes one line on stderr and an exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr(`Unknown command "${name}": use generate, verify or diff (see --help).\n`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    const { message, exitCode } = describeCliError(error, io.env);
    io.stderr(`${message}\n`);
    return exitCode;
  }
}

const io: CliIo = {
  stdout: (chunk) => {
    process.stdout.write(chunk);
  },
  stderr: (text) => {
    process.stderr.write(`kong-license-report: ${text}`);
  },
  env: process.env,
  flush: () => new Promise((resolve) => process.stdout.write("", () => resolve())),
};

// A closed pipe (e.g. `| head`) is the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), io);
