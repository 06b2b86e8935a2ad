// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the environments file's own syntax, not a forgotten template.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CliIo } from "#lib/cli/io.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { reportOf } from "../helpers/estate-entries.ts";
import {
  DATASETS,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import { type CliRun, runCliCapturing } from "../helpers/run-cli.ts";
import { untar } from "../helpers/untar.ts";

function cli(env: CliIo["env"], ...argv: string[]): Promise<CliRun> {
  return runCliCapturing(env, argv);
}

/** Rewrites one entry of a tar, keeping the others as they are. */
async function replaceEntry(archive: Buffer, name: string, edit: (text: string) => string): Promise<Buffer> {
  const files = await untar(archive);
  const pack = tar.pack();
  for (const [entry, content] of files) {
    pack.entry({ name: entry }, entry === name ? Buffer.from(edit(content.toString("utf8"))) : content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-estate-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describeTargets("Command: estate over the local Data API endpoint (%s)", (target) => {
  let db: TestDatabase;
  const endpoints: DataApiServer[] = [];
  let envs: string;
  let env: CliIo["env"];

  beforeAll(async () => {
    // The SDK's credential chain reads the process environment (the local endpoint only checks the form).
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
    db = await openTestDatabase(target);
    const core = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39, DATASETS.countersWindow);
    const oss = await db.createFixture(SCHEMAS.oss35, DATASETS.oss35Basic);
    endpoints.push(await startTestEndpoint(db, core.schema), await startTestEndpoint(db, oss.schema));
    const dataApi = (endpoint: string | undefined) => ({
      resource_arn: RESOURCE_ARN,
      secret_arn: SECRET_ARN,
      database: databaseNameOf(db),
      endpoint,
    });
    envs = join(folder, `envs-${target}.json`);
    await writeFile(
      envs,
      JSON.stringify({
        environments: [
          { environment: "core", data_api: dataApi(endpoints[0]?.url) },
          { environment: "<oss>", data_api: dataApi(endpoints[1]?.url) },
          {
            environment: "down",
            database_url: `postgres://kong:\${ESTATE_SECRET_DOWN}@127.0.0.1:${await closedPort()}/kong`,
          },
        ].map((entry) => (entry.environment === "<oss>" ? { ...entry, environment: "oss" } : entry)),
      }),
    );
    env = { ESTATE_SECRET_DOWN: "hunter2-secret" };
    // PGlite plus two fixture schemas and two endpoints: slow on a busy 2-core runner.
  }, 240_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await db?.close();
  });

  it("writes the estate tar, lists the failed environment and exits 7", async () => {
    const out = join(folder, `estate-${target}.tar`);
    const run = await cli(
      env,
      "estate",
      "--environments",
      envs,
      "--as-of",
      "2026-01",
      "--format",
      "tar",
      "--out",
      out,
    );

    expect(run.code).toBe(7);
    expect(run.stderr).toMatch(
      /^ {2}down: FAILED \(\d+\.\d s\): Cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/kong/m,
    );
    expect(run.stderr).toMatch(/^ {2}core: ok/m);
    expect(run.stderr).toContain(
      "2 of 3 environment(s) reported, 4 services, 4 discrete across environments",
    );
    expect(run.stderr).toContain("could not be read and count in no total: down (exit 7)");
    expect(run.stderr + run.stdout).not.toContain("hunter2-secret");

    const files = await untar(await readFile(out));
    expect([...files.keys()]).toEqual([
      "estate.json",
      "environments/core/response.json",
      "environments/oss/response.json",
      "summary.html",
      "estate.csv",
      "manifest.json",
    ]);
    const estate = JSON.parse(files.get("estate.json")?.toString("utf8") ?? "") as EstateDocument;
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as {
      kind: string;
      checksum: string;
      files: Array<{ name: string }>;
      digest: string;
    };
    // The manifest lists every other file and names the estate by its digest.
    expect(manifest.kind).toBe("estate");
    expect(manifest.checksum).toBe(estate.digest);
    expect(manifest.files.map((file) => file.name)).toEqual([...files.keys()].slice(0, -1));
    // core: T2 (1 service, 4 routes, 2 consumers, 0 RBAC users, aws-lambda 4, kafka-upstream 4) and the
    // counters window data set; oss: 3 services, 8 routes, 2 consumers, no rbac_users, no counters.
    expect(estate.totals).toEqual({
      environments: 3,
      environments_reported: 2,
      services_count: 4,
      routes_count: 12,
      consumers_count: 4,
      workspaces_count: 2,
      rbac_users: 0,
      plugins_count: {
        tiers: {
          free: { "aws-lambda": 5, cors: 2, jwt: 4 },
          enterprise: { "kafka-upstream": 4 },
          custom: {},
        },
      },
      discrete_services: 4,
      counters: {
        total_requests: 56,
        buckets: [
          { bucket: "2025-03", request_count: 5 },
          { bucket: "2026-01", request_count: 1 },
          { bucket: "UNKNOWN", request_count: 50 },
        ],
      },
    });
    expect(estate.discrete_services.map((item) => item.key)).toEqual([
      "http://booking:5001null",
      "http://mock-upstream:15555null",
      "http://payment:5002null",
      "http://user:5000null",
    ]);
    const csv = files.get("estate.csv")?.toString("utf8") ?? "";
    // The error names its entry's key in quotes, so the field is quoted (RFC 4180).
    expect(csv.split("\r\n")[3]).toMatch(
      /^down,failed,database_url,(,){13}"Cannot reach PostgreSQL .* Check the host and port in ""database_url"" and that the server is running\."$/,
    );
    expect(csv.split("\r\n")[4]).toBe(`TOTAL,2 of 3 reported,,,2,4,4,12,4,0,11,4,0,15,56,${estate.digest},`);
    const page = files.get("summary.html")?.toString("utf8") ?? "";
    expect(page).toContain('<section class="failed" aria-labelledby="failures">');
    expect(page).toContain(
      '<tr class="failed"><th scope="row">down<span class="source">database_url</span></th>',
    );

    const verified = await cli({}, "verify", out);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toBe(
      [
        `OK ${out}: estate digest ${estate.digest} matches its content.`,
        `  core: OK checksum ${reportOf(estate.environments[0])?.checksum ?? ""}`,
        `  oss: OK checksum ${reportOf(estate.environments[1])?.checksum ?? ""}`,
        "  down: failed when collected, no report to check",
        `OK ${out}: the totals are the sum of the 2 verified report(s).`,
        `OK ${out}: manifest.json (digest ${manifest.digest}) covers all 5 files of the tar (estate.json, environments/core/response.json, environments/oss/response.json, summary.html, estate.csv): each one's size and SHA-256 match.`,
        "",
      ].join("\n"),
    );

    const editedTotals = join(folder, `edited-totals-${target}.tar`);
    await writeFile(
      editedTotals,
      await replaceEntry(await readFile(out), "estate.json", (text) =>
        text.replace('"services_count": 4', '"services_count": 3'),
      ),
    );
    const tampered = await cli({}, "verify", editedTotals);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(
      /^MISMATCH .*: the estate claims digest [0-9a-f]{64} but its content hashes to/,
    );

    const editedReport = join(folder, `edited-report-${target}.tar`);
    await writeFile(
      editedReport,
      await replaceEntry(await readFile(out), "environments/oss/response.json", (text) =>
        text.replace('"routes_count": 8', '"routes_count": 7'),
      ),
    );
    const changed = await cli({}, "verify", editedReport);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(
      "  oss: MISMATCH environments/oss/response.json differs from the estate's report",
    );
  });

  it("prints estate.json on stdout and exits 0 when every environment reports", async () => {
    const only = join(folder, `envs-ok-${target}.json`);
    const file = JSON.parse(await readFile(envs, "utf8")) as { environments: unknown[] };
    await writeFile(only, JSON.stringify({ environments: file.environments.slice(0, 2) }));
    const run = await cli(env, "estate", "--environments", only, "--as-of", "2026-01", "--concurrency", "1");
    expect(run.code).toBe(0);
    const estate = JSON.parse(run.stdout) as EstateDocument;
    expect(estate.environments.map((entry) => entry.status)).toEqual(["ok", "ok"]);
    const path = join(folder, `estate-${target}.json`);
    await writeFile(path, run.stdout);
    expect((await cli({}, "verify", path)).code).toBe(0);
  });
});

describe("Command: estate refuses bad input before touching a database", () => {
  it("names a duplicate environment and exits 2", async () => {
    const path = join(folder, "dup.json");
    await writeFile(
      path,
      JSON.stringify({
        environments: [
          { environment: "prod", database_url: "postgres://kong@127.0.0.1:1/kong" },
          { environment: "Prod", demo: true },
        ],
      }),
    );
    const run = await cli({}, "estate", "--environments", path);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${path}: environment "Prod" (entry #2) has the same name as entry #1; names must be unique (case does not count: they become folder names).\n`,
    );
  });

  it("requires --environments and a sane --concurrency", async () => {
    const missing = await cli({}, "estate");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "estate needs --environments FILE: a JSON file listing the environments (see --help).\n",
    );
    const concurrency = await cli({}, "estate", "--environments", "x.json", "--concurrency", "0");
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toBe('Invalid --concurrency "0": expected a whole number from 1 to 32.\n');
    const unreadable = await cli({}, "estate", "--environments", join(folder, "none.json"));
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe(
      `Cannot read --environments file ${join(folder, "none.json")}: no such file.\n`,
    );
  });

  it("never reads AWS_SECRET_ACCESS_KEY, wherever the file asks for it, and no output holds its value", async () => {
    // Prepare: the value asked for in every field of every kind of entry.
    const value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const ask = "${AWS_SECRET_ACCESS_KEY}";
    const entries = [
      { environment: "a", database_url: `postgres://kong:${ask}@db/kong` },
      { environment: "b", database_url: `postgres://kong:pw@${ask}/kong` },
      { environment: "c", database_url: `postgres://kong:pw@db/${ask}` },
      { environment: "d", database_url: `postgres://kong:pw@db/kong?application_name=${ask}` },
      { environment: "e", demo: true, kong_version: ask },
      { environment: "f", demo: true, node_uname: ask },
      { environment: "g", demo: true, admin_token: ask },
      {
        environment: "h",
        data_api: { resource_arn: ask, secret_arn: ask, database: ask, endpoint: ask, role_arn: ask },
      },
    ];
    const outputs: string[] = [];
    for (const [index, entry] of entries.entries()) {
      const path = join(folder, `aws-secret-${index}.json`);
      const out = join(folder, `aws-secret-${index}.tar`);
      await writeFile(path, JSON.stringify({ environments: [entry] }));

      // Act
      const run = await cli(
        { AWS_SECRET_ACCESS_KEY: value, ESTATE_SECRET_VARIABLES: "AWS_SECRET_ACCESS_KEY" },
        "estate",
        "--environments",
        path,
        "--format",
        "tar",
        "--out",
        out,
      );

      // Assess: refused before any connection, naming the field; nothing written.
      expect(run.code, `${entry.environment}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/AWS_\* variables are never read|holds a \$\{…\} reference/);
      outputs.push(run.stdout, run.stderr, await readFile(out, "utf8").catch(() => ""));
    }
    expect(outputs.join("\n")).not.toContain(value);
    expect(outputs.join("\n")).not.toContain("wJalr");
  });
});
