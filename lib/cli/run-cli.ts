import { readFile } from "node:fs/promises";
import { describeCliError } from "./describe-error.ts";
import { runDiffCommand } from "./diff-command.ts";
import { runEstateCommand } from "./estate-command.ts";
import { runGenerateCommand } from "./generate-command.ts";
import { runHistoryCommand } from "./history-command.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { runVerifyCommand } from "./verify-command.ts";

export const CLI_HELP = `Usage: kong-license-report <command> [options]

Kong Gateway's License Report straight from the Kong PostgreSQL database.

Commands:
  generate   produce the report (JSON or tar) from PostgreSQL, the RDS Data API or the demo database
  verify     check a report's checksum against its content
  diff       show what changed between two reports
  estate     the reports of many Kong environments in one verifiable estate
  history    list the reports stored in S3, newest first, with download links

Run "kong-license-report <command> --help" for a command's options.
`;

const commands: Record<string, (args: string[], io: CliIo) => Promise<ExitCode>> = {
  generate: runGenerateCommand,
  verify: runVerifyCommand,
  estate: runEstateCommand,
  history: runHistoryCommand,
  diff: (args, io) =>
    runDiffCommand(args, {
      stdout: (text) => io.stdout(text),
      stderr: io.stderr,
      readFile: (path) => readFile(path),
    }),
};

/** Runs one CLI invocation; every error becomes one line on stderr and an exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(CLI_HELP);
    return 0;
  }
  if (name === undefined) {
    io.stderr(`a command is required.\n${CLI_HELP}`);
    return 2;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr(`Unknown command "${name}": use generate, verify, diff, estate or history (see --help).\n`);
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
