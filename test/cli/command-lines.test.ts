import { describe, expect, it } from "vitest";
import { readGenerateOptions } from "#lib/cli/generate-options.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

/**
 * Every command refuses a bad command line the same way, before it opens anything: exit 2, nothing
 * on stdout, one line naming the argument and saying what is allowed.
 */

const REPEATED = (option: string) =>
  `${option} is given more than once: give it once (the last value would otherwise win silently).\n`;

describe.each([
  {
    command: "generate",
    repeated: ["--demo", "--format", "json", "--format", "tar"],
    repeatedOption: "--format",
    unknown: ["--demo", "--bogus"],
    unknownMessage: "unknown option '--bogus' for generate. See kong-license-report generate --help.\n",
    badValue: ["--demo", "--out"],
    badValueMessage: "--out needs a value: --out FILE|-. See kong-license-report generate --help.\n",
    stray: ["--demo", "extra"],
    strayMessage: 'Unexpected argument "extra": generate takes options only. See --help.\n',
  },
  {
    command: "verify",
    repeated: ["-h", "--help"],
    repeatedOption: "--help",
    unknown: ["--json", "report.json"],
    unknownMessage: "unknown option '--json' for verify. See kong-license-report verify --help.\n",
    // A value given to a flag is its value fault.
    badValue: ["--help=yes"],
    badValueMessage:
      "--help takes no value: give --help alone, not --help=yes. See kong-license-report verify --help.\n",
    stray: ["report.json", "extra.json"],
    strayMessage:
      "verify takes exactly one FILE (a report .json or .tar). See: kong-license-report verify --help\n",
  },
  {
    command: "diff",
    repeated: ["--json", "--json", "old.json", "new.json"],
    repeatedOption: "--json",
    unknown: ["--jsn", "old.json", "new.json"],
    unknownMessage:
      "unknown option '--jsn' for diff: did you mean --json? See kong-license-report diff --help.\n",
    badValue: ["--no-verify=false", "old.json", "new.json"],
    badValueMessage:
      "--no-verify takes no value: give --no-verify alone, not --no-verify=false. See kong-license-report diff --help.\n",
    stray: ["old.json", "new.json", "extra.json"],
    strayMessage:
      "diff takes exactly two files, OLD and NEW (report .json or .tar files). See: kong-license-report diff --help\n",
  },
  {
    command: "estate",
    repeated: ["--environments", "a.json", "--environments", "b.json"],
    repeatedOption: "--environments",
    unknown: ["--environment", "envs.json"],
    unknownMessage:
      "unknown option '--environment' for estate: did you mean --environments? See kong-license-report estate --help.\n",
    badValue: ["--environments"],
    badValueMessage:
      "--environments needs a value: --environments FILE. See kong-license-report estate --help.\n",
    stray: ["--environments", "envs.json", "extra"],
    strayMessage: 'Unexpected argument "extra": estate takes options only. See --help.\n',
  },
  {
    command: "history",
    repeated: ["--s3-bucket", "a", "--s3-bucket", "b"],
    repeatedOption: "--s3-bucket",
    unknown: ["--s3-bucket", "a", "--bucket", "b"],
    unknownMessage: "unknown option '--bucket' for history. See kong-license-report history --help.\n",
    badValue: ["--s3-bucket"],
    badValueMessage: "--s3-bucket needs a value: --s3-bucket NAME. See kong-license-report history --help.\n",
    stray: ["--s3-bucket", "a", "extra"],
    strayMessage: 'Unexpected argument "extra": history takes options only. See --help.\n',
  },
])("Command line: $command", (row) => {
  it("refuses a repeated option by name, exit 2", async () => {
    expect(await runCliCapturing({}, [row.command, ...row.repeated])).toEqual({
      code: 2,
      stdout: "",
      stderr: REPEATED(row.repeatedOption),
    });
  });

  it("refuses an unknown option by name, exit 2", async () => {
    expect(await runCliCapturing({}, [row.command, ...row.unknown])).toEqual({
      code: 2,
      stdout: "",
      stderr: row.unknownMessage,
    });
  });

  it("refuses a missing or unwanted value by option, exit 2", async () => {
    expect(await runCliCapturing({}, [row.command, ...row.badValue])).toEqual({
      code: 2,
      stdout: "",
      stderr: row.badValueMessage,
    });
  });

  it("refuses a stray argument, exit 2", async () => {
    expect(await runCliCapturing({}, [row.command, ...row.stray])).toEqual({
      code: 2,
      stdout: "",
      stderr: row.strayMessage,
    });
  });
});

