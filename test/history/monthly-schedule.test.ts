import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import { listStoredReports } from "#lib/history/list-reports.ts";
import { buildMonthlyReportKey, parseStoredReportKey } from "#lib/history/report-key.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { generateReport } from "#lib/use-cases/generate-report.ts";
import {
  DEMO_SEED,
  type FixturePort,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar } from "../helpers/untar.ts";

const BUCKET = "monthly";
const PREFIX = "license-reports/";
const NOW = new Date("2026-01-20T10:00:00Z");

describe("the monthly scheduled report: one key per cluster and month, written with If-None-Match: *", () => {
  let s3: LocalS3;
  let db: TestDatabase;
  let sql: FixturePort;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    db = await openTestDatabase("pglite");
    sql = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
  });
  afterAll(async () => {
    await db?.close();
    await s3?.close();
  });

  it("is a key fixed by the cluster and the month, sorted at the month's first instant", () => {
    const key = buildMonthlyReportKey(PREFIX, {
      clusterSegment: "prod-eu-1",
      asOf: "2026-01",
      format: "tar",
    });
    // 9999999999999 - Date.UTC(2026, 0, 1) = 9999999999999 - 1767225600000 = 8232774399999
    expect(key).toBe(
      "license-reports/scheduled/8232774399999/prod-eu-1/2026-01/schedule/monthly/report-2026-01.tar",
    );
    expect(parseStoredReportKey(PREFIX, key)).toStrictEqual({
      key,
      retention: "scheduled",
      generatedAt: new Date("2026-01-01T00:00:00.000Z"),
      clusterSegment: "prod-eu-1",
      asOf: "2026-01",
      trigger: "schedule",
      monthly: true,
      format: "tar",
      fileName: "report-2026-01.tar",
    });
    // Only the schedule writes a monthly key.
    expect(parseStoredReportKey(PREFIX, key.replace("/schedule/", "/cli/"))).toBeUndefined();
  });

  it("the local S3 refuses a signed PutObject with If-None-Match: * on a key that exists (412), and a bad signature still", async () => {
    const client = s3.client();
    const put = (body: string) =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "probe/once", Body: body, IfNoneMatch: "*" }));
    await put("first");
    await expect(put("second")).rejects.toMatchObject({
      name: "PreconditionFailed",
      $metadata: { httpStatusCode: 412 },
    });
    const forged = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: S3RVER_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    await expect(
      forged.send(new PutObjectCommand({ Bucket: BUCKET, Key: "probe/other", Body: "x", IfNoneMatch: "*" })),
    ).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
    forged.destroy();
  });

  it("a retried schedule finds this month's report and answers its link, storing nothing new", async () => {
    // Prepare
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const run = () =>
      generateReport({
        sql,
        store,
        format: "tar",
        collect: { now: NOW, timeZone: "UTC", clusterName: "prod-eu-1" },
        prefix: PREFIX,
        urlTtlSeconds: 300,
        trigger: "schedule",
        cluster: identifyCluster("prod-eu-1", { kind: "demo" }),
      });

    // Act
    const first = await run();
    const keysAfterFirst = await s3.listKeys(BUCKET);
    const retried = await run();

    // Assess
    const key = buildMonthlyReportKey(PREFIX, {
      clusterSegment: "prod-eu-1",
      asOf: "2026-01",
      format: "tar",
    });
    expect(first.key).toBe(key);
    expect(first.already_stored).toBeUndefined();
    expect(retried).toMatchObject({
      key,
      bytes: first.bytes,
      checksum: first.checksum, // from the object's metadata
      generated_at: first.generated_at,
      already_stored: true,
    });
    expect(await s3.listKeys(BUCKET)).toEqual(keysAfterFirst);
    const files = await fetchTar(retried.url);
    const report = JSON.parse(files.get("response.json")?.toString("utf8") ?? "") as Record<string, unknown>;
    expect(computeChecksum(report)).toBe(first.checksum);
  });

  it("two runs racing past the lookup: the conditional write lets the first in and the second answers it", async () => {
    // Prepare: a store without `head`, so both runs collect and upload (as two runs started together).
    const real = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const { head: _head, ...withoutHead } = real;
    const store: ReportStore = withoutHead;
    const run = () =>
      generateReport({
        sql,
        store,
        format: "json",
        includeDetails: true,
        collect: { now: NOW, timeZone: "UTC", clusterName: "prod-eu-2" },
        prefix: PREFIX,
        urlTtlSeconds: 300,
        trigger: "schedule",
        cluster: identifyCluster("prod-eu-2", { kind: "demo" }),
      });

    // Act
    const first = await run();
    const second = await run();

    // Assess
    expect(second).toMatchObject({ key: first.key, checksum: first.checksum, already_stored: true });
    expect((await s3.listKeys(BUCKET)).filter((k) => k.includes("/prod-eu-2/"))).toEqual([first.key]);
    expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
  });

  it("an ad-hoc run always writes a new report, and the listing shows the monthly one with its stored time", async () => {
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const adhoc = () =>
      generateReport({
        sql,
        store,
        format: "json",
        collect: { now: NOW, timeZone: "UTC", clusterName: "prod-eu-1" },
        prefix: PREFIX,
        urlTtlSeconds: 300,
        trigger: "cli",
        cluster: identifyCluster("prod-eu-1", { kind: "demo" }),
      });
    const [a, b] = [await adhoc(), await adhoc()];
    expect(a.key).not.toBe(b.key);

    const listing = await listStoredReports({ store, prefix: PREFIX, limit: 20, urlTtlSeconds: 60 });
    const monthly = listing.reports.find((r) =>
      r.key.endsWith("/prod-eu-1/2026-01/schedule/monthly/report-2026-01.tar"),
    );
    expect(monthly).toBeDefined();
    expect(monthly).not.toHaveProperty("checksum"); // the key was fixed before the report existed
    // Not the month's first instant (the key's): when the object was stored, today.
    expect(Date.parse(monthly?.generated_at ?? "")).toBeGreaterThan(Date.now() - 10 * 60_000);
  });
});
