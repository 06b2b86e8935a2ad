import { describe, expect, it } from "vitest";
import { type BuildContext, buildReport, type NodeFacts } from "#lib/report/build-report.ts";
import { type KongMinor, readMigrations } from "#lib/report/kong-version.ts";
import { selectTierClassifier } from "#lib/report/plugin-tiers.ts";
import type { KongFacts } from "#lib/report/read-kong-facts.ts";
import { NO_SYSTEM_INFO } from "../helpers/golden.ts";
import { emptyKongFacts, fullSchema } from "../helpers/kong-facts.ts";

// An Enterprise-shaped schema where every optional table and column exists.
const schema = fullSchema(150_002);

// Only a base migration: schema_meta names no version, and none of its names is unreadable.
const baseOnlyMeta: KongFacts["schemaMeta"] = [{ subsystem: "core", executed: ["000_base"], pending: [] }];

/** An empty Kong database whose schema_meta names no version. */
function emptyFacts(overrides: Partial<KongFacts> = {}): KongFacts {
  return emptyKongFacts({ schemaMeta: baseOnlyMeta, ...overrides });
}

const TOOL = { name: "klr-test", version: "9.9.9" } as const;

/** A context whose migrations and minors follow from the facts; the 3.13 lists classify. */
function contextOf(
  facts: KongFacts,
  node: NodeFacts = {},
  rulesMinor: KongMinor | undefined = undefined,
): BuildContext {
  const migrations = readMigrations(
    facts.schemaMeta.map((row) => ({ subsystem: row.subsystem, names: row.executed })),
  );
  return {
    schema,
    facts,
    node,
    classifier: selectTierClassifier({ major: 3, minor: 13 }),
    kongMinor: migrations.minor,
    migrations,
    rulesMinor,
    checksumAlgorithm: "sha1",
    now: new Date("2025-03-15T12:00:00Z"),
    asOf: "2025-03",
    timeZone: "UTC",
    tool: TOOL,
  };
}