describe("Command line: a value that looks like an option", () => {
  it.each([
    [
      "history",
      ["--s3-bucket", "--json"],
      '--s3-bucket needs a value, not the option "--json": --s3-bucket NAME (write --s3-bucket=--json for a value that starts with "-"). See kong-license-report history --help.\n',
    ],
    [
      "estate",
      ["-o", "--format", "tar"],
      '-o needs a value, not the option "--format": -o FILE|- (write --out=--format for a value that starts with "-"). See kong-license-report estate --help.\n',
    ],
  ])("%s %j is refused rather than taken as the value, exit 2", async (command, args, stderr) => {
    expect(await runCliCapturing({}, [command, ...args])).toEqual({ code: 2, stdout: "", stderr });
  });
});

describe("Command line: --url-ttl, read the same way by generate and history", () => {
  it.each([
    ["generate", ["--demo", "--s3-bucket", "reports", "--url-ttl", "0"], "0"],
    ["generate", ["--demo", "--s3-bucket", "reports", "--url-ttl", "604801"], "604801"],
    ["history", ["--s3-bucket", "reports", "--url-ttl", "1.5"], "1.5"],
    ["history", ["--s3-bucket", "reports", "--url-ttl", "7d"], "7d"],
  ])("%s %j is refused before S3 is contacted, exit 2", async (command, args, ttl) => {
    expect(await runCliCapturing({}, [command, ...args])).toEqual({
      code: 2,
      stdout: "",
      stderr: `Invalid --url-ttl "${ttl}": expected whole seconds from 1 to 604800 (7 days).\n`,
    });
  });

  it("accepts the longest lifetime, 604800 seconds", () => {
    expect(readGenerateOptions(["--demo", "--s3-bucket", "reports", "--url-ttl", "604800"], {}).s3).toEqual({
      bucket: "reports",
      prefix: "license-reports/",
      urlTtlSeconds: 604800,
    });
  });
});

/** What each command accepts, as its help must list it: written out here, not read from the tables. */
const HELP_LINES: Record<string, readonly string[]> = {
  generate: [
    "--demo",
    "--database-url URL",
    "--schema NAME",
    "--statement-timeout SECONDS",
    "--lock-timeout SECONDS",
    "--data-api-resource-arn ARN",
    "--data-api-secret-arn ARN",
    "--data-api-database NAME",
    "--data-api-endpoint URL",
    "--region REGION",
    "--admin-api URL",
    "--admin-token-env NAME",
    "--ca-file FILE",
    "--insecure",
    "--format json|tar",
    "-o, --out FILE|-",
    "--signing-key FILE",
    "--include-details",
    "--no-details",
    "--discrete-rules FILE",
    "--list-discrete-services",
    "--s3-bucket NAME",
    "--s3-prefix PREFIX",
    "--url-ttl SECONDS",
    "--as-of YYYY-MM",
    "--time-zone ZONE",
    "--kong-version VERSION",
    "--deployment-type TYPE",
    "--node-uname TEXT",
    "--node-cores N",
    "--node-hostname NAME",
    "--checksum-algorithm ALG",
    "--license FILE",
    "--cluster-name NAME",
    "--contract FILE",
    "--fail-on warn|over",
    "--tag-prefix PREFIX",
    "--previous FILE",
    "-h, --help",
  ],
  verify: ["--public-key FILE", "-h, --help"],
  diff: ["--json", "--no-verify", "-h, --help"],
  estate: [
    "--environments FILE",
    "--as-of YYYY-MM",
    "--time-zone ZONE",
    "--format json|tar|klcr",
    "-o, --out FILE|-",
    "--signing-key FILE",
    "--include-details",
    "--contract FILE",
    "--fail-on warn|over",
    "--concurrency N",
    "-h, --help",
  ],
  history: [
    "--s3-bucket NAME",
    "--s3-prefix PREFIX",
    "--limit N",
    "--next TOKEN",
    "--json",
    "--url-ttl SECONDS",
    "--usage",
    "-h, --help",
  ],
};

