import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import type { ListedReport } from "#lib/history/list-reports.ts";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import { generateReport, type LinkDocument } from "#lib/use-cases/generate-report.ts";
import { createReportsHttpHandler } from "../../handlers/reports-http.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import {
  DEMO_SEED,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
  type TestTarget,
  testTargets,
} from "../helpers/kong-db.ts";
import {
  buildHttpApiEvent,
  buildLambdaContext,
  cognitoClaims,
  type HttpEventInput,
} from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar } from "../helpers/untar.ts";

// The middy handler with real HTTP API v2 events, listing what the real use case stored in the
// SigV4-checking local S3; the presigned URLs fetched over HTTP.
const BUCKET = "reports";
const target = testTargets().at(-1) as TestTarget;

describe("Handler: GET /license/reports", () => {
  let db: TestDatabase;
  let s3: LocalS3;
  let proxy: FaultProxy;
  let logs: string[];
  const stored: LinkDocument[] = [];

  const handler = () =>
    createReportsHttpHandler({
      env: {
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        REPORT_BUCKET: BUCKET,
        REPORT_PREFIX: "license-reports",
        REPORT_URL_TTL_SECONDS: "300",
        ADMIN_GROUPS: "kong-admins",
      },
      logger: createLogger({ write: (line) => logs.push(line) }),
    }).handler;
  const call = async (input: HttpEventInput = {}) =>
    (await handler()(
      await buildHttpApiEvent({ path: "/license/reports", ...input }),
      buildLambdaContext() as never,
    )) as HttpResponse;
  const bodyOf = (response: HttpResponse) => JSON.parse(response.body) as Record<string, unknown>;
  const listCalls = () =>
    proxy.seen.filter((r) => r.method === "GET" && r.url.startsWith(`/${BUCKET}/?`)).length;

  beforeAll(async () => {
    db = await openTestDatabase(target);
    const sql = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    s3 = await startLocalS3([BUCKET]);
    proxy = await startFaultProxy(s3.endpoint);
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const runs = [
      ["2026-08", "json", "http", undefined],
      ["2026-09", "tar", "schedule", "prod-eu-1"],
      ["2026-10", "tar", "console", "prod-eu-1"],
    ] as const;
    for (const [month, format, trigger, cluster] of runs) {
      stored.push(
        await generateReport({
          sql,
          store,
          format,
          collect: { asOf: month, now: new Date(`${month}-28T09:00:00Z`) },
          prefix: "license-reports/",
          urlTtlSeconds: 60,
          trigger,
          cluster: identifyCluster(cluster, { kind: "postgres", url: "postgres://kong:pw@db:5432/kong" }),
        }),
      );
    }
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await proxy?.close();
    await s3?.close();
    await db?.close();
  });

  beforeEach(() => {
    logs = [];
    proxy.seen.length = 0;
  });

  it("answers an admin with the reports newest first, two S3 listing calls a page, scheduled and ad hoc merged", async () => {
    // Act
    const first = await call({ query: "limit=2" });
    const callsForFirst = listCalls();
    const next = String(bodyOf(first).next);
    const second = await call({ query: `limit=2&next=${encodeURIComponent(next)}` });

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.headers["cache-control"]).toBe("no-store");
    expect(callsForFirst).toBe(2);
    expect(listCalls()).toBe(4);
    expect(proxy.seen.filter((r) => r.method !== "GET" || !r.url.startsWith(`/${BUCKET}/?`))).toEqual([]);
    const page1 = bodyOf(first).reports as ListedReport[];
    const page2 = bodyOf(second).reports as ListedReport[];
    expect(bodyOf(second).next).toBeUndefined();
    const expected = [...stored].reverse();
    expect([...page1, ...page2].map((r) => r.key)).toEqual(expected.map((l) => l.key));
    expect(page1.map((r) => [r.as_of, r.trigger, r.format, r.cluster])).toEqual([
      ["2026-10", "console", "tar", "prod-eu-1"],
      ["2026-09", "schedule", "tar", "prod-eu-1"],
    ]);
    expect(page2[0]).not.toHaveProperty("cluster");
    expect(page2[0]).toMatchObject({
      as_of: "2026-08",
      trigger: "http",
      format: "json",
      generated_at: "2026-08-28T09:00:00.000Z",
      bytes: stored[0]?.bytes,
      checksum: stored[0]?.checksum,
    });
    expect(page1[1]?.key).toMatch(/^license-reports\/scheduled\//);
    for (const report of [...page1, ...page2]) {
      const response = await fetch(report.url);
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      const content =
        report.format === "tar"
          ? JSON.parse((await fetchTar(report.url)).get("response.json")?.toString("utf8") ?? "{}")
          : JSON.parse(body.toString("utf8"));
      expect(verifyReport(content).valid).toBe(true);
      expect(body.byteLength).toBe(report.bytes);
    }
  });

  it("answers 403 to a signed-in user outside the admin group, without touching S3", async () => {
    const response = await call({ claims: cognitoClaims(["kong-report-viewers"]) });
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response).message).toMatch(/is not a report admin.*kong-admins/);
    expect(proxy.seen).toEqual([]);
  });

  it("answers 401 without verified claims", async () => {
    expect((await call({ claims: null })).statusCode).toBe(401);
  });

  it.each([
    ["limit=0", "limit", /Invalid limit "0": expected a whole number of reports per page from 1 to 100/],
    ["limit=101", "limit", /from 1 to 100/],
    ["next=bm90LWEtdG9rZW4", "next", /not a token from a previous page/],
    ["limit=1&limit=2", "limit", /given 2 times/],
    ["format=tar", "format", /Unknown query parameter "format"\. Allowed: limit=1\.\.100, next=/],
  ])("answers 400 to %s naming %s", async (query, _parameter, message) => {
    const response = await call({ query });
    expect(response.statusCode).toBe(400);
    expect(String(bodyOf(response).message)).toMatch(message);
  });

  it("answers 405 with Allow for another method, and 200 without a body to HEAD", async () => {
    const post = await call({ method: "POST" });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD, OPTIONS");
    const head = await call({ method: "HEAD" });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe("");
  });

  it("logs who listed, and never a URL signature", async () => {
    await call({ query: "limit=1" });
    const record = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((r) => r.message === "reports listed");
    expect(record).toMatchObject({
      caller: expect.any(String),
      granted_by: "group:kong-admins",
      limit: 1,
      reports: 1,
      more: true,
    });
    expect(logs.join("\n")).not.toContain("X-Amz-Signature");
  });

  it("reads a nested group claim (Keycloak's realm_access.roles) from the verified token, never from the authorizer's map[…] text", async () => {
    // Prepare: the same function configured for Keycloak's claim.
    const keycloak = createReportsHttpHandler({
      env: {
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        REPORT_BUCKET: BUCKET,
        REPORT_PREFIX: "license-reports",
        ADMIN_GROUPS: "kong-admins",
        ADMIN_GROUPS_CLAIM: "realm_access.roles",
      },
      logger: createLogger({ write: (line) => logs.push(line) }),
    }).handler;
    const ask = async (realmAccess: unknown) => {
      const event = await buildHttpApiEvent({
        path: "/license/reports",
        claims: cognitoClaims([], { realm_access: realmAccess }),
      });
      return { event, response: (await keycloak(event, buildLambdaContext() as never)) as HttpResponse };
    };

    // Act
    const admin = await ask({ roles: ["offline_access", "kong-admins"] });
    const spoof = await ask({ name: "x roles:[kong-admins]" });

    // Assess: the spoof's map text reads like a roles key to a Go-map parser; the token holds none.
    expect(admin.event.requestContext.authorizer.jwt.claims.realm_access).toBe(
      "map[roles:[offline_access kong-admins]]",
    );
    expect(admin.response.statusCode).toBe(200);
    expect(spoof.event.requestContext.authorizer.jwt.claims.realm_access).toBe(
      "map[name:x roles:[kong-admins]]",
    );
    expect(spoof.response.statusCode).toBe(403);
  });
});
