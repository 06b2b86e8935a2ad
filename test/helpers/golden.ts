import { afterAll, beforeAll, expect, it } from "vitest";
import { type CollectOptions, collectReport } from "#lib/collector/collect-report.ts";
import { buildReportFiles } from "#lib/output/report-files.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import type { SqlPort } from "#lib/sql/port.ts";
import packageJson from "../../package.json" with { type: "json" };
import { describeTargets, type FixtureSource, openTestDatabase, type TestDatabase } from "./kong-db.ts";

/**
 * Golden documents (issue 15): the whole response.json and details.json of a fixture, written by
 * hand from the fixture SQL and Kong's rules (PRODUCT.md, reference §4–§7), compared with exact
 * equality: an extra, missing or changed key fails. Only `timestamp`/`generated_at` come from the
 * injected clock, and the checksum is the one of the expected document (the serialiser is pinned
 * against real-Lua vectors in checksum.test.ts), never the code's own output.
 *
 * When the report's shape changes, change these documents from the rules, not from a run.
 */

export const NOW = new Date("2025-03-15T12:00:00Z");
export const TIMESTAMP = 1742040000; // 2025-03-15T12:00:00Z in Unix seconds

// collector: who made the report and how; tool name/version from package.json.
export const TOOL = { name: packageJson.name, version: packageJson.version };

export const NO_SYSTEM_INFO = {
  key: "system_info",
  reason:
    "The Kong node's uname, cores and hostname are not stored in the database; configure them (KONG_NODE_UNAME / --node-uname, KONG_NODE_CORES / --node-cores, KONG_NODE_HOSTNAME / --node-hostname).",
};
export const NO_COUNTERS = {
  key: "counters",
  reason:
    "The database has no license_data table (open-source schema): Kong records no request counts there.",
};
export const NO_RBAC = {
  key: "rbac_users",
  reason: "The database has no rbac_users table (open-source schema).",
};
export const NO_COUNTER_TABLE =
  "workspace_entity_counters does not exist in this schema: no counter drift comparison.";
export const NO_TYPE_COLUMN =
  "consumers has no type column (open-source schema): every consumer is counted as a proxy consumer.";
// unique_route_kafkas: Kong 3.10+ counts the brokers of the whole Kafka family, earlier Kong kafka-upstream only.
export const KAFKA_FAMILY = ["kafka-upstream", "kafka-consume", "confluent", "confluent-consume"];
// license_llm_data exists from 3.10 (empty in these fixtures); Kong's report leaves it out.
export const NO_AI_GATEWAY_USE = { model_hours: 0, by_month: [], by_model: [], by_month_and_model: [] };
export const noRouteKafkas = (rule: "kafka-family" | "kafka-upstream") => ({
  rule,
  counted_plugins: rule === "kafka-family" ? KAFKA_FAMILY : ["kafka-upstream"],
  kafka_upstream: 0,
  kafka_family: 0,
  by_plugin: [],
});

/** schema_meta of SCHEMAS.ee313 (lib/demo/schema.sql): core 028_3120_to_3130, EE 026_31200_to_31300. */
export const EE313_SCHEMA = {
  edition: "enterprise", // an `enterprise` row in schema_meta
  pending: [],
  missing: [], // every optional table and column exists in 3.13
  kong_minor: "3.13",
  core_last_migration: "028_3120_to_3130",
  enterprise_last_migration: "026_31200_to_31300",
};

export const ee313Collector = (from: { license_from: string; deployment_from?: string }) => ({
  ...TOOL,
  source: "database",
  deployment_from: from.deployment_from ?? "default", // no live data plane, nothing configured
  license_from: from.license_from,
  edition: "enterprise",
  plugin_tiers: "3.13", // Kong's published list for 3.13
  as_of: "2025-03", // the month of NOW in UTC
  time_zone: "UTC",
  checksum_algorithm: "sha1", // Kong's own, the default
  kong_version_from: "schema_meta",
  schema_minor: "3.13",
});

export const UNLICENSED = { license_key: "UNLICENSED", license_expiration_date: "2017-7-20" };
export const emptyTiers = () => ({ free: {}, enterprise: {}, custom: {} });

export interface Golden {
  readonly name: string;
  readonly sources: readonly FixtureSource[];
  /** The injected clock when the fixture is dated for another month than NOW (default NOW). */
  readonly now?: Date;
  readonly options?: Omit<CollectOptions, "now" | "details">;
  /** response.json without timestamp and checksum; `db_version` is filled in per target. */
  readonly response: Record<string, unknown>;
  /** details.json without generated_at and checksum. */
  readonly details: Record<string, unknown>;
}

