import { afterAll, beforeAll, expect, it } from "vitest";
import { type CollectDetailsOptions, collectDetails } from "#lib/details/collect-details.ts";
import { selectTierClassifier } from "#lib/report/plugin-tiers.ts";
import { probeSchema, type SchemaFacts } from "#lib/report/probe-schema.ts";
import type { WorkspaceDetail } from "#lib/report/types.ts";
import { countQueries, type SqlPort, wrapQueries } from "#lib/sql/port.ts";
import {
  DATASETS,
  DEFAULT_WORKSPACE_ID,
  describeTargets,
  type FixturePort,
  fixtureFile,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

const KLCR_DEMO = fixtureFile("test/fixtures/datasets/details-klcr-demo.sql");
const EVIL = "<img src=x onerror=alert(1)>";
const tierOf = selectTierClassifier({ major: 3, minor: 13 }).tierOf;

function byName(workspaces: WorkspaceDetail[] | undefined, name: string): WorkspaceDetail {
  const found = workspaces?.find((ws) => ws.name === name);
  if (found === undefined) throw new Error(`workspace ${name} missing`);
  return found;
}

describeTargets("collectDetails on %s", (target) => {
  let db: TestDatabase;
  let sql: FixturePort;
  let schema: SchemaFacts;
  const run = (options: Partial<CollectDetailsOptions> = {}, port: SqlPort = sql) =>
    collectDetails(port, { schema, tierOf, ...options });

  beforeAll(async () => {
    db = await openTestDatabase(target);
    sql = await db.createFixture(SCHEMAS.ee313, DATASETS.detailsWorkspaces);
    schema = await probeSchema(sql);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("counts services, routes, proxy consumers and plugins by tier per workspace, sorted by name", async () => {
    const details = await run();
    expect(details.workspaces?.map((ws) => ws.name)).toEqual([EVIL, "default", "payments", "search"]);
    expect(byName(details.workspaces, "default")).toEqual({
      id: DEFAULT_WORKSPACE_ID,
      name: "default",
      services: 4,
      routes: 3,
      consumers: 2,
      plugins: {
        free: { "rate-limiting": 2, "key-auth": 1 },
        enterprise: { "openid-connect": 1 },
        custom: { "my-custom": 1 },
      },
      discrete_services: 3,
    });
    expect(byName(details.workspaces, "payments")).toMatchObject({
      services: 3,
      routes: 2,
      consumers: 1,
      plugins: { free: { cors: 1 }, enterprise: { "rate-limiting-advanced": 2 }, custom: {} },
      discrete_services: 3,
    });
    expect(byName(details.workspaces, "search")).toMatchObject({
      services: 0,
      routes: 0,
      consumers: 0,
      plugins: { free: {}, enterprise: {}, custom: {} },
      discrete_services: 0,
    });
    expect(byName(details.workspaces, EVIL).plugins.custom).toEqual({ 'x-"quoted"<tag>': 1 });
  });

  it("counts discrete services as KLCR does, a null path rendered as the text null", async () => {
    const details = await run({ includeList: true });
    expect(details.discrete_services).toEqual({
      count: 6,
      rules: [],
      list: [
        "grpc://grpcbin:9000null",
        "http://api.dev.example.com:80/v1",
        "http://api.qa.example.com:80/v1",
        "http://api.stage.example.com:80/v1",
        "http://httpbin.org:80/anything",
        'https://evil.example.com:443/"q"<x>',
      ],
    });
    const withoutList = await run();
    expect(withoutList.discrete_services).toEqual({ count: 6, rules: [] });
  });

  it("applies rewrite rules in order, globally and with a literal replacement", async () => {
    const merged = await run({ rules: [{ find: "dev|stage|qa", replace_with: "prod" }], includeList: true });
    expect(merged.discrete_services?.count).toBe(4);
    expect(merged.discrete_services?.list).toContain("http://api.prod.example.com:80/v1");
    expect(byName(merged.workspaces, "default").discrete_services).toBe(3);
    expect(byName(merged.workspaces, "payments").discrete_services).toBe(2);
    expect(byName(merged.workspaces, "search").discrete_services).toBe(0);

    // Order matters: the second rule sees the first rule's output.
    const chained = await run({
      rules: [
        { find: "dev|stage|qa", replace_with: "prod" },
        { find: "prod", replace_with: "live" },
      ],
      includeList: true,
    });
    expect(chained.discrete_services?.list).toContain("http://api.live.example.com:80/v1");
    const reversed = await run({
      rules: [
        { find: "prod", replace_with: "live" },
        { find: "dev|stage|qa", replace_with: "prod" },
      ],
      includeList: true,
    });
    expect(reversed.discrete_services?.list).toContain("http://api.prod.example.com:80/v1");

    // KLCR passes replace_with with `jq --arg`: `$1` is text, not a back-reference; gsub is global.
    const literal = await run({ rules: [{ find: "(t)", replace_with: "$1" }], includeList: true });
    expect(literal.discrete_services?.list).toContain("h$1$1p://h$1$1pbin.org:80/any$1hing");
    expect(literal.discrete_services?.rules).toEqual([{ find: "(t)", replace_with: "$1" }]);
  });

  it("names every drift between workspace_entity_counters and the live counts", async () => {
    const details = await run();
    expect(details.entity_counters?.rows).toEqual([
      { entity_type: "services", counter_table: 7, live: 8, drift: -1 },
      { entity_type: "routes", counter_table: 7, live: 5, drift: 2 },
      { entity_type: "consumers", counter_table: 4, live: 3, drift: 1 },
      { entity_type: "plugins", counter_table: 8, live: 9, drift: -1 },
      { entity_type: "rbac_users", counter_table: 1, live: 1, drift: 0 },
    ]);
    expect(details.entity_counters?.drifted).toEqual(["services", "routes", "consumers", "plugins"]);
    expect(details.entity_counters?.not_compared).toEqual([{ entity_type: "apis", counter_table: 1 }]);
    expect(details.entity_counters?.workspaces_drifted).toBe(4);
    // By workspace name (byte order: "<img..." sorts before "default"), then entity type.
    const evilId = "33333333-3333-4333-8333-333333333333";
    expect(details.entity_counters?.workspaces).toEqual([
      { workspace_id: evilId, workspace: EVIL, entity_type: "plugins", counter_table: null, live: 1 },
      { workspace_id: evilId, workspace: EVIL, entity_type: "services", counter_table: 0, live: 1 },
      {
        workspace_id: DEFAULT_WORKSPACE_ID,
        workspace: "default",
        entity_type: "consumers",
        counter_table: 3,
        live: 2,
      },
      {
        workspace_id: DEFAULT_WORKSPACE_ID,
        workspace: "default",
        entity_type: "routes",
        counter_table: 5,
        live: 3,
      },
    ]);
    expect(details.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("workspace_entity_counters says 7 routes, the table holds 5 (drift +2)"),
        expect.stringContaining("4 (workspace, entity type) counter row(s) differ"),
      ]),
    );
  });

  it("lists at most maxWorkspaceDrifts per-workspace drifts but counts them all", async () => {
    const details = await run({ maxWorkspaceDrifts: 1 });
    expect(details.entity_counters?.workspaces?.map((d) => [d.workspace, d.entity_type])).toEqual([
      [EVIL, "plugins"],
    ]);
    expect(details.entity_counters?.workspaces_drifted).toBe(4);
  });

  it("returns the same details with tiny pages, one row per round trip", async () => {
    const expected = await run({
      includeList: true,
      rules: [{ find: "dev|stage|qa", replace_with: "prod" }],
    });
    const counted = countQueries(sql);
    const paged = await run(
      {
        includeList: true,
        rules: [{ find: "dev|stage|qa", replace_with: "prod" }],
        paging: { workspaces: 1, plugins: 1, keys: 1 },
      },
      counted,
    );
    expect(paged).toEqual(expected);
    // 4 workspace pages + 4 plugin-count pages (one workspace each) + 7 distinct (workspace, key)
    // pairs + 2 counter queries + the usage by tag: 1 page (one row: nothing carries a `team:` tag)
    // and, with rules, its 6 distinct (tag, key) pairs (the 7 pairs less the key two workspaces share).
    expect(counted.calls()).toBe(4 + 4 + 7 + 2 + 1 + 6);
  });

  it("hands its signal to every query", async () => {
    const signal = new AbortController().signal;
    const seen: (AbortSignal | undefined)[] = [];
    const recording = wrapQueries(sql, (query) => (text, params, options) => {
      seen.push(options?.signal);
      return query(text, params, options);
    });
    await run(
      { includeList: true, rules: [{ find: "dev|stage|qa", replace_with: "prod" }], signal },
      recording,
    );
    expect(seen.length).toBeGreaterThan(0);
    for (const received of seen) expect(received).toBe(signal);
  });

  it("gives the same details when a page's rows arrive in another order", async () => {
    // UNION ALL promises no order: the plugin pages and the drift statement are re-sorted in code.
    const reversing = (marker: string): SqlPort =>
      wrapQueries(sql, (query) => async (text, params, options) => {
        const rows = await query(text, params, options);
        return text.includes(marker) ? [...rows].reverse() : rows;
      });
    expect(await run({ paging: { plugins: 2 } }, reversing("FROM plugins"))).toEqual(
      await run({ paging: { plugins: 2 } }),
    );
    expect(await run({}, reversing("FULL JOIN counters"))).toEqual(await run());
  });

  it("cuts pages at the byte budget even when the row limit is large", async () => {
    const counted = countQueries(sql);
    const details = await run({ includeList: true, paging: { bytes: 1 } }, counted);
    expect(details).toEqual(await run({ includeList: true }));
    expect(details.discrete_services?.count).toBe(6);
    // One row per page: 4 workspaces + 4 workspaces' plugin counts + 6 distinct keys + 2 counter
    // queries + 1 usage-by-tag row (all untagged).
    expect(counted.calls()).toBe(4 + 4 + 6 + 2 + 1);
  });

  it("makes a fixed number of round trips without rules or list", async () => {
    const counted = countQueries(sql);
    await run({}, counted);
    // workspaces page, plugins page, count(DISTINCT), counter sums, live counts + drifts, usage by tag.
    expect(counted.calls()).toBe(6);
  });

  it.each([
    [{ workspaces: 0 }, "paging.workspaces must be a positive integer"],
    [{ plugins: -1 }, "paging.plugins must be a positive integer"],
    [{ keys: 1.5 }, "paging.keys must be a positive integer"],
    [{ bytes: Number.NaN }, "paging.bytes must be a positive integer"],
  ] as const)("refuses paging %j before any query: %s", async (paging, message) => {
    const counted = countQueries(sql);
    const refusal = await run({ paging }, counted).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RangeError);
    expect((refusal as Error).message).toBe(message);
    expect(counted.calls()).toBe(0);
  });

  it("lists no workspace, without failing, when the workspaces table is empty", async () => {
    // Prepare: the 3.13 schema with its default workspace removed (nothing else refers to it here)
    const empty = await db.createFixture(SCHEMAS.ee313);
    await db.execRaw("DELETE FROM workspaces", { schema: empty.schema });
    const emptySchema = await probeSchema(empty);

    // Act
    const details = await collectDetails(empty, { schema: emptySchema, tierOf });

    // Assess
    expect(details.workspaces).toEqual([]);
    expect(details.discrete_services).toEqual({ count: 0, rules: [] });
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(run({ signal: controller.signal })).rejects.toThrow();
  });

  it("reproduces KLCR's counts on the demo cluster (19 services -> 17 discrete, 18 across workspaces)", async () => {
    const demo = await db.createFixture(SCHEMAS.ee313, KLCR_DEMO);
    const demoSchema = await probeSchema(demo);
    const tiers35 = selectTierClassifier({ major: 3, minor: 5 }).tierOf;
    const details = await collectDetails(demo, { schema: demoSchema, tierOf: tiers35, includeList: true });
    const summary = details.workspaces?.map((ws) => [ws.name, ws.services, ws.discrete_services]);
    expect(summary).toEqual([
      ["Engineering", 1, 1],
      ["WS1", 0, 0],
      ["WS2", 0, 0],
      ["WS3", 0, 0],
      ["default", 19, 17],
    ]);
    expect(details.discrete_services?.count).toBe(18);
    expect(details.discrete_services?.list).toEqual(
      expect.arrayContaining([
        "grpc://grpcbin.se-kong-mesh.svc:9000null",
        "http://apollo-service.se-kong-mesh.svc:4000null",
      ]),
    );
    const routes = details.workspaces?.reduce((sum, ws) => sum + ws.routes, 0);
    const consumers = details.workspaces?.reduce((sum, ws) => sum + ws.consumers, 0);
    expect([routes, consumers]).toEqual([35, 5]);
    // No counter rows in this data set: every non-empty type is named as missing from the counter table.
    expect(details.entity_counters?.drifted).toEqual(["services", "routes", "consumers", "plugins"]);
  });
});
