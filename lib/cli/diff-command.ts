import { diffReports } from "../diff/diff-reports.ts";
import { formatDiffText } from "../diff/format-diff-text.ts";
import { ReportError } from "../errors.ts";
import { checkCompanions, type ReadFile, readReportFile } from "../output/read-report-file.ts";
import { describeAlgorithm, verifyReport } from "../report/verify-report.ts";
import { stringifyJson } from "../shared/visible-text.ts";
import { defineCommand } from "./command-table.ts";
import { formatHelp } from "./format-help.ts";
import { readCommandLine } from "./read-command-line.ts";

/** What the diff command may touch, injected so tests run it in-process. */
export interface DiffIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a report file; text (UTF-8) or bytes. Default: the file system, its size checked first. */
  readonly readFile?: ReadFile;
  /** The largest file read (KONG_LICENSE_REPORT_MAX_FILE_MB); default 256 MiB. */
  readonly maxBytes?: number;
}

/** `diff`'s command line: OLD and NEW, and how to compare them. */
export const DIFF_COMMAND = defineCommand({
  name: "diff",
  summary: "show what changed between two reports",
  usage: "diff [--json] [--no-verify] OLD NEW",
  description: [
    "Shows what changed between two license reports: entity counts, plugins by tier (new,",
    "removed and changed plugins), requests per month, and, when both files carry details",
    "(a report tar, or JSON generated with details), workspaces added, removed or changed.",
    "OLD and NEW are report .json files or report .tar files (not an estate: give one of its",
    "environments/<name>/response.json). A report's checksum and a tar's manifest are checked;",
    "what comes from details no manifest covers (a JSON report's) is labelled as such.",
  ],
  positionals: { count: 2, what: "two files, OLD and NEW (report .json or .tar files)" },
  options: {
    json: { type: "boolean", section: "Options", help: ["print the changes as JSON instead of text"] },
    "no-verify": {
      type: "boolean",
      help: ["compare even when a file's checksum or manifest does not match its content"],
    },
  },
  exitCodes: ["Exit codes: 0 compared, 1 a checksum does not verify, 2 bad option or unreadable file."],
});

export const DIFF_HELP = formatHelp(DIFF_COMMAND);

/** `diff OLD NEW`: 0 when compared, 1 when a checksum does not verify, 2 on bad input. */
export async function runDiffCommand(args: string[], io: DiffIo): Promise<number> {
  try {
    return await diffCommand(args, io);
  } catch (error) {
    if (error instanceof ReportError) {
      io.stderr(`${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

async function diffCommand(args: string[], io: DiffIo): Promise<number> {
  const { help, values, positionals } = readCommandLine(DIFF_COMMAND, args);
  if (help) {
    io.stdout(DIFF_HELP);
    return 0;
  }
  // readCommandLine has held them to exactly two.
  const [oldPath, newPath] = positionals as [string, string];
  const options = {
    ...(io.readFile === undefined ? {} : { read: io.readFile }),
    ...(io.maxBytes === undefined ? {} : { maxBytes: io.maxBytes }),
  };
  const older = await readReportFile(oldPath, options);
  const newer = await readReportFile(newPath, options);
  let verified: [boolean, boolean] | undefined;
  if (values["no-verify"] !== true) {
    let refused = false;
    for (const reading of [older, newer]) {
      const check = verifyReport(reading.document.content);
      const source = reading.document.source;
      if (!check.valid) {
        refused = true;
        io.stderr(
          check.claimed === null
            ? `${source} has no checksum, so it cannot be verified. Use --no-verify to compare anyway.\n`
            : `${source}: checksum ${check.claimed} does not match its content (${describeAlgorithm(check.algorithm)} ${check.computed}); the report was changed after it was generated. Use --no-verify to compare anyway.\n`,
        );
      }
      for (const problem of checkCompanions(reading).problems) {
        refused = true;
        io.stderr(`${source}: ${problem}. Use --no-verify to compare anyway.\n`);
      }
    }
    if (refused) return 1;
    verified = [true, true];
  }
  const diff = diffReports(older.document, newer.document, verified);
  io.stdout(values.json === true ? `${stringifyJson(diff, 2)}\n` : formatDiffText(diff));
  return 0;
}
