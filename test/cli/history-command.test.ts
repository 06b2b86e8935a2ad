import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import type { CliIo } from "#lib/cli/io.ts";
import { runCli } from "#lib/cli/run-cli.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import type { ReportListing } from "#lib/history/list-reports.ts";
import { createTarStream } from "#lib/output/tar.ts";
import type { ReportDetails } from "#lib/report/types.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import { generateReport, type LinkDocument } from "#lib/use-cases/generate-report.ts";
import {
  DEMO_SEED,
  type FixturePort,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
  type TestTarget,
  testTargets,
} from "../helpers/kong-db.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar, untar } from "../helpers/untar.ts";

const BUCKET = "reports";
const target = testTargets().at(-1) as TestTarget;

async function cli(env: CliIo["env"], ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (chunk) => {
      stdout += Buffer.from(chunk).toString("utf8");
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}

describe(`Command: history and generate --previous (${target})`, () => {
  let db: TestDatabase;
  let sql: FixturePort;
  let s3: LocalS3;
  let folder: string;
  let env: CliIo["env"];
  const links: LinkDocument[] = [];
  /** The source options of `generate`: the fixture on PostgreSQL, or the demo database. */
  const source = () =>
    db.target === "postgres" ? ["--database-url", db.connectionString, "--schema", sql.schema] : ["--demo"];

  beforeAll(async () => {
    db = await openTestDatabase(target);
    sql = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    s3 = await startLocalS3([BUCKET]);
    folder = await mkdtemp(join(tmpdir(), "klr-history-"));
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    env = { AWS_ENDPOINT_URL_S3: s3.endpoint };
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    for (const month of ["2026-09", "2026-10", "2026-11"]) {
      links.push(
        await generateReport({
          sql,
          store,
          format: "tar",
          collect: { asOf: month, now: new Date(`${month}-15T08:30:00Z`) },
          prefix: "license-reports/",
          urlTtlSeconds: 60,
          trigger: "cli",
          cluster: identifyCluster("prod-eu-1", { kind: "demo" }),
        }),
      );
    }
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
    await db?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("prints { reports } newest first with --json, each url a report that verifies", async () => {
    const run = await cli(env, "history", "--s3-bucket", BUCKET, "--json", "--url-ttl", "120");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const listing = JSON.parse(run.stdout) as ReportListing;
    expect(listing.next).toBeUndefined();
    expect(listing.reports.map((r) => [r.key, r.as_of, r.cluster, r.trigger])).toEqual(
      [...links].reverse().map((l, i) => [l.key, ["2026-11", "2026-10", "2026-09"][i], "prod-eu-1", "cli"]),
    );
    for (const report of listing.reports) {
      const response = JSON.parse(
        (await fetchTar(report.url)).get("response.json")?.toString("utf8") ?? "{}",
      );
      expect(verifyReport(response).valid).toBe(true);
    }
  });

  it("prints a table with the next page's option when more reports are stored", async () => {
    const run = await cli(env, "history", "--s3-bucket", BUCKET, "--limit", "2");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^GENERATED \(UTC\)\s+AS OF\s+CLUSTER\s+TRIGGER\s+FORMAT\s+BYTES\s+CHECKSUM\s+KEY$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^2026-11-15 08:30:00  2026-11  prod-eu-1  cli\\s+tar\\s+[\\d,]+  ${links[2]?.checksum.slice(0, 12)}  ${links[2]?.key}$`,
      ),
    );
    expect(lines[2]).toContain(links[1]?.key);
    const next = /More: add --next (\S+)/.exec(run.stdout)?.[1] ?? "";
    const rest = await cli(env, "history", "--s3-bucket", BUCKET, "--limit", "2", "--next", next, "--json");
    expect((JSON.parse(rest.stdout) as ReportListing).reports.map((r) => r.key)).toEqual([links[0]?.key]);
  });

  it.each([
    [["--limit", "0"], /Invalid --limit "0": expected a whole number of reports per page from 1 to 100/],
    [["--next", "garbage"], /Invalid --next: it is not a token from a previous page/],
    [[], /history needs --s3-bucket NAME/],
  ])("exits 2 on %j with one line naming the option", async (args, message) => {
    const run = await cli(env, "history", ...(args.length === 0 ? [] : ["--s3-bucket", BUCKET]), ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exits 6 naming S3's answer when the bucket cannot be listed", async () => {
    const run = await cli(env, "history", "--s3-bucket", "no-such-bucket");
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(
      /Listing the stored reports under s3:\/\/no-such-bucket\/license-reports\/(scheduled|adhoc)\/ failed: NoSuchBucket/,
    );
  });

  it("adds since_previous and a trend from --previous FILE, and refuses a tampered FILE with a warning", async () => {
    // Prepare: last month's tar, as downloaded.
    const previous = join(folder, "previous.tar");
    await writeFile(previous, Buffer.from(await (await fetch(String(links[1]?.url))).arrayBuffer()));

    // Act
    const out = join(folder, "now.tar");
    const run = await cli(
      env,
      "generate",
      ...source(),
      "--format",
      "tar",
      "--out",
      out,
      "--previous",
      previous,
    );

    // Assess
    expect(run.code).toBe(0);
    const details = JSON.parse(
      (await untar(await readFile(out))).get("details.json")?.toString("utf8") ?? "{}",
    ) as ReportDetails;
    expect(details.since_previous).toMatchObject({
      key: previous,
      checksum: links[1]?.checksum,
      as_of: "2026-10",
    });
    expect(details.trend?.reports.map((p) => p.key)).toEqual([previous, undefined]);
    const html = (await untar(await readFile(out))).get("summary.html")?.toString("utf8") ?? "";
    expect(html).toContain('<h2 id="since">Since the last report</h2>');
    expect(html).toContain('<h2 id="trend">Trend over the last 2 reports of this cluster</h2>');

    // Tamper: one more route in last month's response.json, checksum unchanged.
    const files = await untar(await readFile(previous));
    const report = JSON.parse(files.get("response.json")?.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    report.routes_count = Number(report.routes_count) + 1;
    files.set("response.json", Buffer.from(JSON.stringify(report, null, 2)));
    const tampered = join(folder, "tampered.tar");
    await writeFile(
      tampered,
      Buffer.concat(
        await createTarStream([...files].map(([name, content]) => ({ name, content }))).toArray(),
      ),
    );
    const refused = await cli(
      env,
      "generate",
      ...source(),
      "--format",
      "tar",
      "--out",
      join(folder, "again.tar"),
      "--previous",
      tampered,
    );
    expect(refused.code).toBe(0);
    expect(refused.stderr).toMatch(
      new RegExp(`^warning: the previous report ${tampered} was not used: its checksum does not verify`, "m"),
    );
    const again = JSON.parse(
      (await untar(await readFile(join(folder, "again.tar")))).get("details.json")?.toString("utf8") ?? "{}",
    ) as ReportDetails;
    expect(again.since_previous).toBeUndefined();
    expect(again.trend?.left_out).toEqual([
      { key: tampered, reason: expect.stringMatching(/does not verify/) },
    ]);
  });

  it.each([
    [["--previous", "x.tar", "--s3-bucket", "b"], /--previous and --s3-bucket exclude each other/],
    [["--previous", "x.tar"], /--previous needs the details.*--format tar or --include-details/],
  ])("refuses %j with exit 2", async (args, message) => {
    const run = await cli(env, "generate", "--demo", ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
