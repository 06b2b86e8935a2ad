import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readGenerateOptions } from "#lib/cli/generate-options.ts";
import type { CliIo } from "#lib/cli/io.ts";
import { runCli } from "#lib/cli/run-cli.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import type { LicenseReport } from "#lib/report/types.ts";
import checksumVectors from "../fixtures/checksum-vectors.json" with { type: "json" };
import { findFreePort } from "../helpers/free-port.ts";
import {
  DATASETS,
  describePostgres,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar, untar } from "../helpers/untar.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// What `--demo` says on stderr, so nobody mistakes the sample data for their Kong.
const DEMO_NOTE =
  'Reading the embedded demo database (sample data), not your Kong: the report is marked collector.source "demo-database". Use --database-url or the --data-api-* options for your own.\n';

async function cli(...argv: string[]): Promise<Run> {
  return cliWithEnv({}, ...argv);
}

async function cliWithEnv(env: CliIo["env"], ...argv: string[]): Promise<Run> {
  const out: Buffer[] = [];
  let stderr = "";
  const io: CliIo = {
    stdout: (chunk) => {
      out.push(Buffer.from(chunk));
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  };
  const code = await runCli(argv, io);
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr };
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-cli-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("Command: generate (demo database)", () => {
  it("prints the report JSON and nothing else, with a checksum that verifies", async () => {
    // Act
    const run = await cli("generate", "--demo", "--as-of", "2026-11", "--out", "-");

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(DEMO_NOTE);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report.checksum).toBe(computeChecksum(report));
    expect(report).toMatchObject({
      collector: { source: "demo-database" },
      workspaces_count: 5,
      services_count: 21,
      routes_count: 40,
      kong_version: "3.15.x",
    });
    expect(report).not.toHaveProperty("details");

    const file = join(folder, "demo.json");
    await writeFile(file, run.stdout);
    expect(await cli("verify", file)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^OK /) });
  });

  it("writes a tar with response.json, details.json, summary.html, report.csv and ai-usage.csv that verifies", async () => {
    const file = join(folder, "demo.tar");
    const run = await cli(
      "generate",
      "--demo",
      "--format",
      "tar",
      "--out",
      file,
      "--node-uname",
      "Linux x86_64",
      "--node-cores",
      "8",
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(DEMO_NOTE);
    expect(run.stderr).toMatch(/Wrote .*demo\.tar \(\d+ bytes\) from the embedded demo database/);

    const verify = await cli("verify", file);
    expect(verify.code).toBe(0);
    const names = [...(await untar(await readFile(file))).keys()];
    expect(names).toEqual([
      "response.json",
      "details.json",
      "summary.html",
      "report.csv",
      "ai-usage.csv",
      "usage.csv",
      "usage-by-tag.csv",
      "manifest.json",
    ]);
    // Every file of the tar is covered: verify says so on its second line.
    expect(verify.stdout.split("\n")[1]).toMatch(
      /^OK .*demo\.tar: manifest\.json \(digest [0-9a-f]{64}\) covers all 7 files of the tar \(response\.json, details\.json, summary\.html, report\.csv, ai-usage\.csv, usage\.csv, usage-by-tag\.csv\): each one's size and SHA-256 match, and details\.json is of this report\.$/,
    );
  });

  it("labels the cluster in details.json, report.csv and summary.html with --cluster-name", async () => {
    const file = join(folder, "named.tar");
    const run = await cli(
      "generate",
      "--demo",
      "--format",
      "tar",
      "--out",
      file,
      "--cluster-name",
      "prod-eu-1",
    );
    expect(run.code).toBe(0);
    const files = await untar(await readFile(file));
    const details = JSON.parse(files.get("details.json")?.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    expect(Object.keys(details).slice(0, 3)).toEqual(["generated_at", "checksum", "cluster"]);
    expect(details.cluster).toBe("prod-eu-1");
    // report.csv is one table: the header, the workspaces, the totals row.
    const csvRows = (files.get("report.csv")?.toString("utf8") ?? "").trim().split("\r\n");
    // The demo's five workspaces and the totals row, each ending with the label.
    expect(csvRows.slice(1).map((row) => row.split(",").at(-1))).toEqual(Array(6).fill("prod-eu-1"));
    expect(files.get("summary.html")?.toString("utf8")).toContain("Cluster <strong>prod-eu-1</strong>");
    // The label is not part of Kong's report, so the checksum does not change with it.
    expect((await cli("verify", file)).code).toBe(0);
  });

  it("takes the label from CLUSTER_NAME when no --cluster-name is given, the option winning", () => {
    expect(readGenerateOptions(["--demo"], { CLUSTER_NAME: "staging" }).clusterName).toBe("staging");
    expect(
      readGenerateOptions(["--demo", "--cluster-name", "prod"], { CLUSTER_NAME: "staging" }).clusterName,
    ).toBe("prod");
    expect(() => readGenerateOptions(["--demo"], { CLUSTER_NAME: "a/b" })).toThrow(
      /Invalid CLUSTER_NAME "a\/b"/,
    );
  });

  it("shows progress on stderr when it is a terminal, and keeps stdout clean", async () => {
    const out: Buffer[] = [];
    const lines: string[] = [];
    const file = join(folder, "progress.tar");
    const code = await runCli(["generate", "--demo", "--format", "tar", "--out", file], {
      stdout: (chunk) => {
        out.push(Buffer.from(chunk));
      },
      stderr: (text) => {
        lines.push(text);
      },
      env: {},
      stderrIsTTY: true,
    });
    expect(code).toBe(0);
    expect(out).toEqual([]);
    expect(lines[0]).toBe(DEMO_NOTE);
    expect(lines[1]).toBe("Connecting to the embedded demo database and reading the report…\n");
    expect(lines[2]).toBe("Read the report; reading the details (per workspace, discrete services)…\n");
    expect(lines[3]).toBe("  details page 1…\n");
    expect(lines.at(-2)).toMatch(/^Read the report and its details in \d+ queries; writing it…\n$/);
    expect(lines.at(-1)).toMatch(/^Wrote .*progress\.tar/);
  });

  it("adds details to the JSON only when asked, and verify still accepts it", async () => {
    const run = await cli("generate", "--demo", "--include-details");
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { details?: { workspaces?: unknown[] } };
    expect(document.details?.workspaces).toHaveLength(5);
    const file = join(folder, "with-details.json");
    await writeFile(file, run.stdout);
    expect((await cli("verify", file)).stdout).toMatch(/details beside it are not covered/);
  });
});

