import { readReportDocument } from "../diff/read-report-file.ts";
import { describeAlgorithm, verifyReport } from "../report/verify-report.ts";
import { defineCommand } from "./command-table.ts";
import { formatHelp } from "./format-help.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readCommandLine } from "./read-command-line.ts";
import { readEstateFile, reportEstateVerification } from "./verify-estate-file.ts";

/** `verify`'s command line: one FILE, no options but --help. */
export const VERIFY_COMMAND = defineCommand({
  name: "verify",
  summary: "check a report's checksum against its content",
  usage: "verify FILE",
  description: [
    `Checks that a license report's "checksum" matches its content (Kong's algorithm:`,
    "SHA-1 of the Lua inspect serialisation; a 64-hex checksum is checked as SHA-256 over",
    "the same serialisation, as Kong's newest docs describe it, and the output says which",
    "matched). FILE is a report JSON file or a report tar (its response.json is checked),",
    "or an estate (estate.json or an estate tar): its SHA-256 digest and every environment's",
    "report checksum are checked.",
  ],
  positionals: { count: 1, what: "one FILE (a report .json or .tar)" },
  options: {},
  exitCodes: ["Exit codes: 0 valid, 1 checksum does not match, 2 unreadable or not a report."],
});

export const VERIFY_HELP = formatHelp(VERIFY_COMMAND);

/** `verify FILE`: 0 when the checksum matches, 1 when it does not, 2 on unreadable input. */
export async function runVerifyCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const line = readCommandLine(VERIFY_COMMAND, args);
  if (line.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  // readCommandLine has held it to exactly one.
  const [file] = line.positionals as [string];
  const estate = await readEstateFile(file);
  if (estate !== undefined) return reportEstateVerification(file, estate, io);
  const document = await readReportDocument(file);
  const result = verifyReport(document.content);
  if (result.claimed === null) {
    io.stderr(`${file} has no "checksum", so it cannot be verified.\n`);
    return 2;
  }
  if (result.valid) {
    const note =
      document.details === undefined ? "" : " (the details beside it are not covered by the checksum)";
    io.stdout(
      `OK ${file}: ${describeAlgorithm(result.algorithm)} checksum ${result.computed} matches the report's content${note}.\n`,
    );
    return 0;
  }
  const shape = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(result.claimed)
    ? ""
    : " (a checksum is 40 hex digits, SHA-1, or 64, SHA-256)";
  io.stdout(
    `MISMATCH ${file}: it claims checksum ${result.claimed}${shape} but its content hashes to ${result.computed} (${describeAlgorithm(result.algorithm)}); the report was changed after it was generated.\n`,
  );
  return 1;
}