describe("Function: buildReport (node facts, provenance and AI Gateway totals)", () => {
  it("leaves kong_version out, says why and names no provenance when nothing tells the version", () => {
    // Prepare: no configured version, schema_meta names none, no data plane reported one
    const context = contextOf(emptyFacts());

    // Act
    const { report, details } = buildReport(context);

    // Assess: the key is absent (not present as undefined), and the omission is explained
    expect(Object.hasOwn(report, "kong_version")).toBe(false);
    expect(details.omitted).toStrictEqual([
      {
        key: "kong_version",
        reason:
          "No Kong migration in schema_meta names a version and no data plane reported one; configure it (KONG_VERSION / --kong-version).",
      },
      NO_SYSTEM_INFO,
    ]);
    // No kong_version_from and no schema_minor: nothing was found to name a source
    expect(report.collector).toStrictEqual({
      name: "klr-test",
      version: "9.9.9",
      source: "database",
      deployment_from: "default",
      license_from: "unlicensed",
      edition: "open-source",
      plugin_tiers: "3.13",
      as_of: "2025-03",
      time_zone: "UTC",
      checksum_algorithm: "sha1",
    });
    expect(details.warnings).toStrictEqual([]);
  });

  it("treats an empty configured system_info as not configured: no key, one omission", () => {
    // Prepare: e.g. a configuration file with a system_info section but no value in it
    const context = contextOf(emptyFacts(), { kongVersion: "3.13.0.0", systemInfo: {} });

    // Act
    const { report, details } = buildReport(context);

    // Assess: no `system_info: {}`, and one entry rather than one per missing field
    expect(Object.hasOwn(report, "system_info")).toBe(false);
    expect(details.omitted).toStrictEqual([NO_SYSTEM_INFO]);
  });

  it("reports the configured node fields and names where to configure the one left out", () => {
    // Prepare: uname and cores configured, hostname not
    const context = contextOf(emptyFacts(), {
      kongVersion: "3.13.0.0",
      systemInfo: { uname: "Linux x86_64", cores: 4 },
    });

    // Act
    const { report, details } = buildReport(context);

    // Assess
    expect(report.system_info).toStrictEqual({ uname: "Linux x86_64", cores: 4 });
    expect(details.omitted).toStrictEqual([
      {
        key: "system_info.hostname",
        reason:
          "The Kong node's hostname is not stored in the database; configure it (KONG_NODE_HOSTNAME / --node-hostname).",
      },
    ]);
  });

  it("names each count beyond 2^53 in its warning", () => {
    // Prepare: 2^53 + 1 cannot be a JSON number; it rounds to 2^53
    const huge = "9007199254740993";
    const facts = emptyFacts({
      workspaces: huge,
      rbacUsers: huge,
      services: huge,
      routes: huge,
      consumers: huge,
      uniqueRouteLambdas: huge,
    });
    const context = contextOf(facts, { kongVersion: "3.13.0.0" }, { major: 3, minor: 13 });

    // Act
    const { report, details } = buildReport(context);

    // Assess: one warning per key, in the order the report is built (rbac_users is read first)
    const rounded = (key: string) =>
      `${key} is 9007199254740993, beyond 2^53: the JSON number is rounded to 9007199254740992.`;
    expect(details.warnings).toStrictEqual([
      rounded("rbac_users"),
      rounded("workspaces_count"),
      rounded("services_count"),
      rounded("routes_count"),
      rounded("consumers_count"),
      rounded("unique_route_lambdas"),
    ]);
    expect(report.services_count).toBe(9007199254740992);
  });

  it("sorts AI Gateway months chronologically (UNKNOWN last) and models by hours, then by name", () => {
    // Prepare: months out of order; three models tie at 5 hours, read in an order that is neither
    // their name order nor its reverse (a comparator that never says "after" would reverse them)
    const facts = emptyFacts({
      llmHours: [
        ["2025-03", "llama-3", "5"],
        ["UNKNOWN", "gpt-4o", "9"],
        ["2025-01", "claude-3-5-sonnet", "2"],
        ["2025-02", "claude-3-5-sonnet", "3"],
        ["2025-01", "mistral-large", "5"],
      ],
    });
    const context = contextOf(facts, { kongVersion: "3.13.0.0" });

    // Act
    const { details } = buildReport(context);

    // Assess: 2025-01 = 2 + 5, claude-3-5-sonnet = 2 + 3; the rows themselves keep their order
    expect(details.ai_gateway).toStrictEqual({
      model_hours: 24,
      by_month: [
        { month: "2025-01", model_hours: 7 },
        { month: "2025-02", model_hours: 3 },
        { month: "2025-03", model_hours: 5 },
        { month: "UNKNOWN", model_hours: 9 },
      ],
      by_model: [
        { model: "gpt-4o", model_hours: 9 },
        { model: "claude-3-5-sonnet", model_hours: 5 },
        { model: "llama-3", model_hours: 5 },
        { model: "mistral-large", model_hours: 5 },
      ],
      by_month_and_model: [
        { month: "2025-03", model: "llama-3", model_hours: 5 },
        { month: "UNKNOWN", model: "gpt-4o", model_hours: 9 },
        { month: "2025-01", model: "claude-3-5-sonnet", model_hours: 2 },
        { month: "2025-02", model: "claude-3-5-sonnet", model_hours: 3 },
        { month: "2025-01", model: "mistral-large", model_hours: 5 },
      ],
    });
  });

  it("takes the highest data-plane version, compared numerically, when nothing else tells it", () => {
    // Prepare: the newest (3.13) is neither the last nor the greatest as text
    const facts = emptyFacts({ dataPlaneVersions: ["3.9.1.0", "3.13.0.0", "3.10.2.0"] });
    const context = contextOf(facts);

    // Act
    const { report } = buildReport(context);

    // Assess
    expect(report.kong_version).toBe("3.13.0.0");
    expect(report.collector.kong_version_from).toBe("clustering_data_planes");
  });

  it("reports a configured hybrid without connected_dp_count when there is no clustering_data_planes table", () => {
    // Prepare: Kong leaves the count out when it cannot read the data planes
    const context = contextOf(emptyFacts({ liveDataPlanes: undefined }), {
      kongVersion: "3.13.0.0",
      deploymentType: "hybrid",
    });

    // Act
    const { report } = buildReport(context);

    // Assess: no key at all, neither undefined nor NaN
    expect(report.deployment_info).toStrictEqual({ type: "hybrid" });
    expect(report.collector.deployment_from).toBe("configured");
  });

  it("counts the live data planes of a configured hybrid", () => {
    // Prepare
    const context = contextOf(emptyFacts({ liveDataPlanes: "2" }), {
      kongVersion: "3.13.0.0",
      deploymentType: "hybrid",
    });

    // Act
    const { report } = buildReport(context);

    // Assess
    expect(report.deployment_info).toStrictEqual({ type: "hybrid", connected_dp_count: 2 });
  });

  it("defaults to traditional when the data-plane table exists but no data plane is live", () => {
    // Prepare: zero live rows is no evidence of a hybrid control plane
    const context = contextOf(emptyFacts({ liveDataPlanes: "0" }), { kongVersion: "3.13.0.0" });

    // Act
    const { report } = buildReport(context);

    // Assess
    expect(report.deployment_info).toStrictEqual({ type: "traditional" });
    expect(report.collector.deployment_from).toBe("default");
  });
});
