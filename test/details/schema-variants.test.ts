import { afterAll, beforeAll, expect, it } from "vitest";
import { collectDetails } from "#lib/details/collect-details.ts";
import { selectTierClassifier } from "#lib/report/plugin-tiers.ts";
import { probeSchema } from "#lib/report/probe-schema.ts";
import { countQueries } from "#lib/sql/port.ts";
import {
  DEFAULT_WORKSPACE_ID,
  describeTargets,
  fixtureFile,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

const tierOf = selectTierClassifier({ major: 3, minor: 5 }).tierOf;

describeTargets("collectDetails on older and open-source schemas (%s)", (target) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(target);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("puts everything in one implicit workspace when the schema has no workspaces (OSS 2.0)", async () => {
    const sql = await db.createFixture(
      SCHEMAS.oss20,
      fixtureFile("test/fixtures/datasets/details-oss20.sql"),
    );
    const schema = await probeSchema(sql);
    const counted = countQueries(sql);
    const details = await collectDetails(counted, { schema, tierOf, includeList: true });
    expect(details.workspaces).toEqual([
      {
        id: "",
        name: "default",
        services: 3,
        routes: 2,
        consumers: 2,
        plugins: { free: { "key-auth": 2 }, enterprise: {}, custom: { "my-auth": 1 } },
        implicit: true,
        discrete_services: 2,
      },
    ]);
    expect(details.discrete_services).toEqual({
      count: 2,
      rules: [],
      list: ["http://backend:8080null", "https://auth.internal:443/"],
    });
    expect(details.entity_counters).toBeUndefined();
    expect(details.warnings).toEqual([
      "This schema has no per-workspace columns (Kong before 2.1): all entities are shown in one implicit workspace.",
      "workspace_entity_counters does not exist in this schema: no counter drift comparison.",
    ]);
    // implicit counts, plugins page, keys page, usage-by-tag page: no counter queries on this schema.
    expect(counted.calls()).toBe(4);

    const merged = await collectDetails(sql, {
      schema,
      tierOf,
      rules: [{ find: "backend", replace_with: "auth.internal" }],
    });
    expect(merged.discrete_services?.count).toBe(2);
    expect(merged.workspaces?.[0]?.discrete_services).toBe(2);
  });

  it("counts every consumer when consumers.type is missing and skips the counter check (OSS 3.5)", async () => {
    const sql = await db.createFixture(
      SCHEMAS.oss35,
      fixtureFile("test/fixtures/datasets/details-oss35.sql"),
    );
    const schema = await probeSchema(sql);
    const details = await collectDetails(sql, { schema, tierOf });
    expect(details.workspaces).toEqual([
      {
        id: DEFAULT_WORKSPACE_ID,
        name: "default",
        services: 2,
        routes: 1,
        consumers: 3,
        plugins: { free: { cors: 1 }, enterprise: {}, custom: {} },
        discrete_services: 2,
      },
    ]);
    expect(details.discrete_services?.count).toBe(2);
    expect(details.entity_counters).toBeUndefined();
    expect(details.warnings).toContain(
      "workspace_entity_counters does not exist in this schema: no counter drift comparison.",
    );
  });

  it("compares the counters of Kong Enterprise 2.8 and names the consumer drift", async () => {
    const sql = await db.createFixture(SCHEMAS.ee28, fixtureFile("test/fixtures/datasets/details-ee28.sql"));
    const schema = await probeSchema(sql);
    const details = await collectDetails(sql, { schema, tierOf });
    expect(
      details.workspaces?.map((ws) => [ws.name, ws.services, ws.consumers, ws.discrete_services]),
    ).toEqual([
      ["default", 1, 1, 1],
      ["team", 1, 0, 1],
    ]);
    expect(details.discrete_services?.count).toBe(1);
    expect(details.entity_counters?.rows).toEqual([
      { entity_type: "services", counter_table: 2, live: 2, drift: 0 },
      { entity_type: "routes", counter_table: 1, live: 1, drift: 0 },
      { entity_type: "consumers", counter_table: 2, live: 1, drift: 1 },
      { entity_type: "plugins", counter_table: 1, live: 1, drift: 0 },
      { entity_type: "rbac_users", counter_table: null, live: 0, drift: null },
    ]);
    expect(details.entity_counters?.drifted).toEqual(["consumers"]);
    expect(details.entity_counters?.workspaces).toEqual([
      {
        workspace_id: DEFAULT_WORKSPACE_ID,
        workspace: "default",
        entity_type: "consumers",
        counter_table: 2,
        live: 1,
      },
    ]);
    expect(details.warnings).toEqual([
      "workspace_entity_counters says 2 consumers, the table holds 1 (drift +1).",
      "1 (workspace, entity type) counter row(s) differ from the live counts.",
      'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
    ]);
  });
});
