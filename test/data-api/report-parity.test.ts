import type { RDSDataClient } from "@aws-sdk/client-rds-data";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createRdsDataSqlPort, type RdsDataSqlPort } from "#lib/aws/rds-data-sql-port.ts";
import { type CollectOptions, collectReport } from "#lib/collector/collect-report.ts";
import { NotKongDatabaseError } from "#lib/errors.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import {
  DATASETS,
  DEMO_SEED,
  describeTargets,
  type FixturePort,
  type FixtureSource,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";
import {
  ARNS,
  createTestClient,
  databaseNameOf,
  internalErrors,
  rejectionOf,
  startTestEndpoint,
} from "./harness.ts";

// The same report, byte for byte, through the RDS Data API as through a direct connection.
const OPTIONS: CollectOptions = {
  now: new Date("2025-03-15T12:00:00Z"),
  details: { includeList: true, rules: [{ find: "dev|stage", replace_with: "prod" }] },
};

const FIXTURES: ReadonlyArray<readonly [string, FixtureSource[]]> = [
  ["T2 (3.9+)", [SCHEMAS.ee313, DATASETS.t2Kong39]],
  ["T2' (3.5)", [SCHEMAS.ee313, DATASETS.t2primeKong35]],
  ["T3 workspaces", [SCHEMAS.ee313, DATASETS.t3Workspaces]],
  ["T8 entity counters", [SCHEMAS.ee313, DATASETS.t8EntityCounts]],
  ["counters window", [SCHEMAS.ee313, DATASETS.countersWindow]],
  ["lambdas and kafkas", [SCHEMAS.ee313, DATASETS.lambdasKafkas]],
  ["licenses", [SCHEMAS.ee313, DATASETS.licenses]],
  ["hybrid", [SCHEMAS.ee313, DATASETS.hybrid]],
  ["tiers mixed", [SCHEMAS.ee313, DATASETS.tiersMixed]],
  ["upgrade pending", [SCHEMAS.ee313, DATASETS.upgradePending]],
  ["demo deployment", [SCHEMAS.ee313, DEMO_SEED]],
  ["details workspaces", [SCHEMAS.ee313, DATASETS.detailsWorkspaces]],
  ["Kong EE 2.8", [SCHEMAS.ee28, DATASETS.t2Kong39]],
  ["open-source 3.5", [SCHEMAS.oss35, "test/fixtures/datasets/oss-3.5-basic.sql"]],
  ["open-source 2.0", [SCHEMAS.oss20, "test/fixtures/datasets/oss-2.0-community.sql"]],
];

/** 1,500 workspaces of services, routes, consumers, plugins and 24 months of request counters. */
const WORKSPACES = 1500;
const LARGE = `
INSERT INTO workspaces (id, name)
SELECT md5('ws' || i)::uuid, 'ws-' || lpad(i::text, 5, '0') FROM generate_series(1, ${WORKSPACES}) AS i;
INSERT INTO services (id, name, protocol, host, port, path, ws_id)
SELECT md5('svc' || i || '-' || j)::uuid, 's' || j, 'http', 'host-' || i || '.example.com', 80, '/v' || j, md5('ws' || i)::uuid
  FROM generate_series(1, ${WORKSPACES}) AS i, generate_series(1, 3) AS j;
INSERT INTO routes (id, name, service_id, ws_id)
SELECT md5('rt' || i || '-' || j)::uuid, 'r' || j, md5('svc' || i || '-' || j)::uuid, md5('ws' || i)::uuid
  FROM generate_series(1, ${WORKSPACES}) AS i, generate_series(1, 2) AS j;
INSERT INTO consumers (id, username, type, ws_id)
SELECT md5('c' || i)::uuid, 'c', 0, md5('ws' || i)::uuid FROM generate_series(1, ${WORKSPACES}) AS i;
INSERT INTO plugins (id, name, config, enabled, ws_id)
SELECT md5('p' || i || '-' || j)::uuid, CASE WHEN j = 1 THEN 'key-auth' ELSE 'custom-' || (i % 7) END, '{}', true,
       md5('ws' || i)::uuid
  FROM generate_series(1, ${WORKSPACES}) AS i, generate_series(1, 2) AS j;
INSERT INTO license_data (node_id, license_creation_date, req_cnt, year, month)
SELECT md5('node' || n)::uuid, '2024-01-01', 1000 * n + m, 2023 + (m - 1) / 12, 1 + (m - 1) % 12
  FROM generate_series(1, 40) AS n, generate_series(1, 27) AS m;
`;