/** An option's line in a help text: two spaces, then `-x, --name` or four spaces and `--name`. */
const OPTION_LINE = /^ {2}(?:-\w, | {4})--/;

/** The help text of the option whose label is `label`: its line and the lines under it. */
function helpOf(help: string, label: string): string {
  const lines = help.split("\n");
  const start = lines.findIndex((line) => OPTION_LINE.test(line) && line.trim().startsWith(label));
  const end = lines.findIndex((line, index) => index > start && (line === "" || OPTION_LINE.test(line)));
  return lines.slice(start, end).join("\n");
}

describe("Command line: --help", () => {
  it.each(Object.entries(HELP_LINES))(
    "%s --help lists its options in order, exit 0",
    async (command, lines) => {
      const run = await runCliCapturing({}, [command, "--help"]);
      expect([run.code, run.stderr]).toEqual([0, ""]);
      const listed = run.stdout
        .split("\n")
        .filter((line) => OPTION_LINE.test(line))
        .map((line) => line.trim().split(/ {2,}/)[0]);
      expect(listed).toEqual(lines);
      expect(run.stdout).toMatch(/\nExit codes: 0 /);
    },
  );

  it.each([
    ["--database-url URL", "KONG_DATABASE_URL"],
    ["--data-api-endpoint URL", "AWS_ENDPOINT_URL_RDS_DATA"],
    ["--node-uname TEXT", "KONG_NODE_UNAME"],
    ["--node-cores N", "KONG_NODE_CORES"],
    ["--node-hostname NAME", "KONG_NODE_HOSTNAME"],
    ["--checksum-algorithm ALG", "REPORT_CHECKSUM_ALGORITHM"],
    ["--cluster-name NAME", "CLUSTER_NAME"],
  ])("generate --help names %s's environment fallback %s under it", async (label, variable) => {
    const run = await runCliCapturing({}, ["generate", "-h"]);
    expect(helpOf(run.stdout, label)).toMatch(
      new RegExp(`\\n {36}\\(or the environment variable ${variable}\\)$`),
    );
  });

  it("prints history's help whole", async () => {
    expect(await runCliCapturing({}, ["history", "--help"])).toEqual({
      code: 0,
      stderr: "",
      stdout: `Usage: kong-license-report history --s3-bucket NAME [options]

Lists the reports stored in S3, newest first, with a fresh download link for each. Reads only
the bucket listing: two ListObjects calls per page, no report is downloaded (except with --usage).

Options:
      --s3-bucket NAME     the report bucket
      --s3-prefix PREFIX   key prefix of the reports (default: license-reports/)
      --limit N            reports per page, 1 to 100 (default 20)
      --next TOKEN         the next page: the token printed under the previous one
      --json               print { "reports": [ … ], "next": … } with each report's presigned url
      --url-ttl SECONDS    lifetime of the download links (default 900, at most 604800)
      --usage              add each report's usage in contract units and contract statuses: one GetObject
                           per listed report (each verified against its checksum)
  -h, --help               this help

AWS credentials and region come from the environment (AWS_PROFILE, AWS_REGION, …);
AWS_ENDPOINT_URL_S3 points at another S3 endpoint.

Exit codes: 0 ok, 2 bad option, 6 the bucket could not be listed.
`,
    });
  });
});
