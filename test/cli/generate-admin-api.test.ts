import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeKongAdminApi } from "../../local/kong-admin-api.ts";
import {
  DR_REPORT_BYTES,
  DR_TOKEN,
  drNode,
  PROD_KEYS,
  PROD_REPORT,
  PROD_REPORT_BYTES,
  PROD_TOKEN,
  prodNode,
} from "../../local/kong-api-sample.ts";
import { encodeLikeCjson } from "../../local/kong-report-bytes.ts";
import { makeTestCertificates, type TestCertificates } from "../../local/test-certificates.ts";
import { parseCsv } from "../helpers/csv.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { untar } from "../helpers/untar.ts";

// `generate --admin-api`: Kong's own report from its Admin API, byte for byte, verified; the token from
// KONG_ADMIN_TOKEN or --admin-token-env (never an option value); --ca-file, --insecure; the refusals.

let folder: string;
let certificates: TestCertificates;
let prod: FakeServer;
let dr: FakeServer;
let secured: FakeServer;
let edited: FakeServer;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-admin-"));
  certificates = makeTestCertificates();
  prod = await startFakeKongAdminApi(prodNode());
  dr = await startFakeKongAdminApi(drNode());
  secured = await startFakeKongAdminApi(prodNode(), { key: certificates.key, cert: certificates.cert });
  edited = await startFakeKongAdminApi({
    ...prodNode(),
    report: encodeLikeCjson({ ...PROD_REPORT, services_count: 1 }),
  });
});

afterAll(async () => {
  await Promise.all([prod, dr, secured, edited].map((server) => server?.close()));
  await rm(folder, { recursive: true, force: true });
  await rm(certificates.folder, { recursive: true, force: true });
});

