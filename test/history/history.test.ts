import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client, createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { ReportStoreReadError } from "#lib/errors.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import { listStoredReports } from "#lib/history/list-reports.ts";
import { createTarStream } from "#lib/output/tar.ts";
import type { ReportDetails } from "#lib/report/types.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { generateReport, type LinkDocument } from "#lib/use-cases/generate-report.ts";
import {
  DEFAULT_WORKSPACE_ID,
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

// Reports stored by the real use case into the local S3 that checks SigV4, then listed and read back.
const BUCKET = "reports";
const PREFIX = "license-reports/";
const target = testTargets().at(-1) as TestTarget;

/** The store, counting its listing calls. */
function countingStore(store: ReportStore): ReportStore & { lists: number } {
  const counted = {
    ...store,
    lists: 0,
    list: (...args: Parameters<ReportStore["list"]>) => {
      counted.lists += 1;
      return store.list(...args);
    },
  };
  return counted;
}

describe(`History: three reports of one cluster a month apart (${target})`, () => {
  let db: TestDatabase;
  let sql: FixturePort;
  let s3: LocalS3;
  let store: ReturnType<typeof countingStore>;
  const links: LinkDocument[] = [];
  const services: number[] = [];

  const store1 = (month: string, day: string, cluster = "prod-eu-1") =>
    generateReport({
      sql,
      store,
      format: "tar",
      collect: { asOf: month, now: new Date(`${month}-${day}T12:00:00Z`) },
      prefix: PREFIX,
      urlTtlSeconds: 300,
      trigger: "cli",
      cluster: identifyCluster(cluster, { kind: "demo" }),
    });
  const countServices = async () =>
    Number((await sql.query("SELECT count(*)::text AS n FROM services"))[0]?.n);
  const addService = (n: number) =>
    db.execRaw(
      `INSERT INTO services (id, created_at, updated_at, name, retries, protocol, host, port, path, connect_timeout, write_timeout, read_timeout, tags, ws_id, enabled)
       VALUES ('de5e0000-0000-4000-8000-0000000009${String(n).padStart(2, "0")}', now(), now(), 'added-${n}', 5, 'http', 'added-${n}.internal', 80, '/', 60000, 60000, 60000, NULL, '${DEFAULT_WORKSPACE_ID}', true)`,
      { schema: sql.schema },
    );
  const detailsOf = async (link: LinkDocument) =>
    JSON.parse((await fetchTar(link.url)).get("details.json")?.toString("utf8") ?? "{}") as ReportDetails;

  beforeAll(async () => {
    db = await openTestDatabase(target);
    sql = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    s3 = await startLocalS3([BUCKET]);
    store = countingStore(createS3ReportStore({ client: s3.client(), bucket: BUCKET }));
    services.push(await countServices());
    links.push(await store1("2026-09", "30"));
    await addService(1);
    services.push(await countServices());
    links.push(await store1("2026-10", "31"));
    // Another cluster's report in between never counts as this cluster's previous one.
    await store1("2026-11", "01", "staging");
    await addService(2);
    await addService(3);
    // An enterprise plugin the demo does not use.
    await db.execRaw(
      `INSERT INTO plugins (id, created_at, name, config, enabled, cache_key, protocols, ws_id)
       VALUES ('de910000-0000-4000-8000-000000000901', now(), 'request-validator', '{}', true, 'plugins:request-validator:::::${DEFAULT_WORKSPACE_ID}', '{http,https}', '${DEFAULT_WORKSPACE_ID}')`,
      { schema: sql.schema },
    );
    services.push(await countServices());
    links.push(await store1("2026-11", "30"));
  });

  afterAll(async () => {
    await s3?.close();
    await db?.close();
  });

  it("gives the third report a since_previous that names the second and what changed", async () => {
    const [, second, third] = links as [LinkDocument, LinkDocument, LinkDocument];
    const details = await detailsOf(third);
    expect(details.since_previous).toMatchObject({
      key: second.key,
      checksum: second.checksum,
      generated_at: "2026-10-31T12:00:00.000Z",
      as_of: "2026-10",
    });
    const changes = details.since_previous?.changes;
    expect(changes?.counts.find((c) => c.name === "services_count")).toEqual({
      name: "services_count",
      old: services[1],
      new: services[2],
      change: 2,
    });
    expect(changes?.plugins.added).toEqual([{ name: "request-validator", tier: "enterprise", count: 1 }]);
    expect(changes?.tiers.find((t) => t.name === "enterprise")?.change).toBe(1);
    expect(changes?.workspaces?.changed).toContainEqual({
      workspace: "default",
      name: "services",
      old: expect.any(Number),
      new: expect.any(Number),
      change: 2,
    });
    expect(details.warnings.filter((w) => w.includes("earlier report"))).toEqual([]);
  });

  it("draws the cluster's reports oldest first in the trend, the other cluster's left out", async () => {
    const details = await detailsOf(links[2] as LinkDocument);
    expect(details.trend?.reports.map((p) => [p.as_of, p.services])).toEqual([
      ["2026-09", services[0]],
      ["2026-10", services[1]],
      ["2026-11", services[2]],
    ]);
    expect(details.trend?.reports.map((p) => p.key)).toEqual([links[0]?.key, links[1]?.key, undefined]);
    expect(details.trend?.left_out).toEqual([]);
  });

  it("starts the first report's trend with itself alone", async () => {
    const details = await detailsOf(links[0] as LinkDocument);
    expect(details.since_previous).toBeUndefined();
    expect(details.trend?.reports).toHaveLength(1);
  });

  it("lists the reports newest first in pages, two ListObjects calls a page, each url a report that verifies", async () => {
    store.lists = 0;
    const first = await listStoredReports({ store, prefix: PREFIX, limit: 2, urlTtlSeconds: 120 });
    expect(store.lists).toBe(2);
    expect(first.reports.map((r) => [r.as_of, r.cluster])).toEqual([
      ["2026-11", "prod-eu-1"],
      ["2026-11", "staging"],
    ]);
    expect(first.next).toEqual(expect.any(String));
    const second = await listStoredReports({
      store,
      prefix: PREFIX,
      limit: 2,
      urlTtlSeconds: 120,
      ...(first.next === undefined ? {} : { next: first.next }),
    });
    expect(store.lists).toBe(4);
    expect(second.next).toBeUndefined();
    const all = [...first.reports, ...second.reports];
    expect(all.map((r) => r.key)).toEqual([links[2]?.key, expect.any(String), links[1]?.key, links[0]?.key]);
    for (const [report, link] of [
      [all[0], links[2]],
      [all[2], links[1]],
      [all[3], links[0]],
    ] as const) {
      expect(report).toMatchObject({
        generated_at: link?.generated_at,
        format: "tar",
        bytes: link?.bytes,
        checksum: link?.checksum,
        trigger: "cli",
        cluster: "prod-eu-1",
      });
    }
    for (const report of all) {
      expect(Date.parse(report.expires_at) - Date.now()).toBeLessThanOrEqual(120_000);
      const response = JSON.parse(
        (await fetchTar(report.url)).get("response.json")?.toString("utf8") ?? "{}",
      );
      expect(verifyReport(response).valid).toBe(true);
      expect(response.checksum).toBe(report.checksum);
    }
  });

  it("refuses a tampered previous report with a warning, and leaves it out of the trend", async () => {
    // Someone edits the newest report of the cluster in the bucket: one more service, same checksum.
    const third = links[2] as LinkDocument;
    const files = await untar(await (await fetch(third.url)).arrayBuffer().then((b) => new Uint8Array(b)));
    const response = JSON.parse(files.get("response.json")?.toString("utf8") ?? "{}") as Record<
      string,
      unknown
    >;
    response.services_count = Number(response.services_count) + 1;
    files.set("response.json", Buffer.from(JSON.stringify(response, null, 2)));
    const body = Buffer.concat(
      await createTarStream([...files].map(([name, content]) => ({ name, content }))).toArray(),
    );
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: third.key, Body: body }));

    const fourth = await store1("2026-12", "31");

    const details = await detailsOf(fourth);
    expect(details.since_previous?.key).toBe(links[1]?.key);
    expect(details.warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^The earlier report ${third.key.replaceAll(".", "\\.")} was not used .*checksum does not verify`,
        ),
      ),
    );
    expect(details.trend?.left_out).toEqual([
      { key: third.key, reason: expect.stringMatching(/does not verify/) },
    ]);
    expect(details.trend?.reports.map((p) => p.as_of)).toEqual(["2026-09", "2026-10", "2026-12"]);
  });

  it("fails a listing signed with the wrong secret, naming S3's answer", async () => {
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: S3RVER_CREDENTIALS.accessKeyId, secretAccessKey: "wrong" },
    });
    try {
      const error = await createS3ReportStore({ client, bucket: BUCKET })
        .list({ prefix: PREFIX, maxKeys: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReportStoreReadError);
      expect((error as Error).message).toMatch(/SignatureDoesNotMatch.*s3:ListBucket/);
    } finally {
      client.destroy();
    }
  });
});