/** PostgreSQL's `major.minor` rule (PRODUCT.md `db_version`): 180006 → 18.6, 90619 → 9.6.19. */
export async function expectedDbVersion(sql: SqlPort): Promise<string> {
  const [row] = await sql.query("SELECT current_setting('server_version_num') AS n");
  const n = Number(row?.n);
  const major = Math.floor(n / 10000);
  return major >= 10
    ? `postgres ${major}.${n % 100}`
    : `postgres ${major}.${Math.floor(n / 100) % 100}.${n % 100}`;
}

/** One describe per database target running every golden of `goldens`. */
export function describeGoldens(title: string, goldens: readonly Golden[]): void {
  describeTargets(`${title} (%s)`, (target) => {
    let db: TestDatabase;

    beforeAll(async () => {
      db = await openTestDatabase(target);
    });
    afterAll(async () => {
      await db?.close();
    });

    it.each(goldens.map((golden) => [golden.name, golden] as const))(
      "writes exactly the expected response.json and details.json: %s",
      async (_name, golden) => {
        // Prepare
        const now = golden.now ?? NOW;
        const sql = await db.createFixture(...golden.sources);
        const content = {
          timestamp: golden.now === undefined ? TIMESTAMP : Math.floor(now.getTime() / 1000),
          ...golden.response,
          db_version: await expectedDbVersion(sql),
        };
        const checksum = computeChecksum(content);

        // Act
        const collected = await collectReport(sql, { ...golden.options, now, details: {} });
        const files = buildReportFiles(collected, { format: "tar" });
        const read = (name: string) =>
          JSON.parse(files.find((file) => file.name === name)?.content.toString("utf8") ?? "null");

        // Assess
        expect(read("response.json")).toStrictEqual({ ...content, checksum });
        expect(read("details.json")).toStrictEqual({
          generated_at: now.toISOString(),
          checksum,
          ...golden.details,
        });
      },
    );
  });
}

// details.usage and details.usage_by_tag (issue 21), for goldens read without a contract: no
// lines, no forecast, and no term to add requests up over.
export const NOTE_NO_COUNTERS =
  "This database keeps no request counters (no license_data table): API requests are not measured.";
export const NOTE_NO_AI =
  "This database has no AI Gateway counter (license_llm_data, Kong 3.10+): AI model-hours are not measured.";

/** Kong's UNLICENSED payload (reference §2.3) as usage.license shows it at NOW (2025-03-15, UTC). */
export const unlicensedUsage = (rbacUsers: number | null, connected = 0) => ({
  expires: "2017-07-20", // Kong's unpadded "2017-7-20", zero-padded
  days_to_expiry: -2795, // 2017-07-20 is 2,795 days before 2025-03-15
  customer: "UNLICENSED",
  product_subscription: "UNLICENSED",
  support_plan: "UNLICENSED",
  dataplanes: { licensed: 0, connected }, // payload "0"; live rows of clustering_data_planes
  admin_seats: { licensed: 0, rbac_users: rbacUsers }, // payload "0"; the report's rbac_users
});

/** The fake test licences' payload (test/fixtures/datasets/licenses*.sql): 5 data planes, 5 admin seats. */
export const fakeLicenseUsage = (expires: string, daysToExpiry: number, rbacUsers: number) => ({
  expires,
  days_to_expiry: daysToExpiry,
  customer: "Example Corp (FAKE TEST LICENSE)",
  product_subscription: "Kong Enterprise Edition",
  support_plan: "None",
  dataplanes: { licensed: 5, connected: 0 }, // "5"; no live data plane
  admin_seats: { licensed: 5, rbac_users: rbacUsers }, // "5"
});

export interface GoldenUnits {
  gateway_services: number;
  discrete_services: number;
  api_requests_month: number | null;
  ai_model_hours_month: number | null;
}

/** usage without a contract: the units as measured, the licence beside the database. */
export function usageWithoutContract(
  units: GoldenUnits,
  license: Record<string, unknown>,
  notes: readonly string[] = [],
  asOf = "2025-03",
) {
  return {
    as_of: asOf,
    units: { ...units, api_requests_term: null }, // no contract term
    license,
    contract: null,
    forecast: [],
    notes,
  };
}

/** usage_by_tag with the default prefix, for fixtures without `team:` tags: one untagged row (none when empty). */
export function untaggedUsage(counts?: {
  services: number;
  discrete_services: number;
  routes: number;
  plugins: number;
}) {
  return {
    prefix: "team:",
    without_tags_column: [],
    rows: counts === undefined ? [] : [{ tag: null, ...counts }],
  };
}
