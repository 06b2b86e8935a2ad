import { describe, expect, it } from "vitest";
import { selectRulesMinor } from "#lib/collector/collect-report.ts";
import { type BuildContext, buildReport, type NodeFacts } from "#lib/report/build-report.ts";
import { readMigrations } from "#lib/report/kong-version.ts";
import { selectTierClassifier } from "#lib/report/plugin-tiers.ts";
import type { KongFacts } from "#lib/report/read-kong-facts.ts";
import { emptyKongFacts, fullSchema } from "../helpers/kong-facts.ts";

type SchemaMetaRow = KongFacts["schemaMeta"][number];

/** A full Kong schema: every table and column exists, so no schema warning appears. */
const schema = fullSchema(160004);

const CORE_39: SchemaMetaRow = { subsystem: "core", executed: ["000_base", "024_380_to_390"], pending: [] };

/** Kong 3.9's schema_meta, unless the test says otherwise. */
function factsWith(overrides: Partial<KongFacts>): KongFacts {
  return emptyKongFacts({ schemaMeta: [CORE_39], ...overrides });
}

/** The context collectReport would build from these facts (same minor, rules and lists choice). */
function contextOf(facts: KongFacts, node: NodeFacts = {}): BuildContext {
  const migrations = readMigrations(
    facts.schemaMeta.map((row) => ({ subsystem: row.subsystem, names: row.executed })),
  );
  const rulesMinor = selectRulesMinor(node.kongVersion, migrations);
  return {
    schema,
    facts,
    node,
    classifier: selectTierClassifier(rulesMinor),
    kongMinor: migrations.minor,
    migrations,
    rulesMinor,
    checksumAlgorithm: "sha1",
    now: new Date("2025-03-15T12:00:00Z"),
    asOf: "2025-03",
    timeZone: "UTC",
    tool: { name: "kong-license-report", version: "0.0.0-test" },
  };
}

function warningsOf(facts: KongFacts, node: NodeFacts = {}): string[] {
  return buildReport(contextOf(facts, node)).details.warnings;
}

/** The upgrade warning's fixed tail, after the list of pending names. */
const UPGRADE_TAIL =
  "; the version reported is the one fully migrated, and counts may change once the upgrade completes.";

describe("Function: buildReport (license rows that are not license JSON)", () => {
  it("falls back to UNLICENSED and names how many rows were skipped when no row is readable", () => {
    // Prepare: neither text is a {"license":{"payload":{…}}} document
    const facts = factsWith({ licenseCandidates: ["not json", '{"license":{}}'] });

    // Act
    const { report, details } = buildReport(contextOf(facts));

    // Assess
    expect(report.license).toEqual({ license_key: "UNLICENSED", license_expiration_date: "2017-7-20" });
    expect(report.collector.license_from).toBe("unlicensed");
    expect(details.warnings).toEqual(["2 license row(s) are not valid license JSON and were skipped."]);
  });
});

describe("Function: buildReport (numbers beyond 2^53)", () => {
  it("warns once per count that a JSON number cannot hold exactly, naming the count and the rounding", () => {
    // Prepare: 2^53+1 in a bucket, a total of 2^53+3, 2^54+1 services; 2^53-1 routes is still exact
    const facts = factsWith({
      buckets: [
        ["2025-02", "9007199254740993"],
        ["2025-03", "2"],
      ],
      services: "18014398509481985",
      routes: "9007199254740991",
    });

    // Act
    const { report, details } = buildReport(contextOf(facts));

    // Assess: doubles round half to even, so 2^53+1 → 2^53 and 2^53+3 → 2^53+4
    expect(report.counters).toEqual({
      total_requests: 9007199254740996,
      buckets: [
        { bucket: "2025-02", request_count: 9007199254740992 },
        { bucket: "2025-03", request_count: 2 },
      ],
    });
    expect(report.services_count).toBe(18014398509481984);
    expect(report.routes_count).toBe(9007199254740991);
    expect(details.warnings).toEqual([
      "requests 2025-02 is 9007199254740993, beyond 2^53: the JSON number is rounded to 9007199254740992.",
      "total_requests is 9007199254740995, beyond 2^53: the JSON number is rounded to 9007199254740996.",
      "services_count is 18014398509481985, beyond 2^53: the JSON number is rounded to 18014398509481984.",
    ]);
  });
});