describe("Command: generate --s3-bucket (local S3 checking SigV4)", () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startLocalS3(["reports"]);
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
  });

  it("uploads the tar and prints the link document, whose URL downloads a report that verifies", async () => {
    // Act
    const run = await cliWithEnv(
      { AWS_ENDPOINT_URL_S3: s3.endpoint },
      "generate",
      "--demo",
      "--format",
      "tar",
      "--s3-bucket",
      "reports",
      "--url-ttl",
      "120",
    );

    // Assess
    expect(run.code).toBe(0);
    const link = JSON.parse(run.stdout) as Record<string, string | number>;
    expect(link).toMatchObject({ bucket: "reports", format: "tar" });
    expect(String(link.key)).toMatch(
      /^license-reports\/adhoc\/\d{13}\/_src-[0-9a-f]{16}\/\d{4}-\d{2}\/cli\/[0-9a-f]{40}\/report-.*_(AM|PM)-[0-9a-f]{12}\.tar$/,
    );
    expect(await s3.listKeys("reports")).toEqual([link.key]);
    const files = await fetchTar(String(link.url));
    const report = JSON.parse(files.get("response.json")?.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    expect(report.checksum).toBe(link.checksum);
    expect(computeChecksum(report)).toBe(link.checksum);
    expect(run.stderr).not.toContain("X-Amz-Signature");
  });
});

