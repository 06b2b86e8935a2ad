import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "#lib/log.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import { describeLocalStack } from "../../local/stack/describe-local-stack.ts";
import { buildLocalEnvironments } from "../../local/stack/env-files.ts";
import { LOCAL_RESOURCES } from "../../local/stack/local-resources.ts";
import { type LocalStack, startLocalStack } from "../../local/stack/start-local-stack.ts";
import { describePostgres } from "../helpers/kong-db.ts";
import { untar } from "../helpers/untar.ts";

const ROOT = resolve(import.meta.dirname, "../..");

let stack: LocalStack;
let work: string;
const accessLog: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "klr-local-stack-"));
  const databaseUrl = process.env.KONG_TEST_DATABASE_URL;
  stack = await startLocalStack({
    port: 0,
    logger: silentLogger,
    accessLog: (line) => accessLog.push(line),
    // On PostgreSQL, a database named after the test database (one prefix per tester on a shared server).
    ...(databaseUrl === undefined
      ? {}
      : { databaseUrl, demoDatabase: `${new URL(databaseUrl).pathname.slice(1)}_stack_${process.pid}` }),
  });
});

afterAll(async () => {
  await stack?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const asAdmin = () => ({ authorization: `Bearer ${stack.tokens.admin}` });

interface LinkDocument {
  url: string;
  expires_at: string;
  bucket: string;
  key: string;
  format: string;
  bytes: number;
  checksum: string;
  generated_at: string;
}

describe("the local stack, used as the printed commands use it", () => {
  it("answers an admin with a link document whose presigned URL downloads the tar from local S3", async () => {
    const response = await fetch(`${stack.reportUrl}?format=tar`, { headers: asAdmin() });
    expect(response.status).toBe(200);
    const link = (await response.json()) as LinkDocument;
    expect(link).toMatchObject({ bucket: LOCAL_RESOURCES.bucket, format: "tar" });
    expect(link.key).toMatch(
      /^license-reports\/adhoc\/\d{13}\/[^/]+\/\d{4}-\d{2}\/http\/[0-9a-f]{40}\/report-\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_(AM|PM)-[^/]+\.tar$/,
    );
    expect(new URL(link.url).origin).toBe(stack.s3Endpoint);
    expect(new URL(link.url).searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);

    const download = await fetch(link.url);
    expect(download.status).toBe(200);
    const tar = Buffer.from(await download.arrayBuffer());
    expect(tar.length).toBe(link.bytes);
    const files = await untar(tar);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(["response.json", "details.json", "summary.html"]),
    );
    const report = JSON.parse(files.get("response.json")?.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    expect(report.checksum).toBe(link.checksum);
    expect(computeChecksum(report)).toBe(link.checksum);
  });

  it("redirects with redirect=true, so curl -L -o report.tar gets a tar that `cli verify` accepts", async () => {
    const response = await fetch(`${stack.reportUrl}?format=tar&redirect=true`, {
      headers: asAdmin(),
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(new URL(location).origin).toBe(stack.s3Endpoint);

    // Following the redirect as curl -L does (without the Authorization header: another host and port).
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/attachment; filename="report-.*\.tar"/);
    const files = await untar(Buffer.from(await download.arrayBuffer()));
    const responseJson = join(work, "response.json");
    writeFileSync(responseJson, files.get("response.json") ?? "");
    const verified = await runCli(["verify", responseJson]);
    expect(verified.status, verified.output).toBe(0);

    // Every file the documented `curl -o report.tar && tar -xf report.tar` leaves in the checkout is ignored.
    for (const name of ["report.tar", ...files.keys()]) {
      const ignored = spawnSync("git", ["check-ignore", "--no-index", "-q", name], { cwd: ROOT });
      expect(ignored.status, `${name} is not in .gitignore`).toBe(0);
    }

    // The same command refuses an edited report.
    const edited = JSON.parse(files.get("response.json")?.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    edited.services_count = Number(edited.services_count ?? 0) + 1;
    const editedJson = join(work, "edited.json");
    writeFileSync(editedJson, JSON.stringify(edited));
    expect((await runCli(["verify", editedJson])).status).toBe(1);
  });

  it("serves the JSON format too, checksum intact", async () => {
    const link = (await (
      await fetch(`${stack.reportUrl}?format=json`, { headers: asAdmin() })
    ).json()) as LinkDocument;
    const report = (await (await fetch(link.url)).json()) as Record<string, unknown>;
    expect(link.format).toBe("json");
    expect(computeChecksum(report)).toBe(report.checksum);
    expect(report.services_count).toEqual(expect.any(Number));
  });

  it("lists the stored reports for an admin (200), newest first with download links, and refuses a viewer (403)", async () => {
    const stored = (await (
      await fetch(`${stack.reportUrl}?format=json`, { headers: asAdmin() })
    ).json()) as LinkDocument;

    const response = await fetch(`${stack.reportsUrl}?limit=1`, { headers: asAdmin() });
    const viewer = await fetch(stack.reportsUrl, {
      headers: { authorization: `Bearer ${stack.tokens.user}` },
    });

    expect(response.status).toBe(200);
    const listing = (await response.json()) as { reports: Array<Record<string, unknown>>; next?: string };
    expect(listing.reports).toHaveLength(1);
    expect(listing.reports[0]).toMatchObject({
      key: stored.key,
      checksum: stored.checksum,
      bytes: stored.bytes,
      format: "json",
      trigger: "http",
    });
    const report = (await (await fetch(String(listing.reports[0]?.url))).json()) as Record<string, unknown>;
    expect(computeChecksum(report)).toBe(stored.checksum);
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { message: string }).message).toContain("local-viewer");
  });

  it("refuses a signed-in user who is not in the admin group with 403", async () => {
    const response = await fetch(`${stack.reportUrl}?format=tar`, {
      headers: { authorization: `Bearer ${stack.tokens.user}` },
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain("local-viewer");
    expect(body.message).toContain(LOCAL_RESOURCES.adminGroup);
  });

  it("answers HEAD for an admin without generating a report", async () => {
    const response = await fetch(`${stack.reportUrl}?format=tar`, { method: "HEAD", headers: asAdmin() });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  it("rejects bad query parameters with 400 naming the parameter", async () => {
    const response = await fetch(`${stack.reportUrl}?format=zip`, { headers: asAdmin() });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("format");
  });
});

describe("the JWT check in front of the function", () => {
  it("answers 401 without a token, as API Gateway's authorizer does", async () => {
    const response = await fetch(stack.reportUrl);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "Unauthorized" });
  });

  it("answers 401 for an expired token, another audience, a tampered token and a forged signature", async () => {
    const admin = { "cognito:groups": [LOCAL_RESOURCES.adminGroup] };
    const expired = await stack.signToken("local-admin", admin, -60);
    const otherAudience = await stack.signToken("local-admin", { ...admin, aud: "some-other-client" });
    const [header, payload, signature] = stack.tokens.admin.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    claims.sub = "someone-else";
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const forged = `${header}.${payload}.${Buffer.alloc(256, 1).toString("base64url")}`;
    for (const token of [expired, otherAudience, tampered, forged, "not-a-jwt"]) {
      const response = await fetch(stack.reportUrl, {
        method: "HEAD",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, token.slice(0, 24)).toBe(401);
    }
  });

  it("takes the audience from client_id too, as Cognito access tokens carry it", async () => {
    const accessToken = await stack.signToken("local-admin", {
      aud: undefined,
      client_id: LOCAL_RESOURCES.audience,
      "cognito:groups": [LOCAL_RESOURCES.adminGroup],
      token_use: "access",
    });
    const response = await fetch(stack.reportUrl, {
      method: "HEAD",
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(200);
  });

  it("has only the deployed routes: another path is API Gateway's 404", async () => {
    const other = await fetch(`${stack.reportUrl.replace("/report", "/other")}`, { headers: asAdmin() });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ message: "Not Found" });
  });

  it("answers another method with 405 and Allow after the token check, and OPTIONS with 204 without one", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const response = await fetch(stack.reportUrl, { method, headers: asAdmin() });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow"), method).toBe("GET, HEAD, OPTIONS");
      expect(((await response.json()) as { message: string }).message, method).toContain(
        `Method ${method} is not allowed on /license/report`,
      );
    }
    expect((await fetch(stack.reportUrl, { method: "POST" })).status).toBe(401);
    const options = await fetch(stack.reportUrl, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(await options.text()).toBe("");
  });

  it("writes an access-log line per request", async () => {
    // Its own requests: one per status, none of them generating a report (the 303 aside).
    const before = accessLog.length;
    await fetch(`${stack.reportUrl}?format=tar`, { method: "HEAD", headers: asAdmin() });
    await fetch(stack.reportUrl, { method: "OPTIONS" });
    await fetch(`${stack.reportUrl}?format=json&redirect=true`, { headers: asAdmin(), redirect: "manual" });
    await fetch(stack.reportUrl);
    await fetch(stack.reportUrl, { headers: { authorization: `Bearer ${stack.tokens.user}` } });
    await fetch(stack.reportUrl.replace("/report", "/other"), { headers: asAdmin() });
    await fetch(stack.reportUrl, { method: "DELETE", headers: asAdmin() });

    const statuses = accessLog.slice(before).map((line) => (JSON.parse(line) as { status: string }).status);
    expect(statuses).toEqual(["200", "204", "303", "401", "403", "404", "405"]);
  });
});

describePostgres("two local stacks on one PostgreSQL server (postgres)", () => {
  const serverUrl = () => process.env.KONG_TEST_DATABASE_URL as string;
  const ownDatabase = () => stack.database.match(/database (\S+)/)?.[1] ?? "";

  it("refuses a second instance that names the first one's database, and the first keeps working", async () => {
    await expect(
      startLocalStack({
        port: 0,
        logger: silentLogger,
        databaseUrl: serverUrl(),
        demoDatabase: ownDatabase(),
      }),
    ).rejects.toThrow(`Database ${ownDatabase()} already exists on this server`);
    expect((await fetch(`${stack.reportUrl}?format=json`, { headers: asAdmin() })).status).toBe(200);
  });

  it("gives a second instance its own database, and stopping it leaves the first one's alone", async () => {
    const second = await startLocalStack({
      port: 0,
      logger: silentLogger,
      databaseUrl: serverUrl(),
      demoDatabase: `${ownDatabase()}_b`,
    });
    expect(second.database).toContain(`database ${ownDatabase()}_b`);
    expect(
      (
        await fetch(`${second.reportUrl}?format=json`, {
          headers: { authorization: `Bearer ${second.tokens.admin}` },
        })
      ).status,
    ).toBe(200);
    await second.close();
    expect((await fetch(`${stack.reportUrl}?format=json`, { headers: asAdmin() })).status).toBe(200);
    const client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    try {
      const left = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname IN ($1, $2) ORDER BY datname",
        [ownDatabase(), `${ownDatabase()}_b`],
      );
      expect(left.rows.map((row) => row.datname)).toEqual([ownDatabase()]);
    } finally {
      await client.end();
    }
  });
});

describe("local S3", () => {
  it("checks presigned URL signatures like S3", async () => {
    const link = (await (
      await fetch(`${stack.reportUrl}?format=json`, { headers: asAdmin() })
    ).json()) as LinkDocument;
    const tampered = new URL(link.url);
    tampered.searchParams.set("X-Amz-Signature", "0".repeat(64));
    expect((await fetch(tampered)).status).toBe(403);
  });
});

describe("the printed instructions", () => {
  it("carry the tokens, the URL and the curl, tar and verify commands", () => {
    const text = describeLocalStack(stack, join(ROOT, ".local-stack", "env"));
    expect(text).toContain(`export ADMIN_TOKEN='${stack.tokens.admin}'`);
    expect(text).toContain(`export USER_TOKEN='${stack.tokens.user}'`);
    expect(text).toContain(`export REPORT_URL='${stack.reportUrl}'`);
    expect(text).toContain(
      'curl -sSL --fail-with-body -o report.tar -H "Authorization: Bearer $ADMIN_TOKEN"',
    );
    expect(text).toContain("tar -xf report.tar && npm run --silent cli -- verify response.json");
    expect(text).toContain('curl -sS -i -H "Authorization: Bearer $USER_TOKEN" "$REPORT_URL"');
  });
});

// Asynchronous on purpose: the local stack serves from this process, so a spawnSync would block
// the event loop that answers the CLI's Data API calls (a deadlock).
function runCli(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bin/cli.ts", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, output: `${stdout}${stderr}` }));
  });
}

describe("the local stack's estate", () => {
  it("collects the Data API database and the embedded demo as two environments, exit 0, digest valid", async () => {
    const environments = join(work, "envs.json");
    writeFileSync(environments, JSON.stringify(buildLocalEnvironments(stack)));
    const out = join(work, "estate.tar");
    const run = await runCli(["estate", "--environments", environments, "--format", "tar", "--out", out]);
    expect(run.output).toContain("2 of 2 environment(s) reported");
    expect(run.status).toBe(0);
    const files = await untar(readFileSync(out));
    expect([...files.keys()]).toEqual([
      "estate.json",
      "environments/local-data-api/response.json",
      "environments/embedded-demo/response.json",
      "summary.html",
      "estate.csv",
      "manifest.json", // every other file's size and SHA-256, bound to the estate's digest
    ]);
    // Both hold the demo deployment: every discrete service is in both environments.
    const estate = JSON.parse(files.get("estate.json")?.toString("utf8") ?? "") as {
      discrete_services: Array<{ environments: string[] }>;
    };
    expect(estate.discrete_services.every((item) => item.environments.length === 2)).toBe(true);
    const verified = await runCli(["verify", out]);
    expect(verified.status).toBe(0);
    expect(verified.output).toMatch(
      /^OK .*estate digest [0-9a-f]{64} matches its content\.\n {2}local-data-api: OK/,
    );
  }, 240_000);
});
