import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { identifyCluster } from "#lib/history/cluster.ts";
import type { ListedReport } from "#lib/history/list-reports.ts";
import type { ListedUsage } from "#lib/history/listed-usage.ts";
import type { Contract, Usage } from "#lib/report/usage-types.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { generateReport, type LinkDocument } from "#lib/use-cases/generate-report.ts";
import {
  DATASETS,
  type FixturePort,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { fetchTar } from "../helpers/untar.ts";

const BUCKET = "usage-history";
const PREFIX = "license-reports/";
const CONTRACT: Contract = {
  name: "ACME-2026",
  term: { start: "2025-06", end: "2026-06" },
  limits: { gateway_services: 10 },
  warn_at_percent: 80,
};

describe("the forecast over stored months, and history --usage", () => {
  let s3: LocalS3;
  let db: TestDatabase;
  let sql: FixturePort;
  let store: ReportStore;
  const links: LinkDocument[] = [];

  /** usage-teams.sql has 6 services; each call adds one more, on a host of its own. */
  let added = 0;
  const addService = async () => {
    added += 1;
    await db.execRaw(
      `INSERT INTO services (id, name, protocol, host, port, path, ws_id) VALUES
         ('05a9e000-0000-4000-8000-0000000001${String(added).padStart(2, "0")}', 'extra-${added}', 'http',
          'extra-${added}.internal', 80, '/', 'a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30')`,
      { schema: sql.schema },
    );
  };
  const store_ = (month: string, day = "15") =>
    generateReport({
      sql,
      store,
      format: "tar",
      collect: {
        now: new Date(`${month}-${day}T08:00:00Z`),
        timeZone: "UTC",
        contract: CONTRACT,
        clusterName: "prod",
      },
      prefix: PREFIX,
      urlTtlSeconds: 300,
      trigger: "cli",
      cluster: identifyCluster("prod", { kind: "demo" }),
    });

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    db = await openTestDatabase("pglite");
    sql = await db.createFixture(SCHEMAS.ee313, DATASETS.usageTeams);
    store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    // Three stored months: 2025-10 (6 services), 2025-11 (7), 2025-12 (8).
    links.push(await store_("2025-10"));
    await addService();
    links.push(await store_("2025-11"));
    await addService();
    links.push(await store_("2025-12"));
    // This month: 9 services.
    await addService();
    links.push(await store_("2026-01", "20"));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await db?.close();
    await s3?.close();
  });

  it("fits the services to the monthly high-water marks of the three stored months and this one", async () => {
    const files = await fetchTar(links[3]?.url ?? "");
    const usage = (JSON.parse(files.get("details.json")?.toString("utf8") ?? "{}") as { usage: Usage }).usage;
    // Oct 6, Nov 7, Dec 8, Jan 9: an exact line of slope 1. Jun (five months on): 14. Feb 10 is at
    // the limit, not above; Mar 11 is above → 2026-03.
    expect(usage.forecast).toStrictEqual([
      {
        unit: "gateway_services",
        at_term_end: 14,
        crosses_limit: "2026-03",
        months: 4,
        basis:
          "An estimate: least-squares line over the monthly high-water marks of 4 months (2025-10 to 2026-01) of this cluster's reports, projected to 2026-06.",
      },
    ]);
    // 9 of 10: 9 × 100 ≥ 80 × 10 → warn.
    expect(usage.contract?.lines).toStrictEqual([
      { unit: "gateway_services", limit: 10, used: 9, percent: 90, status: "warn" },
    ]);
  });

  it("history --usage lists each report's units and contract status, newest first", async () => {
    const run = await runCliCapturing({ AWS_ENDPOINT_URL_S3: s3.endpoint }, [
      "history",
      "--s3-bucket",
      BUCKET,
      "--usage",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const listed = (JSON.parse(run.stdout) as { reports: Array<ListedReport & { usage: ListedUsage }> })
      .reports;
    expect(
      listed.map((r) => [r.as_of, r.usage.units?.gateway_services, r.usage.contract?.lines[0]?.status]),
    ).toStrictEqual([
      ["2026-01", 9, "warn"], // 90 %
      ["2025-12", 8, "warn"], // 80 %: at the warning level
      ["2025-11", 7, "ok"],
      ["2025-10", 6, "ok"],
    ]);
    const table = await runCliCapturing({ AWS_ENDPOINT_URL_S3: s3.endpoint }, [
      "history",
      "--s3-bucket",
      BUCKET,
      "--usage",
    ]);
    expect(table.stdout.split("\n")[0]).toMatch(
      /CHECKSUM\s+SERVICES\s+DISCRETE\s+REQUESTS \(MONTH\)\s+AI HOURS\s+CONTRACT\s+KEY/,
    );
    expect(table.stdout).toContain("warn (1/1)");
  });
});