describe("Command: generate (bad input)", () => {
  it.each([
    [["--format", "zip"], /--format "zip": allowed values are json, tar/],
    [["--as-of", "2026-13"], /--as-of "2026-13": expected a month as YYYY-MM/],
    [["--time-zone", "Mars/Base"], /Unknown --time-zone "Mars\/Base"/],
    [["--bogus"], /unknown option '--bogus'/],
    [["--demo", "--out", "/nonexistent-folder/r.json"], /the folder \/nonexistent-folder does not exist/],
    [["--demo", "--database-url", "postgres://h/db"], /Choose one source/],
    [["--data-api-resource-arn", "arn:aws:rds:x"], /missing --data-api-secret-arn, --data-api-database/],
    [["--database-url", "mysql://h/db"], /expected postgres:\/\/user:password@host:5432\/database/],
    [["--demo", "--node-cores", "many"], /--node-cores "many": expected a whole number/],
    [["--demo", "--url-ttl", "60"], /need --s3-bucket/],
    [
      ["--demo", "--s3-bucket", "b", "--url-ttl", "999999999"],
      /--url-ttl "999999999": expected whole seconds from 1 to 604800/,
    ],
    [["--format", "tar", "--include-details"], /--include-details applies to --format json/],
    [["extra"], /Unexpected argument "extra"/],
    [["--demo", "--cluster-name", "prod eu"], /--cluster-name "prod eu": expected 1 to 63 letters, digits/],
    [[], /generate needs a source: --database-url URL .*--data-api-resource-arn.* or --demo/],
    [["--format", "tar"], /generate needs a source/],
    [["--demo", "--include-details", "--no-details"], /--include-details and --no-details contradict/],
    [["--demo", "--as-of", "2026-01", "--as-of", "2026-10"], /--as-of is given more than once/],
    [["--demo", "--format", "json", "--format", "tar"], /--format is given more than once/],
  ])("rejects %j with exit 2 and one line naming the option", async (args, message) => {
    const run = await cli("generate", ...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("says which database could not be reached, without the password", async () => {
    const port = await findFreePort();
    const run = await cli("generate", "--database-url", `postgres://kong:s3cret@127.0.0.1:${port}/kong`);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`Cannot reach PostgreSQL at 127.0.0.1:${port}/kong as kong (ECONNREFUSED)`);
    expect(run.stderr).not.toContain("s3cret");
  });

  it("refuses an unknown command", async () => {
    expect(await cli("report")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Unknown command "report"/),
    });
  });
});

describe("Command: verify", () => {
  it("exits 1 on an edited report and names both checksums", async () => {
    const run = await cli("generate", "--demo");
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    const file = join(folder, "edited.json");
    await writeFile(file, JSON.stringify({ ...report, services_count: 999 }));
    const verify = await cli("verify", file);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      new RegExp(`claims checksum ${String(report.checksum)} but its content hashes to [0-9a-f]{40}`),
    );
  });

  it.each([
    ["a missing file", "missing.json", undefined, /Cannot read .*missing\.json: no such file/],
    ["not JSON", "broken.json", "{not json", /is not valid JSON/],
    ["not a report", "other.json", '{"hello": 1}', /is not a license report/],
  ])("exits 2 on %s", async (_case, name, content, message) => {
    const file = join(folder, name);
    if (content !== undefined) await writeFile(file, content);
    const run = await cli("verify", file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describePostgres("Command: generate --database-url (postgres)", () => {
  const target = "postgres";
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(target);
  });

  afterAll(async () => {
    await db?.close();
  });

  it("reads a Kong schema named with --schema", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);
    const url = db.target === "postgres" ? db.connectionString : "";
    const run = await cli("generate", "--database-url", url, "--schema", sql.schema);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      services_count: 1,
      routes_count: 4,
      consumers_count: 2,
    });
  });

  it("refuses a database that is not Kong's with exit 3", async () => {
    const sql = await db.createFixture(DATASETS.notKong);
    const url = db.target === "postgres" ? db.connectionString : "";
    const run = await cli("generate", "--database-url", url, "--schema", sql.schema);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/No Kong schema/);
  });
});