describeTargets("Report through the Data API equals the direct report (%s)", (target) => {
  let db: TestDatabase;
  let client: RDSDataClient | undefined;
  const servers: DataApiServer[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(target);
  });
  afterAll(async () => {
    client?.destroy();
    await Promise.all(servers.map((server) => server.close()));
    await db?.close();
  });
  afterEach(() => {
    expect(internalErrors).toEqual([]);
  });

  /** A Data API port on the fixture's schema, through its own local endpoint. */
  const openDataApi = async (
    fixture: FixturePort,
  ): Promise<{ port: RdsDataSqlPort; server: DataApiServer }> => {
    const server = await startTestEndpoint(db, fixture.schema);
    servers.push(server);
    client?.destroy();
    client = createTestClient(server);
    const port = createRdsDataSqlPort({ client, ...ARNS, database: databaseNameOf(db) });
    return { port, server };
  };

  it.each(FIXTURES)("produces the same report and details on %s", async (_name, sources) => {
    // Prepare
    const direct = await db.createFixture(...sources);
    const { port } = await openDataApi(direct);
    // Act
    const viaDataApi = await collectReport(port, OPTIONS);
    const viaDirect = await collectReport(direct, OPTIONS);
    // Assert
    expect(viaDataApi).toEqual(viaDirect);
    expect(JSON.stringify(viaDataApi.report)).toBe(JSON.stringify(viaDirect.report));
  });

  it("refuses a database without Kong's schema the same way", async () => {
    // Prepare
    const direct = await db.createFixture(DATASETS.notKong);
    const { port } = await openDataApi(direct);
    // Act
    const viaDataApi = await rejectionOf(collectReport(port, OPTIONS));
    const viaDirect = await rejectionOf(collectReport(direct, OPTIONS));
    // Assert
    expect(viaDataApi).toBeInstanceOf(NotKongDatabaseError);
    expect(viaDataApi.message).toBe(viaDirect.message);
  });

  it("makes the same number of Data API calls for a report on a small and on a large database", async () => {
    // Prepare
    const small = await openDataApi(await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39));
    const largeFixture = await db.createFixture(SCHEMAS.ee313, DEMO_SEED, LARGE);
    const large = await openDataApi(largeFixture);
    // Act
    const smallReport = await collectReport(small.port, { now: OPTIONS.now as Date });
    const largeReport = await collectReport(large.port, { now: OPTIONS.now as Date });
    const largeDirect = await collectReport(largeFixture, { now: OPTIONS.now as Date });
    // Assert
    // A constant 5: the probe and the report statement, plus BeginTransaction, SET TRANSACTION …
    // READ ONLY and CommitTransaction of the read-only transaction they run in.
    expect(small.port.calls()).toBe(5);
    expect(large.port.calls()).toBe(small.port.calls());
    expect(large.server.calls()).toBe(small.server.calls());
    expect(largeReport).toEqual(largeDirect);
    expect(largeReport.report.services_count).toBeGreaterThan(smallReport.report.services_count + 4000);
    expect(largeReport.report.counters?.total_requests).toBeGreaterThan(0);
    // The largest answer stays far below the 1 MiB limit.
    expect(large.server.maxResponseBytes()).toBeLessThan(256 * 1024);
    const reportCalls = large.port.calls();
    const reportBytes = large.server.maxResponseBytes();

    // With details (paged per design): still no answer near the limit.
    await collectReport(large.port, OPTIONS);
    expect(large.server.maxResponseBytes()).toBeLessThan(512 * 1024);
    console.info(
      `[data-api] ${target}: report ${reportCalls} calls (largest answer ${reportBytes} B); with details +${large.port.calls() - reportCalls} calls (largest ${large.server.maxResponseBytes()} B) on ${WORKSPACES} workspaces`,
    );
  });
});