describe("Function: buildReport (keys left out when unknown)", () => {
  it("leaves kong_version_from, kong_version and the last migrations out when nothing tells them", () => {
    // Prepare: no schema_meta row, no data plane, nothing configured
    const facts = factsWith({ schemaMeta: [] });

    // Act
    const { report, details } = buildReport(contextOf(facts));

    // Assess: an absent key, not one holding undefined (the checksum serialiser has no undefined)
    expect(report).not.toHaveProperty("kong_version");
    expect(report.collector).not.toHaveProperty("kong_version_from");
    expect(details.schema).toStrictEqual({ edition: "open-source", pending: [], missing: [] });
  });

  it("gives an open-source schema its core migration and no enterprise_last_migration key", () => {
    // Prepare
    const facts = factsWith({ schemaMeta: [CORE_39] });

    // Act
    const { report, details } = buildReport(contextOf(facts));

    // Assess
    expect(report.kong_version).toBe("3.9.x");
    expect(report.collector.kong_version_from).toBe("schema_meta");
    expect(details.schema).toStrictEqual({
      edition: "open-source",
      pending: [],
      missing: [],
      kong_minor: "3.9",
      core_last_migration: "024_380_to_390",
    });
  });
});

describe("Function: buildReport (unreadable migration names in the details)", () => {
  it("lists the first 20 of 21 unreadable names, and none of them is past the readable ones", () => {
    // Prepare: 21 custom names numbered 001–021, all below 024_380_to_390
    const custom = Array.from({ length: 21 }, (_, i) => `${String(i + 1).padStart(3, "0")}_custom_step`);
    const facts = factsWith({
      schemaMeta: [{ subsystem: "core", executed: ["000_base", ...custom, "024_380_to_390"], pending: [] }],
    });

    // Act
    const { details } = buildReport(contextOf(facts));

    // Assess
    expect(details.schema?.unread_migrations).toEqual(custom.slice(0, 20).map((name) => `core:${name}`));
    expect(details.schema?.unread_migrations).toHaveLength(20);
    expect(details.schema?.unread_migrations?.at(-1)).toBe("core:020_custom_step");
    expect(details.warnings).toEqual([]);
  });
});

describe("Function: buildReport (upgrade in progress)", () => {
  it("says only that an upgrade is in progress when no pending name tells its version", () => {
    // Prepare
    const facts = factsWith({ schemaMeta: [{ ...CORE_39, pending: ["025_custom_step"] }] });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      `An upgrade is in progress: 1 migration(s) await "kong migrations finish" (core:025_custom_step)${UPGRADE_TAIL}`,
    ]);
  });

  it("names the target version when no executed migration tells the current one", () => {
    // Prepare: only the base migration ran; 3.10's is pending
    const facts = factsWith({
      schemaMeta: [{ subsystem: "core", executed: ["000_base"], pending: ["025_390_to_3100"] }],
    });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      `An upgrade to 3.10 is in progress: 1 migration(s) await "kong migrations finish" (core:025_390_to_3100)${UPGRADE_TAIL}`,
    ]);
  });

  it("names the target version when it is newer than the version migrated", () => {
    // Prepare
    const facts = factsWith({ schemaMeta: [{ ...CORE_39, pending: ["025_390_to_3100"] }] });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      `An upgrade to 3.10 is in progress: 1 migration(s) await "kong migrations finish" (core:025_390_to_3100)${UPGRADE_TAIL}`,
    ]);
  });

  it.each([
    ["the same as", "021_3800_to_3900"],
    ["older than", "020_3700_to_3800"],
  ])("does not name a target %s the version migrated", (_relation, pendingName) => {
    // Prepare: core reached 3.9; an Enterprise step of 3.9 (or 3.8) still awaits its finish
    const facts = factsWith({
      schemaMeta: [CORE_39, { subsystem: "enterprise", executed: ["000_base"], pending: [pendingName] }],
    });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      `An upgrade is in progress: 1 migration(s) await "kong migrations finish" (enterprise:${pendingName})${UPGRADE_TAIL}`,
    ]);
  });

  it("lists exactly 5 pending names in full, without an ellipsis", () => {
    // Prepare
    const pending = ["101_a", "102_b", "103_c", "104_d", "105_e"];
    const facts = factsWith({ schemaMeta: [{ ...CORE_39, pending }] });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      `An upgrade is in progress: 5 migration(s) await "kong migrations finish" (core:101_a, core:102_b, core:103_c, core:104_d, core:105_e)${UPGRADE_TAIL}`,
    ]);
  });

  it("lists the first 5 of 6 pending names and marks the rest with an ellipsis", () => {
    // Prepare
    const pending = ["101_a", "102_b", "103_c", "104_d", "105_e", "106_f"];
    const facts = factsWith({ schemaMeta: [{ ...CORE_39, pending }] });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      `An upgrade is in progress: 6 migration(s) await "kong migrations finish" (core:101_a, core:102_b, core:103_c, core:104_d, core:105_e, …)${UPGRADE_TAIL}`,
    ]);
  });
});

