import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { TimeoutError } from "#lib/errors.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import { buildMonthlyReportKey } from "#lib/history/report-key.ts";
import type { SqlPort } from "#lib/sql/port.ts";
import { generateReport } from "#lib/use-cases/generate-report.ts";
import { expectedAsOf } from "#lib/use-cases/report-options.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";

// generateReport where no database answers: the function's deadline arriving during the first
// query (the signal aborts, the driver's query rejects with the abort), and a retried schedule that
// finds this month's object stored without the metadata the report run writes (uploaded by hand).

const BUCKET = "edges";
const PREFIX = "license-reports/";
const NOW = new Date("2026-01-20T10:00:00Z");

/** A port whose first query is cut by the deadline: it aborts `controller` and rejects as a driver does. */
function portCutByDeadline(controller: AbortController): SqlPort & { queries: () => number } {
  let queries = 0;
  const port: SqlPort & { queries: () => number } = {
    async query() {
      queries += 1;
      controller.abort(new DOMException("The operation was aborted.", "AbortError"));
      throw controller.signal.reason;
    },
    runReadOnly: (work) => work(port),
    close: async () => undefined,
    queries: () => queries,
  };
  return port;
}

const refusingPort: SqlPort = {
  query: () => Promise.reject(new Error("no query may run: the stored report answers")),
  runReadOnly: () => Promise.reject(new Error("no transaction may run: the stored report answers")),
  close: async () => undefined,
};

describe("generateReport without a database answering", () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
  });
  afterAll(async () => {
    await s3?.close();
  });

  it("turns the deadline's abort into a TimeoutError naming the stage, and stores nothing", async () => {
    // Prepare
    const controller = new AbortController();
    const sql = portCutByDeadline(controller);
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const keysBefore = await s3.listKeys(BUCKET);

    // Act
    const failure = await generateReport({
      sql,
      store,
      format: "json",
      collect: { now: NOW, timeZone: "UTC" },
      prefix: PREFIX,
      urlTtlSeconds: 300,
      trigger: "http",
      cluster: identifyCluster("prod-eu-1", { kind: "demo" }),
      signal: controller.signal,
    }).then(
      () => undefined,
      (error: unknown) => error as TimeoutError,
    );

    // Assess: 504, says what it was doing and that nothing was stored; the abort is its cause.
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure?.status).toBe(504);
    expect(failure?.message).toBe(
      `The report was not finished before the function's deadline (stopped while querying the database, after 1 queries); nothing was stored. Retry later, or raise the function timeout if this repeats.`,
    );
    expect(sql.queries()).toBe(1);
    expect((failure?.cause as Error | undefined)?.name).toBe("AbortError");
    expect(await s3.listKeys(BUCKET)).toEqual(keysBefore);
  });

  it("answers a retried schedule's stored object that has no report metadata with an empty checksum and time", async () => {
    // Prepare: this month's monthly key, put by hand (no checksum or generated-at metadata).
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const key = buildMonthlyReportKey(PREFIX, { clusterSegment: "by-hand", asOf: "2026-01", format: "json" });
    const body = JSON.stringify({ note: "uploaded by hand" });
    await s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

    // Act
    const link = await generateReport({
      sql: refusingPort,
      store,
      format: "json",
      collect: { now: NOW, timeZone: "UTC", clusterName: "by-hand" },
      prefix: PREFIX,
      urlTtlSeconds: 300,
      trigger: "schedule",
      cluster: identifyCluster("by-hand", { kind: "demo" }),
    });

    // Assess: the link to that object, nothing queried or written; what the metadata lacks is empty.
    expect(link).toMatchObject({
      bucket: BUCKET,
      key,
      format: "json",
      bytes: Buffer.byteLength(body),
      checksum: "",
      generated_at: "",
      already_stored: true,
    });
    expect(await (await fetch(link.url)).text()).toBe(body);
  });
});

describe("expectedAsOf: the month a scheduled run looks for before collecting", () => {
  // 23:30 UTC on 31 January is already 1 February in Tokyo (UTC+9).
  const lateJanuary = new Date("2026-01-31T23:30:00Z");

  it("is the month of `now` in UTC when no time zone is configured", () => {
    expect(expectedAsOf({ now: lateJanuary })).toBe("2026-01");
  });

  it("is the month of `now` in the time zone given", () => {
    expect(expectedAsOf({ now: lateJanuary, timeZone: "Asia/Tokyo" })).toBe("2026-02");
  });

  it("is the month asked for, whatever `now` is", () => {
    expect(expectedAsOf({ asOf: "2025-11", now: lateJanuary, timeZone: "Asia/Tokyo" })).toBe("2025-11");
  });
});
