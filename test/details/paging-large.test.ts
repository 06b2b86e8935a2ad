import { afterAll, beforeAll, expect, it } from "vitest";
import { collectDetails } from "#lib/details/collect-details.ts";
import { selectTierClassifier } from "#lib/report/plugin-tiers.ts";
import { probeSchema, type SchemaFacts } from "#lib/report/probe-schema.ts";
import { type SqlPort, type SqlRow, wrapQueries } from "#lib/sql/port.ts";
import {
  describeTargets,
  type FixturePort,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

const WORKSPACES = 3000;
const NAME_LENGTH = 200;
const PATH_LENGTH = 400;

/**
 * 3,000 workspaces with 200-character names; in each, three services (two share a key, paths of
 * 400 characters), two routes, one proxy consumer and plugins of two names. Counters exact except
 * in every 100th workspace.
 */
const LARGE = `
INSERT INTO workspaces (id, name)
SELECT md5('ws' || i)::uuid, 'ws-' || lpad(i::text, 5, '0') || '-' || repeat('n', ${NAME_LENGTH - 9})
  FROM generate_series(1, ${WORKSPACES}) AS i;
INSERT INTO services (id, name, protocol, host, port, path, ws_id)
SELECT md5('svc' || i || '-' || j)::uuid, 's' || j, 'http', 'host-' || i || '.example.com', 80,
       CASE WHEN j = 3 THEN NULL ELSE '/' || repeat('p', ${PATH_LENGTH - 1}) END, md5('ws' || i)::uuid
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
INSERT INTO workspace_entity_counters (workspace_id, entity_type, count)
SELECT md5('ws' || i)::uuid, t, CASE WHEN t = 'services' AND i % 100 = 0 THEN 4 WHEN t = 'services' THEN 3 ELSE 2 END
  FROM generate_series(1, ${WORKSPACES}) AS i, unnest(ARRAY['services', 'routes', 'plugins']) AS t;
`;

/**
 * Bytes of a Data API ExecuteStatement answer for these rows (records format: every field an
 * object such as {"stringValue": "..."}), the size the 1 MiB limit applies to.
 */
function dataApiBytes(rows: readonly SqlRow[]): number {
  const records = rows.map((row) =>
    Object.values(row).map((v) => (v === null ? { isNull: true } : { stringValue: v })),
  );
  return Buffer.byteLength(JSON.stringify({ records, numberOfRecordsUpdated: 0 }), "utf8");
}

function measure(port: SqlPort): SqlPort & { sizes: number[]; statements: string[] } {
  const sizes: number[] = [];
  const statements: string[] = [];
  const measured = wrapQueries(port, (query) => async (sql, params, options) => {
    const rows = await query(sql, params, options);
    sizes.push(dataApiBytes(rows));
    statements.push(sql);
    return rows;
  });
  return { ...measured, sizes, statements };
}

describeTargets("collectDetails paging over 3,000 workspaces (%s)", (target) => {
  let db: TestDatabase;
  let sql: FixturePort;
  let schema: SchemaFacts;
  const tierOf = selectTierClassifier({ major: 3, minor: 13 }).tierOf;

  beforeAll(async () => {
    db = await openTestDatabase(target);
    sql = await db.createFixture(SCHEMAS.ee313, LARGE);
    schema = await probeSchema(sql);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("keeps every response far below 1 MiB while reading thousands of workspaces", {
    timeout: 120_000,
  }, async () => {
    const port = measure(sql);
    const details = await collectDetails(port, {
      schema,
      tierOf,
      includeList: true,
      rules: [{ find: "host-\\d+\\.", replace_with: "host." }],
    });
    expect(details.workspaces).toHaveLength(WORKSPACES + 1);
    const last = details.workspaces?.[WORKSPACES];
    expect(last?.name.startsWith(`ws-0${WORKSPACES}-`)).toBe(true);
    expect(last).toMatchObject({ services: 3, routes: 2, consumers: 1, discrete_services: 2 });
    // The rule merges every host: one key with the long path and one `...:80null`, streamed
    // through 6,000 distinct (workspace, key) pairs.
    expect(details.discrete_services?.list).toEqual([
      `http://host.example.com:80/${"p".repeat(PATH_LENGTH - 1)}`,
      "http://host.example.com:80null",
    ]);
    expect(details.entity_counters?.rows.find((r) => r.entity_type === "services")).toEqual({
      entity_type: "services",
      counter_table: 3 * WORKSPACES + WORKSPACES / 100,
      live: 3 * WORKSPACES,
      drift: WORKSPACES / 100,
    });
    expect(details.entity_counters?.workspaces_drifted).toBe(WORKSPACES / 100 + WORKSPACES);
    expect(details.entity_counters?.workspaces).toHaveLength(100);

    const largest = Math.max(...port.sizes);
    expect(largest).toBeLessThan(400 * 1024);
    // 7 workspace pages, 7 plugin-count pages, 2 counter statements; the rest are key pages, and
    // the byte budget (long paths), not the 2,000-row limit, cut the 6,000 pairs into more than 3.
    expect(port.sizes.length - (7 + 7 + 2)).toBeGreaterThan(3);
  });

  it("needs a fixed number of statements for the aggregates, and pages that grow with the data", {
    timeout: 120_000,
  }, async () => {
    const port = measure(sql);
    await collectDetails(port, { schema, tierOf });
    const calls = port.sizes.length;
    // ceil(3001 / 500) = 7 workspace pages + 7 plugin-count pages of 500 workspaces each
    // + count(DISTINCT) + counter sums + live counts with drifts + the usage by tag (one page).
    expect(calls).toBe(7 + 7 + 3 + 1);
    expect(Math.max(...port.sizes)).toBeLessThan(400 * 1024);
  });

  it("returns the same plugin counts when the byte budget cuts pages of workspaces short", {
    timeout: 120_000,
  }, async () => {
    const expected = await collectDetails(sql, { schema, tierOf });
    const pluginCounts = expected.workspaces?.map((ws) => ws.plugins);
    expect(pluginCounts?.filter((p) => p.free["key-auth"] === 1)).toHaveLength(WORKSPACES);
    const port = measure(sql);
    const cut = await collectDetails(port, { schema, tierOf, paging: { bytes: 8 * 1024 } });
    expect(cut.workspaces?.map((ws) => ws.plugins)).toEqual(pluginCounts);
    // A page of 500 workspaces' plugin counts takes ~50 KB on the wire: every one was cut short.
    const pluginPages = port.sizes.filter((_, i) => port.statements[i]?.includes("FROM plugins p"));
    expect(pluginPages.length).toBeGreaterThan(7);
    expect(Math.max(...pluginPages)).toBeLessThan(16 * 1024);
  });
});
