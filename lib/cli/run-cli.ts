import { showInvisible } from "../shared/visible-text.ts";
import type { CommandSpec } from "./command-table.ts";
import { describeCliError } from "./describe-error.ts";
import { DIFF_COMMAND, runDiffCommand } from "./diff-command.ts";
import { runEstateCommand } from "./estate-command.ts";
import { ESTATE_COMMAND } from "./estate-table.ts";
import { formatProgramHelp } from "./format-help.ts";
import { runGenerateCommand } from "./generate-command.ts";
import { GENERATE_COMMAND } from "./generate-table.ts";
import { HISTORY_COMMAND, runHistoryCommand } from "./history-command.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readFileLimit } from "./user-file.ts";
import { runVerifyCommand, VERIFY_COMMAND } from "./verify-command.ts";

interface Command {
  readonly spec: CommandSpec;
  readonly run: (args: string[], io: CliIo) => Promise<ExitCode>;
}

/** The commands, in the order the help lists them. */
const COMMANDS: readonly Command[] = [
  { spec: GENERATE_COMMAND, run: runGenerateCommand },
  { spec: VERIFY_COMMAND, run: runVerifyCommand },
  {
    spec: DIFF_COMMAND,
    run: (args, io) =>
      runDiffCommand(args, {
        stdout: (text) => io.stdout(text),
        stderr: io.stderr,
        maxBytes: readFileLimit(io.env),
      }),
  },
  { spec: ESTATE_COMMAND, run: runEstateCommand },
  { spec: HISTORY_COMMAND, run: runHistoryCommand },
];

export const CLI_HELP = formatProgramHelp(COMMANDS.map((command) => command.spec));

const NAMES = COMMANDS.map((command) => command.spec.name);
const NAME_LIST = `${NAMES.slice(0, -1).join(", ")} or ${NAMES.at(-1)}`;

/**
 * Runs one CLI invocation; every error becomes one line on stderr and an exit code. Every text the
 * commands write (messages, tables, diffs, JSON) shows invisible characters as escapes, with the one
 * rule of lib/shared/visible-text.ts: a name or a forged file cannot move the cursor, recolour a
 * line or reverse the text after it. Bytes (a report or a tar streamed to stdout) pass unchanged.
 */
export async function runCli(argv: readonly string[], terminal: CliIo): Promise<ExitCode> {
  const io: CliIo = {
    ...terminal,
    stdout: (chunk) => terminal.stdout(typeof chunk === "string" ? showInvisible(chunk) : chunk),
    stderr: (text) => terminal.stderr(showInvisible(text)),
  };
  const [name, ...args] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(CLI_HELP);
    return 0;
  }
  if (name === undefined) {
    io.stderr(`a command is required.\n${CLI_HELP}`);
    return 2;
  }
  const command = COMMANDS.find((candidate) => candidate.spec.name === name);
  if (command === undefined) {
    io.stderr(`Unknown command "${name}": use ${NAME_LIST} (see --help).\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const { message, exitCode } = describeCliError(error, io.env);
    io.stderr(`${message}\n`);
    return exitCode;
  }
}
