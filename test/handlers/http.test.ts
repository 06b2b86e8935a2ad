import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { createReportRuntime } from "#lib/compose/report-runtime.ts";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import { createHttpHandler } from "../../handlers/http.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import {
  DEMO_SEED,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import {
  buildHttpApiEvent,
  buildLambdaContext,
  cognitoClaims,
  type HttpEventInput,
} from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { untar } from "../helpers/untar.ts";

// The middy handler end to end: HTTP API v2 events → the local Data API endpoint over a Kong
// database (PGlite, or PostgreSQL with KONG_TEST_DATABASE_URL) → s3rver (SigV4 checked) → the
// presigned URL fetched over HTTP.

const BUCKET = "reports";
// <prefix>adhoc/<inverted ms>/<cluster: digest of the source>/<as-of>/http/<checksum>/<file name>
const KEY =
  /^license-reports\/adhoc\/\d{13}\/_src-[0-9a-f]{16}\/\d{4}-\d{2}\/http\/[0-9a-f]{40}\/report-\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_(AM|PM)-[0-9a-f]{12}\.(json|tar)$/;

function bodyOf(response: HttpResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describeTargets("Handler: GET /license/report on %s", (target) => {
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let proxy: FaultProxy;
  let logs: string[];
  let env: Record<string, string>;
  // The demo seed's licence key (the first test checks the report carries it).
  const licenseKey = "DEMO-0000-FAKE-LICENSE-NOT-VALID";

  const createHandler = (overrides: Partial<Parameters<typeof createHttpHandler>[0]> = {}) =>
    createHttpHandler({
      env,
      // Keeps the lines, to check what the logs hold.
      logger: createLogger({ write: (line) => logs.push(line) }),
      deadline: { marginMs: 1_000, cleanupMs: 500 },
      ...overrides,
    }).handler;
  let handler: ReturnType<typeof createHandler>;

  const call = async (input: HttpEventInput = {}, remainingMs = 60_000) =>
    (await handler(await buildHttpApiEvent(input), buildLambdaContext(remainingMs) as never)) as HttpResponse;

  beforeAll(async () => {
    db = await openTestDatabase(target);
    const fixture = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    dataApi = await startTestEndpoint(db, fixture.schema);
    s3 = await startLocalS3([BUCKET]);
    proxy = await startFaultProxy(s3.endpoint);
    // The SDK's own credential chain and region, as in Lambda.
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    env = {
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: databaseNameOf(db),
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      REPORT_BUCKET: BUCKET,
      REPORT_PREFIX: "license-reports",
      REPORT_URL_TTL_SECONDS: "300",
      ADMIN_GROUPS: "kong-admins",
      ADMIN_SCOPES: "license-report/admin",
      KONG_NODE_UNAME: "Linux kong-cp-0 6.1.0 x86_64",
      KONG_NODE_CORES: "4",
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await proxy?.close();
    await s3?.close();
    await dataApi?.close();
    await db?.close();
  });

  beforeEach(() => {
    logs = [];
    proxy.decide = () => "forward";
    handler = createHandler();
  });

  it("answers 200 with a link document whose URL serves the JSON report", async () => {
    // Act
    const response = await call({ query: "format=json" });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-store");
    const link = bodyOf(response) as unknown as LinkDocument;
    expect(Object.keys(link).sort()).toEqual(
      ["bucket", "bytes", "checksum", "expires_at", "format", "generated_at", "key", "url"].sort(),
    );
    expect(link).toMatchObject({ bucket: BUCKET, format: "json" });
    expect(link.key).toMatch(KEY);
    const expiresIn = Date.parse(link.expires_at) - Date.parse(link.generated_at);
    expect(expiresIn).toBeGreaterThan(299_000);
    expect(expiresIn).toBeLessThan(310_000);

    const download = await fetch(link.url);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(link.bytes);
    const report = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
    expect(report).not.toHaveProperty("details");
    expect(report.checksum).toBe(link.checksum);
    expect(computeChecksum(report)).toBe(link.checksum);
    expect(report.system_info).toEqual({ uname: "Linux kong-cp-0 6.1.0 x86_64", cores: 4 });
    expect((report.license as Record<string, unknown>).license_key).toBe(licenseKey);

    const head = await s3.client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: link.key }));
    expect(head.ContentType).toBe("application/json");
    expect(head.Metadata?.checksum).toBe(link.checksum);
    expect(head.Metadata?.["kong-version"]).toBe(report.kong_version);
    const put = proxy.seen.find(
      (request) => request.method === "PUT" && request.url.includes(encodeURI(link.key)),
    );
    expect(put?.headers["x-amz-server-side-encryption"]).toBe("AES256");
  });

  it("streams a tar whose response.json is the report, with details.json, summary.html, report.csv, ai-usage.csv, usage.csv, usage-by-tag.csv and manifest.json", async () => {
    // Act
    const response = await call({ query: "format=tar" });

    // Assess
    expect(response.statusCode).toBe(200);
    const link = bodyOf(response) as unknown as LinkDocument;
    expect(link.key).toMatch(KEY);
    expect(link.key.endsWith(".tar")).toBe(true);
    const download = await fetch(link.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(
      /^attachment; filename="report-\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_(AM|PM)\.tar"$/,
    );
    const archive = Buffer.from(await download.arrayBuffer());
    expect(archive.byteLength).toBe(link.bytes);
    const files = await untar(archive);
    expect([...files.keys()]).toEqual([
      "response.json",
      "details.json",
      "summary.html",
      "report.csv",
      "ai-usage.csv",
      "usage.csv",
      "usage-by-tag.csv",
      "manifest.json",
    ]);
    const report = JSON.parse(files.get("response.json")?.toString("utf8") ?? "") as Record<string, unknown>;
    expect(computeChecksum(report)).toBe(report.checksum);
    expect(report.checksum).toBe(link.checksum);
    expect(report.services_count).toBeGreaterThan(0);
    const details = JSON.parse(files.get("details.json")?.toString("utf8") ?? "") as Record<string, unknown>;
    expect(details.checksum).toBe(link.checksum);
    expect(Array.isArray(details.workspaces)).toBe(true);
    expect(files.get("summary.html")?.toString("utf8")).toContain("<html");
  });

  it("adds details to JSON only with include=details, and skips the extra queries with details=false", async () => {
    // Act
    const withDetails = bodyOf(
      await call({ query: "format=json&include=details" }),
    ) as unknown as LinkDocument;
    const lean = bodyOf(await call({ query: "format=tar&details=false" })) as unknown as LinkDocument;

    // Assess
    const json = (await (await fetch(withDetails.url)).json()) as Record<string, unknown>;
    const details = json.details as Record<string, unknown>;
    expect(Array.isArray(details.workspaces)).toBe(true);
    const { details: _details, ...report } = json;
    expect(computeChecksum(report)).toBe(withDetails.checksum);
    const files = await untar(Buffer.from(await (await fetch(lean.url)).arrayBuffer()));
    const leanDetails = JSON.parse(files.get("details.json")?.toString("utf8") ?? "") as Record<
      string,
      unknown
    >;
    expect(leanDetails).not.toHaveProperty("workspaces");
    expect(leanDetails.checksum).toBe(lean.checksum);
  });

  it("answers 303 to the presigned URL with redirect=true, which a client follows to the tar", async () => {
    // Act
    const response = await call({ query: "format=tar&redirect=true" });

    // Assess
    expect(response.statusCode).toBe(303);
    const location = response.headers.location ?? "";
    expect(location).toBe((bodyOf(response) as unknown as LinkDocument).url);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect((await untar(Buffer.from(await download.arrayBuffer()))).has("response.json")).toBe(true);
  });

  it("checks access on HEAD without generating a report, and answers OPTIONS with Allow", async () => {
    // Prepare
    const before = await s3.listKeys(BUCKET);

    // Act
    const head = await call({ method: "HEAD", query: "format=tar" });
    const headDenied = await call({ method: "HEAD", claims: cognitoClaims(["users"]) });
    const options = await call({ method: "OPTIONS", claims: null });

    // Assess
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe("");
    expect(headDenied.statusCode).toBe(403);
    expect(options.statusCode).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, OPTIONS");
    expect(await s3.listKeys(BUCKET)).toEqual(before);
  });

  it("lets an admin in by scope alone", async () => {
    // Act
    const response = await call({ claims: cognitoClaims([]), scopes: ["openid", "license-report/admin"] });

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ["no authorizer context", null, 401],
    ["empty claims", {}, 401],
    ["a user outside the admin group", cognitoClaims(["users", "developers"]), 403],
  ])("refuses %s", async (_case, claims, status) => {
    // Act
    const response = await call({ claims });

    // Assess
    expect(response.statusCode).toBe(status);
    const { message } = bodyOf(response);
    if (status === 401) {
      expect(response.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(message).toContain("Authorization: Bearer");
    } else {
      expect(message).toContain("kong-admins");
      expect(message).toContain("license-report/admin");
    }
  });

  it.each([
    ["format=xml", "format", /json or tar/],
    ["format=json&format=tar", "format", /given 2 times/],
    ["fromat=tar", "fromat", /Unknown query parameter "fromat"/],
    ["redirect=yes", "redirect", /true or false/],
    ["as_of=2026-13", "as_of", /YYYY-MM/],
    [
      "as_of=2014-12",
      "as_of",
      /"2014-12": the reporting month must be from 2015-01 to \d{4}-\d{2} \(next month\)/,
    ],
    ["as_of=2999-01", "as_of", /"2999-01": the reporting month must be from 2015-01/],
    ["include=everything", "include", /"details"/],
  ])("answers 400 to %s, naming the parameter", async (query, parameter, hint) => {
    // Act
    const response = await call({ query });

    // Assess
    expect(response.statusCode).toBe(400);
    const { message } = bodyOf(response);
    expect(message).toContain(parameter);
    expect(message).toMatch(hint);
  });

  it("answers 405 with Allow to another method and 404 to another path", async () => {
    // Act
    const post = await call({ method: "POST" });
    const other = await call({ path: "/license/reports" });
    const staged = await call({ stage: "prod", query: "format=json" });

    // Assess
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD, OPTIONS");
    expect(bodyOf(post).message).toContain("POST");
    expect(other.statusCode).toBe(404);
    expect(bodyOf(other).message).toContain("/license/report");
    expect(staged.statusCode).toBe(200);
  });

  it("serves links the S3 server refuses once tampered with or expired", async () => {
    // Prepare: links that live one second, one signed now and one by a clock an hour behind
    // (already expired: no real waiting).
    const ttlEnv = { ...env, REPORT_URL_TTL_SECONDS: "1" };
    handler = createHandler({ env: ttlEnv });
    const link = bodyOf(await call()) as unknown as LinkDocument;
    const tampered = new URL(link.url);
    tampered.searchParams.set("X-Amz-Expires", "604800");
    const hourAgo = () => new Date(Date.now() - 3_600_000);
    handler = createHandler({
      env: ttlEnv,
      createRuntime: (config) => createReportRuntime(config, { now: hourAgo }),
    });
    const expired = bodyOf(await call()) as unknown as LinkDocument;

    // Act
    const tamperedResponse = await fetch(tampered);
    const expiredResponse = await fetch(expired.url);

    // Assess
    expect(tamperedResponse.status).toBe(403);
    expect(await tamperedResponse.text()).toContain("SignatureDoesNotMatch");
    expect(expiredResponse.status).toBe(403);
    expect(await expiredResponse.text()).toContain("AccessDenied");
  });

  it("answers 502 when S3 drops the upload mid-body, leaving nothing in the bucket", async () => {
    // Prepare: every PUT loses its connection after part of the body (all SDK retries too).
    const before = await s3.listKeys(BUCKET);
    proxy.decide = (request) => (request.method === "PUT" ? "cut-mid-body" : "forward");

    // Act
    const response = await call({ query: "format=tar" });

    // Assess
    expect(response.statusCode).toBe(502);
    expect(bodyOf(response).message).toMatch(
      /^Uploading the report to s3:\/\/reports\/license-reports\/.*failed/,
    );
    expect(bodyOf(response).message).toContain("Nothing was stored.");
    expect(proxy.seen.filter((request) => request.action === "cut-mid-body").length).toBeGreaterThanOrEqual(
      1,
    );
    expect(await s3.listKeys(BUCKET)).toEqual(before);
    expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
  });

  it("answers 503 with Retry-After while the Aurora cluster resumes, then 200 once it has", async () => {
    // Prepare: fast backoff, three attempts; the cluster answers DatabaseResumingException three times.
    handler = createHandler({
      createRuntime: (config) =>
        createReportRuntime(config, { dataApiRetry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } }),
    });
    dataApi.pauseCluster(3);

    // Act
    const resuming = await call();
    const resumed = await call();

    // Assess
    expect(resuming.statusCode).toBe(503);
    expect(resuming.headers["retry-after"]).toMatch(/^\d+$/);
    expect(bodyOf(resuming).message).toMatch(/resum/i);
    expect(resumed.statusCode).toBe(200);
  });

  it("answers 504 when the Lambda deadline comes first, storing nothing", async () => {
    // Prepare: the deadline is 1 ms after the early-timeout margin, so the abort fires at once.
    const before = await s3.listKeys(BUCKET);

    // Act
    const response = await call({ query: "format=tar" }, 1_001);

    // Assess
    expect(response.statusCode).toBe(504);
    expect(bodyOf(response).message).toMatch(/deadline/);
    expect(await s3.listKeys(BUCKET)).toEqual(before);
    expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
  });

  it("answers 20 concurrent requests with 20 distinct objects", async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call({ query: i % 2 === 0 ? "format=json" : "format=tar" })),
    );

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(200));
    const links = responses.map((response) => bodyOf(response) as unknown as LinkDocument);
    expect(new Set(links.map((link) => link.key)).size).toBe(20);
    const stored = await s3.listKeys(BUCKET);
    for (const link of links) expect(stored).toContain(link.key);
    const sizes = await Promise.all(links.map(async (link) => (await fetch(link.url)).arrayBuffer()));
    expect(sizes.map((body) => body.byteLength)).toEqual(links.map((link) => link.bytes));
  });

  it("logs one JSON record per step with the request id, and never the license key or a URL signature", async () => {
    // Prepare
    const context = buildLambdaContext();

    // Act
    const response = (await handler(
      await buildHttpApiEvent({ query: "format=json" }),
      context as never,
    )) as HttpResponse;
    await call({ claims: cognitoClaims(["users"]) });

    // Assess
    expect(response.statusCode).toBe(200);
    const records = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const stored = records.find((record) => record.message === "report stored");
    expect(stored).toMatchObject({
      level: "INFO",
      requestId: context.awsRequestId,
      function_request_id: context.awsRequestId,
      function_name: context.functionName,
      format: "json",
      bucket: BUCKET,
      key: (bodyOf(response) as unknown as LinkDocument).key,
    });
    for (const field of ["bytes", "duration_ms", "collect_ms", "queries"])
      expect(typeof stored?.[field]).toBe("number");
    expect(typeof stored?.cold_start).toBe("boolean");
    expect(stored?.queries).toBeGreaterThan(1);
    expect(records.find((record) => record.message === "request refused")?.status).toBe(403);
    const all = logs.join("\n");
    expect(all).not.toContain(licenseKey);
    expect(all).not.toMatch(/X-Amz-(Signature|Credential)=[^[]/);
    expect(all).not.toContain("    at ");
  });

  it("fails with a 500 naming the variable when configuration is missing, on every call", async () => {
    // Prepare
    const { REPORT_BUCKET: _bucket, ...withoutBucket } = env;
    handler = createHandler({ env: withoutBucket });

    // Act
    const first = await call();
    const second = await call();

    // Assess
    expect(first.statusCode).toBe(500);
    expect(bodyOf(first).message).toMatch(/^REPORT_BUCKET is not set/);
    expect(second.statusCode).toBe(500);
  });
});