describe("Command: generate and verify (node hostname, checksum algorithms)", () => {
  it("verifies the real Kong 3.9.0.0 report (with its hostname) and says SHA-1 matched", async () => {
    // Prepare: Kong's own report, as pasted in Kong/developer.konghq.com issue #264 (vector V12).
    const real = checksumVectors.vectors.find((vector) => vector.name === "V12");
    const file = join(folder, "real-3.9.0.0.json");
    await writeFile(file, JSON.stringify(real?.report, null, 2));

    // Act
    const run = await cli("verify", file);

    // Assess
    expect(run).toEqual({
      code: 0,
      stdout: `OK ${file}: SHA-1 checksum 6477ca2cc4a70e84595197d2544f5bb11550caa1 matches the report's content.\n`,
      stderr: "",
    });
  });

  it("puts --node-hostname in system_info and signs with --checksum-algorithm sha256", async () => {
    // Act
    const run = await cli(
      "generate",
      "--demo",
      "--node-hostname",
      "931afa0d2ed6",
      "--checksum-algorithm",
      "sha256",
    );

    // Assess
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as LicenseReport;
    expect(report.system_info).toEqual({ hostname: "931afa0d2ed6" });
    expect(report.collector.checksum_algorithm).toBe("sha256");
    expect(report.checksum).toBe(computeChecksum(report as unknown as Record<string, unknown>, "sha256"));
    const file = join(folder, "sha256.json");
    await writeFile(file, run.stdout);
    expect(await cli("verify", file)).toEqual({
      code: 0,
      stdout: `OK ${file}: SHA-256 checksum ${report.checksum} matches the report's content.\n`,
      stderr: "",
    });
  });

  it("takes the hostname and algorithm from KONG_NODE_HOSTNAME and REPORT_CHECKSUM_ALGORITHM", () => {
    const env = { KONG_NODE_HOSTNAME: "kong-cp-0", REPORT_CHECKSUM_ALGORITHM: "sha256" };
    expect(readGenerateOptions(["--demo"], env)).toMatchObject({
      systemInfo: { hostname: "kong-cp-0" },
      checksumAlgorithm: "sha256",
    });
    expect(
      readGenerateOptions(["--demo", "--node-hostname", "cp-1", "--checksum-algorithm", "sha1"], env),
    ).toMatchObject({
      systemInfo: { hostname: "cp-1" },
      checksumAlgorithm: "sha1",
    });
    expect(readGenerateOptions(["--demo"], {})).toMatchObject({ checksumAlgorithm: "sha1" });
    expect(readGenerateOptions(["--demo"], {})).not.toHaveProperty("systemInfo");
  });

  it.each([
    [
      [],
      { REPORT_CHECKSUM_ALGORITHM: "md5" },
      /Invalid REPORT_CHECKSUM_ALGORITHM "md5": allowed values are sha1, sha256/,
    ],
    [
      ["--checksum-algorithm", "sha512"],
      {},
      /Invalid --checksum-algorithm "sha512": allowed values are sha1, sha256/,
    ],
  ])("rejects %j %j with exit 2 naming the allowed algorithms", async (args, env, message) => {
    const run = await cliWithEnv(env, "generate", "--demo", ...args);
    expect(run).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(message) });
  });

  it("names the algorithm when a report does not verify", async () => {
    const real = checksumVectors.vectors.find((vector) => vector.name === "V12");
    const file = join(folder, "real-edited.json");
    await writeFile(file, JSON.stringify({ ...real?.report, services_count: 3 }));
    const run = await cli("verify", file);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^MISMATCH .*real-edited\.json: it claims checksum 6477ca2cc4a70e84595197d2544f5bb11550caa1 but its content hashes to [0-9a-f]{40} \(SHA-1\)/,
    );
  });
});

describe("Process: bin/cli.ts", () => {
  it("keeps stdout to the report alone when run as a process", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "bin/cli.ts", "generate", "--demo", "--out", "-"],
      {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        maxBuffer: 10_000_000,
      },
    );
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report.checksum).toBe(computeChecksum(report));
    expect(stderr).toBe(`kong-license-report: ${DEMO_NOTE}`);
  });

  it("exits 2 with one line for a bad option", async () => {
    const failure = await promisify(execFile)(process.execPath, [
      "--import",
      "tsx",
      "bin/cli.ts",
      "generate",
      "--format",
      "zip",
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({
      code: 2,
      stderr: 'kong-license-report: Invalid --format "zip": allowed values are json, tar.\n',
    });
  });
});