describe("generate --admin-api", () => {
  it("writes Kong's bytes exactly (json), the token from KONG_ADMIN_TOKEN; verify says OK", async () => {
    const stdout = await runCliCapturing({ KONG_ADMIN_TOKEN: PROD_TOKEN }, [
      "generate",
      "--admin-api",
      prod.url,
    ]);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toBe(PROD_REPORT_BYTES.toString("utf8"));

    const out = join(folder, "prod.json");
    const written = await runCliCapturing({ KONG_ADMIN_TOKEN: PROD_TOKEN }, [
      "generate",
      "--admin-api",
      prod.url,
      "--out",
      out,
    ]);
    expect(written.code).toBe(0);
    expect((await readFile(out)).equals(PROD_REPORT_BYTES)).toBe(true);
    expect(written.stderr).toBe(
      `Wrote ${out} (${PROD_REPORT_BYTES.length} bytes): Kong's own report from its Admin API at ${prod.url}, checksum ${PROD_REPORT.checksum as string} verified.\n`,
    );
    const verified = await runCliCapturing({}, ["verify", out]);
    expect(verified.stdout).toBe(
      `OK ${out}: SHA-1 checksum ${PROD_REPORT.checksum as string} matches the report's content.\n`,
    );
  });

  it("writes a tar: Kong's response.json, our details.json (source admin-api), the page and the CSVs", async () => {
    const out = join(folder, "prod.tar");
    const run = await runCliCapturing({ KONG_ADMIN_TOKEN: PROD_TOKEN }, [
      "generate",
      "--admin-api",
      prod.url,
      "--format",
      "tar",
      "--out",
      out,
      "--discrete-rules",
      join(folder, "rules.json"),
    ]).catch((error: unknown) => error);
    // No rules file yet: a usage error naming it, before any request.
    expect(run).toMatchObject({ code: 2 });
    await import("node:fs/promises").then(({ writeFile }) =>
      writeFile(join(folder, "rules.json"), JSON.stringify([{ find: "\\.dev\\.", replace_with: ".prod." }])),
    );
    const ok = await runCliCapturing({ KONG_ADMIN_TOKEN: PROD_TOKEN }, [
      "generate",
      "--admin-api",
      prod.url,
      "--format",
      "tar",
      "--out",
      out,
      "--discrete-rules",
      join(folder, "rules.json"),
      "--list-discrete-services",
      "--cluster-name",
      "prod-cp",
    ]);
    expect(ok.code).toBe(0);
    const files = await untar(await readFile(out));
    expect([...files.keys()]).toEqual([
      "response.json",
      "details.json",
      "summary.html",
      "report.csv",
      "ai-usage.csv",
    ]);
    expect(files.get("response.json")?.equals(PROD_REPORT_BYTES)).toBe(true);
    const details = JSON.parse(String(files.get("details.json")));
    expect(details).toMatchObject({
      checksum: PROD_REPORT.checksum,
      cluster: "prod-cp",
      collector: { name: "kong-license-report", source: "admin-api" },
      admin_api: { url: prod.url, kong_version: "3.9.1.0", status: "Healthy" },
      discrete_services: { count: PROD_KEYS.length, list: PROD_KEYS },
    });
    const page = String(files.get("summary.html"));
    expect(page).toContain(
      '<p class="subtitle">Generated 2025-04-01 00:00 UTC · Kong&#39;s own report, from its Admin API</p>',
    );
    expect(page).toContain("Kong itself (GET /license/report), read by kong-license-report");
    const csv = parseCsv(String(files.get("report.csv")));
    expect(csv.slice(1)).toEqual([
      ["default", "0f6c1a4e-0000-4000-8000-000000000001", "5", "4", "9", "3", "", "", "", "7", "prod-cp"],
      ["empty", "0f6c1a4e-0000-4000-8000-000000000003", "0", "0", "", "", "", "", "", "", "prod-cp"],
      ["team-a", "0f6c1a4e-0000-4000-8000-000000000002", "3", "3", "3", "1", "", "", "", "2", "prod-cp"],
      ["TOTAL", "", "8", "5", "12", "4", "7", "2", "0", "9", "prod-cp"],
    ]);
  });

  it("reads the token from the variable --admin-token-env names; a DB-less node's report has no counters, not an error", async () => {
    const run = await runCliCapturing({ DR_ADMIN: DR_TOKEN }, [
      "generate",
      "--admin-api",
      dr.url,
      "--admin-token-env",
      "DR_ADMIN",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(DR_REPORT_BYTES.toString("utf8"));
  });

  it("reads over TLS with --ca-file, or --insecure; fails TLS without either, naming the way out", async () => {
    const env = { KONG_ADMIN_TOKEN: PROD_TOKEN };
    const withCa = await runCliCapturing(env, [
      "generate",
      "--admin-api",
      secured.url,
      "--ca-file",
      certificates.caFile,
    ]);
    expect(withCa.stdout).toBe(PROD_REPORT_BYTES.toString("utf8"));
    const insecure = await runCliCapturing(env, ["generate", "--admin-api", secured.url, "--insecure"]);
    expect(insecure.stdout).toBe(PROD_REPORT_BYTES.toString("utf8"));
    const untrusted = await runCliCapturing(env, ["generate", "--admin-api", secured.url]);
    expect([untrusted.code, untrusted.stderr]).toEqual([
      4,
      `Kong's Admin API at ${secured.url} (GET /license/report): TLS failed, the server's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): give the CA that signed it (--ca-file, or ca_file in the environments file), or, knowingly, --insecure.\n`,
    ]);
  });

  it("fails a wrong token with exit 4 and Kong's message, the token nowhere; refuses an edited report with exit 1", async () => {
    const wrong = "wrong-admin-token-271828";
    const refused = await runCliCapturing({ KONG_ADMIN_TOKEN: wrong }, ["generate", "--admin-api", prod.url]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(
      `Kong's Admin API at ${prod.url} (GET /license/report): HTTP 401, the token was refused (missing, wrong or expired) ("Invalid credentials. Token or User credentials required").\n`,
    );
    expect(refused.stdout + refused.stderr).not.toContain(wrong);

    const out = join(folder, "edited.json");
    const rejected = await runCliCapturing({ KONG_ADMIN_TOKEN: PROD_TOKEN }, [
      "generate",
      "--admin-api",
      edited.url,
      "--out",
      out,
    ]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(
      /^Kong's Admin API at http:\/\/127\.0\.0\.1:\d+ answered a report whose checksum does not match its content \(claims [0-9a-f]{40}, its content hashes to [0-9a-f]{40}\): refused as edited, never passed on\.\n$/,
    );
    await expect(readFile(out)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("asks without a token when none is set, and says so", async () => {
    const open = await startFakeKongAdminApi({ ...drNode(), token: undefined } as never);
    try {
      const run = await runCliCapturing({}, ["generate", "--admin-api", open.url]);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^No token in KONG_ADMIN_TOKEN/);
      expect(open.requests[0]?.token).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it.each([
    [
      ["--admin-api", "https://k:8001", "--database-url", "postgres://h/k"],
      "--admin-api and --database-url exclude each other: Kong's Admin API serves its own report, no database is read.",
    ],
    [
      ["--admin-api", "https://k:8001", "--demo"],
      "--admin-api and --demo exclude each other: Kong's Admin API serves its own report, no database is read.",
    ],
    [["--demo", "--ca-file", "ca.pem"], "--ca-file applies to --admin-api only."],
    [["--demo", "--insecure"], "--insecure applies to --admin-api only."],
    [["--demo", "--admin-token-env", "T"], "--admin-token-env applies to --admin-api only."],
    [
      ["--admin-api", "https://k", "--ca-file", "ca.pem", "--insecure"],
      "--ca-file and --insecure exclude each other: verify against the CA file, or (knowingly) not at all.",
    ],
    [["--admin-api", "kong:8001"], "--admin-api must be an http(s) URL, e.g. https://kong-admin:8001."],
    [
      ["--admin-api", "https://u:p@kong:8001"],
      "--admin-api must not hold credentials (user:password@): give the token in KONG_ADMIN_TOKEN or the variable --admin-token-env names.",
    ],
    [
      ["--admin-api", "https://k", "--admin-token-env", "AWS_SECRET_ACCESS_KEY"],
      '--admin-token-env must name an environment variable (letters, digits, "_"), not an AWS_* one (those hold this process\'s own credentials).',
    ],
    [
      ["--admin-api", "https://k", "--admin-token-env", "UNSET_TOKEN"],
      "--admin-token-env names UNSET_TOKEN, which is not set.",
    ],
    [
      ["--admin-api", "https://k", "--include-details"],
      "--include-details does not apply to --admin-api: response.json stays Kong's bytes: use --format tar for details.json beside it.",
    ],
    [
      ["--admin-api", "https://k", "--as-of", "2026-01"],
      "--as-of does not apply to --admin-api: Kong reports its own current month.",
    ],
    [
      ["--admin-api", "https://k", "--s3-bucket", "b"],
      "--s3-bucket does not apply to --admin-api: not yet for an Admin API report: write a file and upload it.",
    ],
  ])("refuses %j before any request", async (args, message) => {
    const run = await runCliCapturing({}, ["generate", ...args]);
    expect([run.code, run.stderr]).toEqual([2, `${message}\n`]);
  });
});
