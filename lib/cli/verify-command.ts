import type { ManifestCheck } from "../output/manifest.ts";
import { checkCompanions, type ReportReading, readDocumentFile } from "../output/read-report-file.ts";
import { describeAlgorithm, verifyReport } from "../report/verify-report.ts";
import { defineCommand } from "./command-table.ts";
import { formatHelp } from "./format-help.ts";
import type { CliIo, ExitCode } from "./io.ts";
import { readCommandLine } from "./read-command-line.ts";
import { readFileLimit, readTrustedKey } from "./user-file.ts";
import { reportEstateVerification } from "./verify-estate-file.ts";
import { describeTarChecks, type TrustedKey } from "./verify-tar.ts";

/** `verify`'s command line: one FILE, and the public key that proves who signed it. */
export const VERIFY_COMMAND = defineCommand({
  name: "verify",
  summary: "check a report's checksum, every file of its tar, and who signed it",
  usage: "verify [--public-key FILE] FILE",
  description: [
    `Checks that a license report's "checksum" matches its content (Kong's algorithm:`,
    "SHA-1 of the Lua inspect serialisation; a 64-hex checksum is checked as SHA-256 over",
    "the same serialisation, as Kong's newest docs describe it, and the output says which",
    "matched). FILE is a report JSON file, a report tar, or an estate (estate.json or an",
    "estate tar: its SHA-256 digest, every environment's report checksum, and its totals",
    "recomputed from those reports). In a tar, every file is checked against manifest.json",
    "(size and SHA-256, bound to the report's checksum) and details.json must carry the",
    "report's checksum. A tar holding anything this tool does not write (a name twice, ./,",
    "../ or an absolute path, a link, another file or folder) is refused, each entry named.",
  ],
  positionals: { count: 1, what: "one FILE (a report .json or .tar)" },
  options: {
    "public-key": {
      type: "string",
      value: "FILE",
      section: "Options",
      help: [
        "a PEM public key (EC P-256 or RSA): the tar's manifest.sig must be a valid signature",
        "of its manifest.json by this key, which proves who produced the report (a checksum",
        "proves only that content and checksum agree). On AWS: aws kms get-public-key (docs/deploy.md)",
      ],
    },
  },
  exitCodes: [
    "Exit codes: 0 valid, 1 a checksum, a file, the totals or the signature does not match",
    "(changed after it was generated), 2 unreadable, too large, or not a file this tool writes.",
  ],
});

export const VERIFY_HELP = formatHelp(VERIFY_COMMAND);

/** `verify FILE`: 0 when everything matches, 1 when something does not, 2 on unreadable input. */
export async function runVerifyCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const line = readCommandLine(VERIFY_COMMAND, args);
  if (line.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  // readCommandLine has held it to exactly one.
  const [file] = line.positionals as [string];
  const keyFile = line.values["public-key"];
  const publicKey = keyFile === undefined ? undefined : await readTrustedKey(keyFile, io.env);
  const key =
    publicKey === undefined || keyFile === undefined ? undefined : { file: keyFile, key: publicKey };
  const reading = await readDocumentFile(file, { maxBytes: readFileLimit(io.env) });
  if (reading.kind === "estate") return reportEstateVerification(file, reading, io, key);
  return reportVerification(file, reading, io, key);
}

function reportVerification(
  file: string,
  reading: ReportReading,
  io: CliIo,
  key: TrustedKey | undefined,
): ExitCode {
  const { document } = reading;
  const result = verifyReport(document.content);
  if (result.claimed === null) {
    io.stderr(`${file} has no "checksum", so it cannot be verified.\n`);
    return 2;
  }
  const lines: string[] = [];
  if (result.valid) {
    const note =
      reading.tar === undefined && document.details !== undefined
        ? " (the details beside it are not covered by the checksum)"
        : "";
    lines.push(
      `OK ${file}: ${describeAlgorithm(result.algorithm)} checksum ${result.computed} matches the report's content${note}.`,
    );
  } else {
    const shape = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(result.claimed)
      ? ""
      : " (a checksum is 40 hex digits, SHA-1, or 64, SHA-256)";
    lines.push(
      `MISMATCH ${file}: it claims checksum ${result.claimed}${shape} but its content hashes to ${result.computed} (${describeAlgorithm(result.algorithm)}); the report was changed after it was generated.`,
    );
  }
  const companions = checkCompanions(reading);
  const tarChecks =
    reading.tar === undefined
      ? describeJsonChecks(file, companions.problems, key)
      : describeTarChecks(
          file,
          reading.tar,
          manifestNote(reading.tar.manifest, companions.problems),
          companions.problems,
          key,
        );
  lines.push(...tarChecks.lines);
  io.stdout(`${lines.join("\n")}\n`);
  return result.valid && tarChecks.valid ? 0 : 1;
}

/** A JSON report: its inline details must be of it; it carries no signature (a tar does). */
function describeJsonChecks(
  file: string,
  problems: readonly string[],
  key: TrustedKey | undefined,
): { lines: string[]; valid: boolean } {
  const lines = problems.map((problem) => `MISMATCH ${file}: ${problem}.`);
  if (key !== undefined) {
    lines.push(
      `MISMATCH ${file}: a JSON report carries no signature, so it cannot show who produced it; verify the report tar (generate --format tar --signing-key).`,
    );
  }
  return { lines, valid: lines.length === 0 };
}

/** What the manifest covers beyond the file list: details.json is of this report. */
function manifestNote(manifest: ManifestCheck, problems: readonly string[]): string {
  const listed = manifest.manifest?.files.map((entry) => entry.name) ?? [];
  return listed.includes("details.json") && problems.length === 0
    ? ", and details.json is of this report"
    : "";
}