describe("Function: buildReport (migrations past the names this tool reads)", () => {
  it("names the version reached and lists the first 5 of 6 unreadable later names", () => {
    // Prepare: six names numbered after 024_380_to_390 whose shape cannot be read
    const later = ["025_a", "026_b", "027_c", "028_d", "029_e", "030_f"];
    const facts = factsWith({ schemaMeta: [{ ...CORE_39, executed: [...CORE_39.executed, ...later] }] });

    // Act
    const { report, details } = buildReport(contextOf(facts));

    // Assess: the version is unknown beyond 3.9, so the newest lists (3.15) apply
    expect(report.collector.plugin_tiers).toBe("3.15");
    expect(details.warnings).toEqual([
      "schema_meta holds 6 migration(s) past Kong 3.9 whose names this tool cannot read (core:025_a, core:026_b, core:027_c, core:028_d, core:029_e): Kong may be newer than 3.9, so the newest plugin lists (3.15) and rules apply; set KONG_VERSION / --kong-version to the node's version to be exact.",
    ]);
  });

  it("names no version when no migration name can be read", () => {
    // Prepare
    const facts = factsWith({
      schemaMeta: [{ subsystem: "core", executed: ["000_base", "001_new_shape"], pending: [] }],
    });

    // Act
    const warnings = warningsOf(facts);

    // Assess
    expect(warnings).toEqual([
      "schema_meta holds 1 migration(s) whose names this tool cannot read (core:001_new_shape): Kong may be newer, so the newest plugin lists (3.15) and rules apply; set KONG_VERSION / --kong-version to the node's version to be exact.",
    ]);
  });
});

describe("Function: buildReport (configured Kong version and plugin lists)", () => {
  it("raises no version-drift warning when the schema tells no version to compare with", () => {
    // Prepare: 3.9 configured; schema_meta holds only the base migration
    const facts = factsWith({ schemaMeta: [{ subsystem: "core", executed: ["000_base"], pending: [] }] });

    // Act
    const { report, details } = buildReport(contextOf(facts, { kongVersion: "3.9.1.0" }));

    // Assess
    expect(report.kong_version).toBe("3.9.1.0");
    expect(details.warnings).toEqual([]);
  });

  it("names the drift when the configured version differs from the migrated one", () => {
    // Prepare
    const facts = factsWith({ schemaMeta: [CORE_39] });

    // Act
    const warnings = warningsOf(facts, { kongVersion: "3.10.0.0" });

    // Assess
    expect(warnings).toEqual([
      "The configured Kong version (3.10) differs from the version the database's migrations reached (3.9): plugin tiers and the Kafka rule follow the configured version, as the Kong node reporting would.",
    ]);
  });

  // Only the base migration ran: no drift warning, so the plugin-list warning stands alone.
  const baseOnly = factsWith({ schemaMeta: [{ subsystem: "core", executed: ["000_base"], pending: [] }] });

  it.each(["2.8", "3.0", "3.4"])("says Kong %s reports no tiers and uses the oldest lists (3.5)", (minor) => {
    // Act
    const warnings = warningsOf(baseOnly, { kongVersion: `${minor}.0.0` });

    // Assess
    expect(warnings).toEqual([
      `Kong ${minor} itself reports no plugin tiers (they arrived in 3.5); they are classified here with Kong's oldest published lists (3.5).`,
    ]);
  });

  it("raises no plugin-list warning for Kong 3.5, whose own lists exist", () => {
    // Act
    const { report, details } = buildReport(contextOf(baseOnly, { kongVersion: "3.5.0.0" }));

    // Assess
    expect(report.collector.plugin_tiers).toBe("3.5");
    expect(details.warnings).toEqual([]);
  });

  it.each(["3.99", "4.0", "4.7"])("says Kong %s is newer than the newest lists (3.15)", (minor) => {
    // Act
    const warnings = warningsOf(baseOnly, { kongVersion: `${minor}.0.0` });

    // Assess
    expect(warnings).toEqual([
      `Kong ${minor} is newer than the newest published plugin lists (3.15): plugins added since count as custom, as Kong counts names missing from its lists.`,
    ]);
  });
});
