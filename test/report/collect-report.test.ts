import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CollectOptions, collectReport } from "#lib/collector/collect-report.ts";
import { NotKongDatabaseError } from "#lib/errors.ts";
import { computeChecksum, type JsonValue, serializeInspect } from "#lib/report/checksum.ts";
import type { LicenseReport } from "#lib/report/types.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import { countQueries, type SqlPort } from "#lib/sql/port.ts";
import {
  DATASETS,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

const fixed: CollectOptions = { now: new Date("2025-03-15T12:00:00Z") };

async function reportOf(sql: SqlPort, options: CollectOptions = fixed): Promise<LicenseReport> {
  return (await collectReport(sql, options)).report;
}

describeTargets("Function: collectReport (%s)", (target) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase(target);
  });

  afterAll(async () => {
    await db?.close();
  });

  it("reproduces Kong's T2 test (3.9+ live counts, service-less lambdas and kafkas)", async () => {
    // Prepare
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);

    // Act
    const report = await reportOf(sql);

    // Assess
    expect(report).toMatchObject({
      workspaces_count: 1,
      services_count: 1,
      routes_count: 4,
      consumers_count: 2,
      rbac_users: 0,
      license: { license_key: "UNLICENSED", license_expiration_date: "2017-7-20" },
      counters: { total_requests: 0, buckets: [] },
      deployment_info: { type: "traditional" },
      plugins_count: {
        tiers: { free: { "aws-lambda": 4 }, enterprise: { "kafka-upstream": 4 }, custom: {} },
        unique_route_lambdas: 1,
        unique_route_kafkas: 1,
      },
    });
    expect(report.timestamp).toBe(1742040000);
    expect(report.checksum).toBe(computeChecksum(report as unknown as Record<string, unknown>));
  });

  it("reproduces Kong's T2' test with live counts rather than the hand-typed counter rows", async () => {
    const report = await reportOf(await db.createFixture(SCHEMAS.ee313, DATASETS.t2primeKong35));
    expect(report).toMatchObject({
      services_count: 1,
      routes_count: 3,
      consumers_count: 0,
      rbac_users: 0,
      plugins_count: {
        tiers: { free: { "aws-lambda": 3 }, enterprise: { "kafka-upstream": 3 } },
        unique_route_lambdas: 1,
        unique_route_kafkas: 1,
      },
    });
  });

  it("counts every workspace (T3) and reports zero as a number after deletes", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.t3Workspaces);
    expect(await reportOf(sql)).toMatchObject({
      workspaces_count: 3,
      services_count: 10,
      rbac_users: 10,
      consumers_count: 10,
      routes_count: 0,
    });

    await db.execRaw("DELETE FROM services; DELETE FROM rbac_users; DELETE FROM consumers;", {
      schema: sql.schema,
    });
    expect(await reportOf(sql)).toMatchObject({ services_count: 0, rbac_users: 0, consumers_count: 0 });
  });

  it("sums entities across workspaces (T8)", async () => {
    const report = await reportOf(await db.createFixture(SCHEMAS.ee313, DATASETS.t8EntityCounts));
    expect(report).toMatchObject({
      workspaces_count: 2,
      consumers_count: 2,
      services_count: 2,
      routes_count: 1,
    });
  });

  it.each([
    [
      "as-of 2025-03",
      { asOf: "2025-03" },
      [
        ["2024-04", 7],
        ["2025-03", 5],
        ["2026-01", 1],
        ["UNKNOWN", 50],
      ],
      63,
    ],
    [
      "now in UTC",
      { now: new Date("2025-03-01T02:00:00Z"), timeZone: "UTC" },
      [
        ["2024-04", 7],
        ["2025-03", 5],
        ["2026-01", 1],
        ["UNKNOWN", 50],
      ],
      63,
    ],
    [
      "now in Los Angeles (still February)",
      { now: new Date("2025-03-01T02:00:00Z"), timeZone: "America/Los_Angeles" },
      [
        ["2024-03", 25],
        ["2024-04", 7],
        ["2025-03", 5],
        ["2026-01", 1],
        ["UNKNOWN", 50],
      ],
      88,
    ],
    [
      "now in Tokyo (already April)",
      { now: new Date("2025-03-31T22:00:00Z"), timeZone: "Asia/Tokyo" },
      [
        ["2025-03", 5],
        ["2026-01", 1],
        ["UNKNOWN", 50],
      ],
      56,
    ],
    [
      "as-of 2025-03 a month later (past: later months left out)",
      { asOf: "2025-03", now: new Date("2025-04-15T12:00:00Z") },
      [
        ["2024-04", 7],
        ["2025-03", 5],
        ["UNKNOWN", 50],
      ],
      62,
    ],
    [
      "as-of 2024-04 (a year back)",
      { asOf: "2024-04" },
      [
        ["2024-03", 25],
        ["2024-04", 7],
        ["UNKNOWN", 50],
      ],
      82,
    ],
    [
      "as-of next month 2025-04 (not the current month: 2026-01 left out)",
      { asOf: "2025-04" },
      [
        ["2025-03", 5],
        ["UNKNOWN", 50],
      ],
      55,
    ],
  ] as const)(
    "windows request counters by the reporting month: %s",
    async (_name, options, buckets, total) => {
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.countersWindow);
      const report = await reportOf(sql, { now: fixed.now as Date, ...options });
      expect(report.counters).toEqual({
        total_requests: total,
        buckets: buckets.map(([bucket, request_count]) => ({ bucket, request_count })),
      });
      expect(report.collector.time_zone).toBe("timeZone" in options ? options.timeZone : "UTC");
    },
  );

  it.each([
    ["2014-12", /"2014-12": the reporting month must be from 2015-01 to 2025-04 \(next month\)/],
    ["2025-05", /"2025-05": the reporting month must be from 2015-01 to 2025-04/],
  ])("refuses as-of %s, outside 2015-01 to next month, before any query", async (asOf, message) => {
    const sql = countQueries(await db.createFixture(SCHEMAS.ee313, DATASETS.countersWindow));
    await expect(collectReport(sql, { ...fixed, asOf })).rejects.toThrow(message);
    expect(sql.calls()).toBe(0);
  });

  it("reads the whole report in two round trips", async () => {
    const sql = countQueries(await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39));
    await collectReport(sql, fixed);
    expect(sql.calls()).toBe(2);
  });

  it("infers the Kong version and edition from schema_meta", async () => {
    const report = await reportOf(await db.createFixture(SCHEMAS.ee313));
    expect(report.kong_version).toBe("3.13.x");
    expect(report.collector).toMatchObject({
      kong_version_from: "schema_meta",
      edition: "enterprise",
      schema_minor: "3.13",
      plugin_tiers: "3.13",
      source: "database",
      checksum_algorithm: "sha1",
    });
  });

  it("prefers configured node facts and says so in the provenance", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313);
    const { report, details } = await collectReport(sql, {
      ...fixed,
      kongVersion: "3.13.0.1",
      deploymentType: "hybrid",
      systemInfo: { uname: "Linux aarch64", cores: 8 },
    });
    expect(report.kong_version).toBe("3.13.0.1");
    expect(report.system_info).toEqual({ uname: "Linux aarch64", cores: 8 });
    expect(report.deployment_info).toEqual({ type: "hybrid", connected_dp_count: 0 });
    expect(report.collector).toMatchObject({
      kong_version_from: "configured",
      deployment_from: "configured",
    });
    expect(details.omitted.map((o) => o.key)).not.toContain("system_info");
  });

  it("omits system_info when not configured and names the reason", async () => {
    const { report, details } = await collectReport(await db.createFixture(SCHEMAS.ee313), fixed);
    expect(report).not.toHaveProperty("system_info");
    expect(details.omitted.find((o) => o.key === "system_info")?.reason).toMatch(
      /uname, cores and hostname .*KONG_NODE_UNAME.*KONG_NODE_HOSTNAME \/ --node-hostname/,
    );
  });

  it("puts a configured hostname in system_info, signs it, and names what is still missing", async () => {
    // Act
    const sql = await db.createFixture(SCHEMAS.ee313);
    const { report, details } = await collectReport(sql, {
      ...fixed,
      systemInfo: { uname: "Linux aarch64", cores: 4, hostname: "931afa0d2ed6" },
    });
    const partial = await collectReport(sql, { ...fixed, systemInfo: { hostname: "kong-cp-0" } });

    // Assess
    expect(report.system_info).toEqual({ uname: "Linux aarch64", cores: 4, hostname: "931afa0d2ed6" });
    expect(details.omitted.map((o) => o.key)).not.toContain("system_info");
    expect(verifyReport(report as unknown as Record<string, unknown>)).toMatchObject({ valid: true });
    const { hostname: _removed, ...withoutHostname } = report.system_info ?? {};
    expect(computeChecksum({ ...report, system_info: withoutHostname })).not.toBe(report.checksum);
    expect(partial.report.system_info).toEqual({ hostname: "kong-cp-0" });
    expect(partial.details.omitted.map((o) => o.key)).toEqual(
      expect.arrayContaining(["system_info.uname", "system_info.cores"]),
    );
    expect(partial.details.omitted.map((o) => o.key)).not.toContain("system_info.hostname");
  });

  it("signs with SHA-256 when asked and names the algorithm in the collector block", async () => {
    const { report } = await collectReport(await db.createFixture(SCHEMAS.ee313), {
      ...fixed,
      checksumAlgorithm: "sha256",
    });
    expect(report.collector.checksum_algorithm).toBe("sha256");
    expect(report.checksum).toMatch(/^[0-9a-f]{64}$/);
    const { checksum: _claimed, ...content } = report;
    const text = serializeInspect(content as unknown as JsonValue);
    expect(report.checksum).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    expect(verifyReport(report as unknown as Record<string, unknown>)).toMatchObject({
      valid: true,
      algorithm: "sha256",
    });
  });

  describe("a 3.14-shaped database (3.13 schema, one migration past it, 3.10-3.14 plugins)", () => {
    const june: CollectOptions = { now: new Date("2026-06-15T12:00:00Z") };
    const newPlugins = {
      ace: 1,
      "ai-lakera-guard": 1,
      "ai-mcp-proxy": 1,
      "ai-rag-injector": 1,
      confluent: 2,
      "confluent-consume": 2,
      datakit: 1,
      "kafka-consume": 3,
      "kafka-log": 1,
      "kafka-upstream": 1,
      "request-callout": 1,
      "solace-upstream": 1,
    };
    const byPlugin = [
      { plugin: "confluent", brokers: 1, addresses: ["pkc-1.eu-west-1.aws.confluent.cloud:9092"] },
      {
        plugin: "confluent-consume",
        brokers: 2,
        addresses: ["pkc-1.eu-west-1.aws.confluent.cloud:9092", "pkc-2.eu-west-1.aws.confluent.cloud:9092"],
      },
      { plugin: "kafka-consume", brokers: 3, addresses: ["kafka-2:9092", "kafka-3:9092", "kafka-4:9092"] },
      { plugin: "kafka-upstream", brokers: 2, addresses: ["kafka-1:9092", "kafka-2:9092"] },
    ];

    it("detects 3.14, files every Kong plugin in its tier and counts the Kafka family's brokers", async () => {
      // Act
      const { report, details } = await collectReport(
        await db.createFixture(SCHEMAS.ee313, DATASETS.kong314),
        june,
      );

      // Assess
      expect(report.kong_version).toBe("3.14.x");
      expect(report.collector).toMatchObject({ schema_minor: "3.14", plugin_tiers: "3.14" });
      expect(report.plugins_count).toEqual({
        tiers: {
          free: { "key-auth": 1 },
          enterprise: { ...newPlugins, "ai-a2a-proxy": 1, "metering-and-billing": 1 },
          custom: { "app-dynamics": 1, "tenant-router": 1 },
        },
        unique_route_lambdas: 0,
        unique_route_kafkas: 6,
      });
      expect(details.route_kafkas).toEqual({
        rule: "kafka-family",
        counted_plugins: ["kafka-upstream", "kafka-consume", "confluent", "confluent-consume"],
        kafka_upstream: 2,
        kafka_family: 6,
        by_plugin: byPlugin,
      });
      expect(details.warnings.join("\n")).not.toMatch(/newer than the newest published plugin lists/);
      // Window 2025-07 .. 2026-06; one row = one model in one hour (the fixture header's values).
      expect(details.ai_gateway).toEqual({
        model_hours: 11,
        by_month: [
          { month: "2025-07", model_hours: 1 },
          { month: "2026-05", model_hours: 5 },
          { month: "2026-06", model_hours: 4 },
          { month: "UNKNOWN", model_hours: 1 },
        ],
        by_model: [
          { model: "openai/gpt-4o", model_hours: 8 },
          { model: "anthropic/claude-sonnet-4", model_hours: 2 },
          { model: "mistral/mistral-large", model_hours: 1 },
        ],
        by_month_and_model: [
          { month: "2025-07", model: "mistral/mistral-large", model_hours: 1 },
          { month: "2026-05", model: "anthropic/claude-sonnet-4", model_hours: 2 },
          { month: "2026-05", model: "openai/gpt-4o", model_hours: 3 },
          { month: "2026-06", model: "openai/gpt-4o", model_hours: 4 },
          { month: "UNKNOWN", model: "openai/gpt-4o", model_hours: 1 },
        ],
      });
      expect(JSON.stringify(report)).not.toMatch(/model_hours|gpt-4o|by_plugin|ai_gateway/);
    });

    it.each([
      [
        // Window 2025-01 .. 2025-12: the 2025-06 and 2025-07 hours and the 2025 weekly row (month 0)
        // count; the 2026-05 and 2026-06 hours come after the reporting month and are left out.
        "2025-12",
        {
          model_hours: 3,
          by_month: [
            { month: "2025-06", model_hours: 1 },
            { month: "2025-07", model_hours: 1 },
            { month: "UNKNOWN", model_hours: 1 },
          ],
          by_model: [
            { model: "mistral/mistral-large", model_hours: 2 },
            { model: "openai/gpt-4o", model_hours: 1 },
          ],
          by_month_and_model: [
            { month: "2025-06", model: "mistral/mistral-large", model_hours: 1 },
            { month: "2025-07", model: "mistral/mistral-large", model_hours: 1 },
            { month: "UNKNOWN", model: "openai/gpt-4o", model_hours: 1 },
          ],
        },
      ],
      [
        // Window 2024-01 .. 2024-12: every row is later, the weekly row (month 0) of 2025 too.
        "2024-12",
        { model_hours: 0, by_month: [], by_model: [], by_month_and_model: [] },
      ],
    ] as const)("leaves AI model-hours after a past reporting month (as-of %s) out", async (asOf, usage) => {
      // Prepare
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.kong314);

      // Act
      const { details } = await collectReport(sql, { ...june, asOf });

      // Assess
      expect(details.ai_gateway).toEqual(usage);
    });

    it("reads the same rows as 3.13: the 3.14 plugins are custom, the Kafka rule is unchanged", async () => {
      // Prepare
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.kong314);
      await db.execRaw(
        `UPDATE schema_meta SET executed = array_remove(executed, '029_3130_to_3140') WHERE subsystem = 'core';
         UPDATE schema_meta SET executed = array_remove(executed, '027_31300_to_31400') WHERE subsystem = 'enterprise';`,
        { schema: sql.schema },
      );

      // Act
      const { report } = await collectReport(sql, june);

      // Assess
      expect(report.kong_version).toBe("3.13.x");
      expect(report.plugins_count).toEqual({
        tiers: {
          free: { "key-auth": 1 },
          enterprise: newPlugins,
          custom: {
            "ai-a2a-proxy": 1,
            "app-dynamics": 1,
            "metering-and-billing": 1,
            "tenant-router": 1,
          },
        },
        unique_route_lambdas: 0,
        unique_route_kafkas: 6,
      });
    });

    it("counts kafka-upstream brokers alone for Kong 3.9 and shows both readings in the details", async () => {
      // Prepare
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.kong314);
      await db.execRaw(
        `UPDATE schema_meta SET executed = ARRAY['000_base', '024_380_to_390'] WHERE subsystem = 'core';
         UPDATE schema_meta SET executed = ARRAY['000_base', '022_3800_to_3900'] WHERE subsystem = 'enterprise';`,
        { schema: sql.schema },
      );

      // Act
      const { report, details } = await collectReport(sql, june);
      const configured = await collectReport(sql, { ...june, kongVersion: "3.10.0.17" });

      // Assess
      expect(report.kong_version).toBe("3.9.x");
      expect(report.plugins_count.unique_route_kafkas).toBe(2);
      expect(details.route_kafkas).toEqual({
        rule: "kafka-upstream",
        counted_plugins: ["kafka-upstream"],
        kafka_upstream: 2,
        kafka_family: 6,
        by_plugin: byPlugin,
      });
      // The node says 3.10: its rules apply, and the mismatch with the schema is named.
      expect(configured.report.plugins_count.unique_route_kafkas).toBe(6);
      expect(configured.report.collector.plugin_tiers).toBe("3.10");
      expect(configured.details.warnings.join("\n")).toMatch(
        /configured Kong version \(3\.10\) differs from the version the database's migrations reached \(3\.9\)/,
      );
    });

    it("keeps the version a later, unreadable migration name cannot lower and says what it saw", async () => {
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.kong314);
      await db.execRaw(
        `UPDATE schema_meta SET executed = executed || '{030_cloned_plugins}'::text[] WHERE subsystem = 'core';`,
        { schema: sql.schema },
      );
      const { report, details } = await collectReport(sql, june);
      expect(report.kong_version).toBe("3.14.x");
      expect(report.collector).toMatchObject({ schema_minor: "3.14", plugin_tiers: "3.15" });
      expect(details.schema?.unread_migrations).toEqual(["core:030_cloned_plugins"]);
      expect(details.warnings).toContain(
        "schema_meta holds 1 migration(s) past Kong 3.14 whose names this tool cannot read (core:030_cloned_plugins): Kong may be newer than 3.14, so the newest plugin lists (3.15) and rules apply; set KONG_VERSION / --kong-version to the node's version to be exact.",
      );
    });

    it("warns, naming both versions, when the database is newer than the newest list", async () => {
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.kong314);
      await db.execRaw(
        `UPDATE schema_meta SET executed = executed || '{031_3150_to_3160}'::text[] WHERE subsystem = 'core';`,
        { schema: sql.schema },
      );
      const { report, details } = await collectReport(sql, june);
      expect(report.kong_version).toBe("3.16.x");
      expect(report.collector.plugin_tiers).toBe("3.15");
      expect(details.warnings.join("\n")).toMatch(
        /Kong 3\.16 is newer than the newest published plugin lists \(3\.15\)/,
      );
    });
  });

  it("applies every unique lambda/kafka rule: scope, service-less route, missing fields, disabled rows", async () => {
    const report = await reportOf(await db.createFixture(SCHEMAS.ee313, DATASETS.lambdasKafkas));
    expect(report).toMatchObject({
      services_count: 2,
      routes_count: 21,
      consumers_count: 1,
      plugins_count: {
        tiers: { free: { "aws-lambda": 12 }, enterprise: { "kafka-upstream": 11 }, custom: {} },
        unique_route_lambdas: 3,
        unique_route_kafkas: 4,
      },
    });
  });

  it("reproduces the derived vectors of Kong's rules (lambdas 1, kafkas 3)", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.lambdasKafkas);
    await db.execRaw("DELETE FROM plugins WHERE NOT ('v12' = ANY (tags))", { schema: sql.schema });
    const report = await reportOf(sql);
    expect(report.plugins_count).toMatchObject({ unique_route_lambdas: 1, unique_route_kafkas: 3 });
  });

  it("picks the newest readable license, skipping keyring-encrypted and broken rows", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.licenses);
    const { report, details } = await collectReport(sql, fixed);
    expect(report.license).toEqual({
      license_key: "FAKE-TEST-LICENSE-KEY-0001",
      license_expiration_date: "2030-12-31",
    });
    expect(report.collector.license_from).toBe("licenses");
    expect(details.warnings.join("\n")).toMatch(/1 keyring-encrypted license row/);
  });

  it("takes the first readable license in id order when the licenses table has no updated_at", async () => {
    // Prepare: without updated_at every row ties, and Kong keeps the first in id order: 0ccc...
    // is not a license, so 0ddd... (FAKE-TEST-LICENSE-KEY-0000) wins over the newer 1111.../2222....
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.licenses);
    await db.execRaw("ALTER TABLE licenses DROP COLUMN updated_at", { schema: sql.schema });

    // Act
    const report = await reportOf(sql);

    // Assess
    expect(report.license).toEqual({
      license_key: "FAKE-TEST-LICENSE-KEY-0000",
      license_expiration_date: "2025-01-01",
    });
    expect(report.collector.license_from).toBe("licenses");
  });

  it("lets a configured license override the table", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.licenses);
    const license = JSON.stringify({
      license: { payload: { license_key: "CONFIGURED-KEY", license_expiration_date: "2040-01-01" } },
    });
    const report = await reportOf(sql, { ...fixed, license });
    expect(report.license).toEqual({ license_key: "CONFIGURED-KEY", license_expiration_date: "2040-01-01" });
    expect(report.collector.license_from).toBe("configured");
  });

  it("infers a hybrid control plane from data planes whose ttl has not expired", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.hybrid);
    const report = await reportOf(sql);
    expect(report.deployment_info).toEqual({ type: "hybrid", connected_dp_count: 3 });
    expect(report.collector.deployment_from).toBe("clustering_data_planes");
    const configured = await reportOf(sql, { ...fixed, deploymentType: "traditional" });
    expect(configured.deployment_info).toEqual({ type: "traditional" });
  });

  it("counts every data plane as connected when clustering_data_planes has no ttl column", async () => {
    // Prepare: without ttl nothing says a row expired, so dp-old counts with the three live ones.
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.hybrid);
    await db.execRaw("ALTER TABLE clustering_data_planes DROP COLUMN ttl", { schema: sql.schema });

    // Act
    const report = await reportOf(sql);

    // Assess
    expect(report.deployment_info).toEqual({ type: "hybrid", connected_dp_count: 4 });
  });

  it("falls back to the highest data-plane version when schema_meta names none", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.hybrid);
    await db.execRaw("UPDATE schema_meta SET executed = ARRAY['000_base']", { schema: sql.schema });
    const report = await reportOf(sql);
    expect(report.kong_version).toBe("3.13.0.1");
    expect(report.collector.kong_version_from).toBe("clustering_data_planes");
  });

  it("warns about an upgrade in progress and keeps the executed version", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.upgradePending);
    const { report, details } = await collectReport(sql, fixed);
    expect(report.kong_version).toBe("3.12.x");
    expect(details.schema?.pending).toEqual(
      expect.arrayContaining(["core:028_3120_to_3130", "enterprise:026_31200_to_31300"]),
    );
    expect(details.warnings.join("\n")).toMatch(/upgrade to 3\.13 is in progress/);
  });

  it("classifies every plugin row (all scopes, disabled too) with the tier lists of the detected minor", async () => {
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.tiersMixed);
    const report = await reportOf(sql);
    expect(report.plugins_count.tiers).toEqual({
      free: { "ai-proxy": 1, cors: 1, "key-auth": 3, "rate-limiting": 2, redirect: 1 },
      enterprise: {
        confluent: 1,
        "injection-protection": 1,
        "kafka-log": 1,
        "openid-connect": 2,
        "rate-limiting-advanced": 1,
      },
      custom: { "app-dynamics": 1, "my-header-injector": 2 },
    });

    // The same rows on a 3.8 database: redirect and injection-protection were not in Kong's lists yet.
    await db.execRaw(
      `UPDATE schema_meta SET executed = ARRAY['000_base', '023_360_to_370'] WHERE subsystem = 'core';
       UPDATE schema_meta SET executed = ARRAY['000_base', '021_3700_to_3800'] WHERE subsystem = 'enterprise';`,
      { schema: sql.schema },
    );
    const v38 = await reportOf(sql);
    expect(v38.kong_version).toBe("3.8.x");
    expect(v38.collector.plugin_tiers).toBe("3.8");
    expect(v38.plugins_count.tiers.custom).toEqual({
      "app-dynamics": 1,
      "injection-protection": 1,
      "my-header-injector": 2,
      redirect: 1,
    });
  });

  it("reports an Enterprise 2.8 database (no consumer_group_id) with 3.5 tier lists", async () => {
    const sql = await db.createFixture(SCHEMAS.ee28, DATASETS.t2Kong39);
    const { report, details } = await collectReport(sql, fixed);
    expect(report).toMatchObject({
      kong_version: "2.8.x",
      services_count: 1,
      routes_count: 4,
      consumers_count: 2,
      rbac_users: 0,
      counters: { total_requests: 0, buckets: [] },
      plugins_count: { unique_route_lambdas: 1, unique_route_kafkas: 1 },
      collector: { edition: "enterprise", plugin_tiers: "3.5" },
    });
    expect(details.schema?.missing).toContain("plugins.consumer_group_id");
    expect(details.warnings.join("\n")).toMatch(/Kong 2\.8 itself reports no plugin tiers/);
  });

  it("reports an open-source 3.5 database, leaving out what it cannot hold", async () => {
    const { report, details } = await collectReport(
      await db.createFixture(SCHEMAS.oss35, DATASETS.oss35Basic),
      fixed,
    );
    expect(report).toMatchObject({
      kong_version: "3.5.x",
      workspaces_count: 1,
      services_count: 3,
      routes_count: 8,
      consumers_count: 2,
      license: { license_key: "UNLICENSED", license_expiration_date: "2017-7-20" },
      plugins_count: {
        tiers: { free: { "aws-lambda": 1, cors: 2, jwt: 4 }, enterprise: {}, custom: {} },
        unique_route_lambdas: 1,
        unique_route_kafkas: 0,
      },
      collector: { edition: "open-source" },
    });
    expect(report).not.toHaveProperty("rbac_users");
    expect(report).not.toHaveProperty("counters");
    expect(details.omitted.map((o) => o.key)).toEqual(expect.arrayContaining(["rbac_users", "counters"]));
  });

  it("reports an open-source 2.0 database without a workspaces table", async () => {
    const { report, details } = await collectReport(
      await db.createFixture(SCHEMAS.oss20, DATASETS.oss20Community),
      fixed,
    );
    expect(report).toMatchObject({
      kong_version: "2.0.x",
      workspaces_count: 1,
      services_count: 3,
      routes_count: 5,
      consumers_count: 2,
      plugins_count: {
        tiers: {
          free: { "aws-lambda": 1, "proxy-cache": 1 },
          enterprise: {},
          custom: { "cookies-to-headers": 1, oidc: 2 },
        },
        unique_route_lambdas: 1,
      },
    });
    expect(details.warnings.join("\n")).toMatch(/No workspaces table/);
  });

  it("reads the demo deployment with details in a fixed number of round trips", async () => {
    const sql = countQueries(await db.createFixture(SCHEMAS.ee313, "lib/demo/seed.sql"));
    const { details } = await collectReport(sql, { ...fixed, details: {} });
    expect(details.workspaces?.length).toBe(5);
    expect(details.discrete_services?.count).toBe(16);
    expect(details.entity_counters?.drifted).toContain("routes");
    expect(sql.calls()).toBeLessThanOrEqual(8);
  });

  it("shows the demo as a current Kong: 3.15, its plugins in their tiers, the Kafka family counted", async () => {
    // The demo's counters are computed from now(): report the current month.
    const sql = await db.createFixture(SCHEMAS.ee313, "lib/demo/seed.sql");
    const { report, details } = await collectReport(sql, { details: false });
    expect(report.kong_version).toBe("3.15.x");
    expect(report.collector).toMatchObject({ schema_minor: "3.15", plugin_tiers: "3.15" });
    expect(report.plugins_count.tiers.enterprise).toMatchObject({
      "ai-a2a-proxy": 1,
      "ai-lakera-guard": 1,
      "ai-rag-injector": 1,
      confluent: 1,
      datakit: 1,
      "kafka-consume": 1,
      "metering-and-billing": 1,
    });
    expect(report.plugins_count.tiers.custom).toEqual({ "my-header-injector": 3, "tenant-router": 1 });
    expect(report.plugins_count.unique_route_kafkas).toBe(7);
    expect(details.route_kafkas).toMatchObject({ kafka_upstream: 5, kafka_family: 7 });
    expect(details.ai_gateway?.model_hours).toBe(99);
    expect(details.ai_gateway?.by_model).toEqual([
      { model: "openai/gpt-4o", model_hours: 57 },
      { model: "anthropic/claude-sonnet-4", model_hours: 36 },
      { model: "mistral/mistral-large", model_hours: 6 },
    ]);
    expect(details.warnings.join("\n")).not.toMatch(/newer than the newest published plugin lists/);
  });

  describe("hands its options on to the details and the port", () => {
    const merge = [{ find: "dev|stage|qa", replace_with: "prod" }];

    it("writes the cluster label right after the checksum and applies the details' rules and list", async () => {
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.detailsWorkspaces);

      const { details } = await collectReport(sql, {
        ...fixed,
        clusterName: "prod-eu",
        details: { rules: merge, includeList: true },
      });

      expect(Object.keys(details).slice(0, 3)).toEqual(["generated_at", "checksum", "cluster"]);
      expect(details.cluster).toBe("prod-eu");
      // The fixture's six keys, dev/stage/qa hosts merged into one by the rule (collect-details.test.ts).
      expect(details.discrete_services).toEqual({
        count: 4,
        rules: merge,
        list: [
          "grpc://grpcbin:9000null",
          "http://api.prod.example.com:80/v1",
          "http://httpbin.org:80/anything",
          'https://evil.example.com:443/"q"<x>',
        ],
      });
    });

    it("reads the details in the pages it is given, and not at all with details: false", async () => {
      const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.detailsWorkspaces);
      const paged = countQueries(sql);
      const none = countQueries(sql);

      await collectReport(paged, {
        ...fixed,
        details: { rules: merge, includeList: true, paging: { workspaces: 1, plugins: 1, keys: 1 } },
      });
      const { details } = await collectReport(none, { ...fixed, details: false });

      // probe + facts, then one row per page: 4 workspaces + 4 plugin pages + 7 (workspace, key) pairs + 2 counter
      // queries + the usage by tag: its one (untagged) row and, with rules, 6 distinct (tag, key) pairs
      expect(paged.calls()).toBe(2 + 4 + 4 + 7 + 2 + 1 + 6);
      expect(none.calls()).toBe(2);
      expect(details).not.toHaveProperty("workspaces");
    });

    it("opens no transaction and runs no statement when its signal is already aborted", async () => {
      const sql = countQueries(await db.createFixture(SCHEMAS.ee313, DATASETS.detailsWorkspaces));
      const controller = new AbortController();
      controller.abort(new Error("the caller gave up"));

      await expect(collectReport(sql, { ...fixed, signal: controller.signal })).rejects.toThrow(
        "the caller gave up",
      );
      expect(sql.calls()).toBe(0);
    });
  });

  it("refuses a database without the Kong schema, naming the schema it looked in", async () => {
    const sql = await db.createFixture(DATASETS.notKong);
    const refusal = await collectReport(sql, fixed).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(NotKongDatabaseError);
    expect((refusal as Error).message).toBe(
      `No Kong schema in this database (schema "${sql.schema}" has no schema_meta, services, routes, consumers or plugins table). Point the tool at the database that "kong migrations bootstrap" created; a DB-less Kong deployment has no database to report from.`,
    );
  });

  it("refuses a Kong schema missing some of the tables the report reads, and names them in Kong's order", async () => {
    // Prepare: the 3.13 schema without routes and plugins (a half-run bootstrap, or the wrong schema)
    const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);
    await db.execRaw("DROP TABLE plugins CASCADE; DROP TABLE routes CASCADE;", { schema: sql.schema });

    // Act
    const refusal = await collectReport(sql, fixed).catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(NotKongDatabaseError);
    expect((refusal as Error).message).toBe(
      `Incomplete Kong schema in "${sql.schema}": missing routes, plugins. Run "kong migrations bootstrap/up" or point the tool at the right database or schema.`,
    );
  });

  it("refuses an empty database", async () => {
    const sql = await db.createFixture("SELECT 1");
    await expect(collectReport(sql, fixed)).rejects.toThrow(/DB-less Kong deployment has no database/);
  });
});
