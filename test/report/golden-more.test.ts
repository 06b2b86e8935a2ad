import { readFile } from "node:fs/promises";
import {
  describeGoldens,
  EE313_SCHEMA,
  ee313Collector,
  emptyTiers,
  type Golden,
  KAFKA_FAMILY,
  NO_AI_GATEWAY_USE,
  NO_COUNTER_TABLE,
  NO_COUNTERS,
  NO_RBAC,
  NO_SYSTEM_INFO,
  NO_TYPE_COLUMN,
  NOTE_NO_AI,
  NOTE_NO_COUNTERS,
  NOW,
  noRouteKafkas,
  TOOL,
  UNLICENSED,
  unlicensedUsage,
  untaggedUsage,
  usageWithoutContract,
} from "../helpers/golden.ts";
import { DATASETS, DEFAULT_WORKSPACE_ID, fixtureFile, SCHEMAS } from "../helpers/kong-db.ts";

// Golden documents (issue 15), continued: see test/helpers/golden.ts for how they are written and
// compared. Plugin tiers come from the published lists of shared/spec/plugin-tiers.json for the
// detected minor; the Kafka family rule (kafka-upstream, kafka-consume, confluent,
// confluent-consume) applies from 3.10 (reference kong-3.10-plus.md §4.2).

/**
 * The demo seed (lib/demo/seed.sql) dates its licence, request counters and AI rows from the
 * database's now(): pinned here to the golden's NOW (2025-03-15T12:00:00Z) so the document is
 * fixed. The data-plane rows keep the real now(): their liveness (ttl in the future) is judged by
 * the database's clock when the report is read, so the three live ones stay live.
 */
const DEMO_SEED_AT_NOW = await (async () => {
  const seed = await readFile(new URL("../../lib/demo/seed.sql", import.meta.url), "utf8");
  const start = seed.indexOf("INSERT INTO clustering_data_planes");
  const end = seed.indexOf(";\n", start) + 2;
  if (start < 0 || end < 2) throw new Error("lib/demo/seed.sql: the clustering_data_planes insert moved");
  const pin = (text: string) => text.replaceAll("now()", `'${NOW.toISOString()}'::timestamptz`);
  return pin(seed.slice(0, start)) + seed.slice(start, end) + pin(seed.slice(end));
})();

/** No workspace_entity_counters rows at all and nothing live: no drift. */
const NO_COUNTER_ROWS = {
  rows: ["services", "routes", "consumers", "plugins", "rbac_users"].map((entity_type) => ({
    entity_type,
    counter_table: null,
    live: 0,
    drift: null,
  })),
  drifted: [],
  workspaces: [],
  workspaces_drifted: 0,
};

// tiers-mixed.sql: 17 plugin rows, classified with the 3.13 lists (the schema is 3.13).
const TIERS_MIXED_TIERS = {
  free: {
    "ai-proxy": 1, // row 8 (free since 3.6)
    cors: 1, // row 6
    "key-auth": 3, // rows 1 (global), 2 (service), 3 (route, disabled)
    "rate-limiting": 2, // rows 4 (service), 5 (consumer)
    redirect: 1, // row 7 (free since 3.9)
  },
  enterprise: {
    confluent: 1, // row 12
    "injection-protection": 1, // row 14
    "kafka-log": 1, // row 13
    "openid-connect": 2, // rows 9, 10 (disabled)
    "rate-limiting-advanced": 1, // row 11 (consumer group, disabled); the consumer_group_plugins row is not a plugins row
  },
  custom: {
    "app-dynamics": 1, // row 17: bundled but in neither list
    "my-header-injector": 2, // rows 15, 16 (disabled)
  },
};

// kong-3.14.sql: 21 plugin rows, classified with the 3.14 lists.
const KONG314_TIERS = {
  free: { "key-auth": 1 }, // row 19
  enterprise: {
    ace: 1, // row 14 (3.12)
    "ai-a2a-proxy": 1, // row 17 (3.14)
    "ai-lakera-guard": 1, // row 16 (3.13)
    "ai-mcp-proxy": 1, // row 15 (3.12)
    "ai-rag-injector": 1, // row 10 (3.10)
    confluent: 2, // K3, K7
    "confluent-consume": 2, // K4, K9
    datakit: 1, // row 12 (3.11)
    "kafka-consume": 3, // K2, K6, K8
    "kafka-log": 1, // K5
    "kafka-upstream": 1, // K1
    "metering-and-billing": 1, // row 18 (3.14)
    "request-callout": 1, // row 11 (3.10)
    "solace-upstream": 1, // row 13 (3.11)
  },
  custom: { "app-dynamics": 1, "tenant-router": 1 }, // rows 20, 21
};

// The demo (lib/demo/seed.sql), 59 plugin rows, per workspace, with the 3.15 lists (rows by the last
// digits of their id).
const DEMO_WS_TIERS = {
  default: {
    free: {
      "aws-lambda": 4, // 013-016
      "correlation-id": 1, // 002
      cors: 1, // 006
      "http-log": 1, // 018, disabled
      "key-auth": 2, // 003, 004
      prometheus: 1, // 001
      "proxy-cache": 1, // 007
      "rate-limiting": 1, // 005
      "request-termination": 1, // 012
    },
    enterprise: {
      canary: 1, // 008
      "kafka-consume": 1, // 101
      "kafka-upstream": 1, // 017
      "request-transformer-advanced": 1, // 009
    },
    custom: { "my-header-injector": 2 }, // 010, 011 (disabled)
  },
  internal: {
    free: { "aws-lambda": 1, "ip-restriction": 1, jwt: 1 }, // 051 (disabled), 049, 050
    enterprise: {
      "ai-a2a-proxy": 1, // 105
      "ai-lakera-guard": 1, // 104
      "ai-rag-injector": 1, // 103
      "kafka-upstream": 1, // 052
      "openid-connect": 2, // 047, 048
    },
    custom: {},
  },
  partners: {
    free: {
      acl: 1, // 036
      "aws-lambda": 2, // 043, 044
      "http-log": 1, // 046
      "key-auth": 2, // 034, 035
      "rate-limiting": 1, // 038
      redirect: 1, // 040
      "response-transformer": 1, // 039
    },
    enterprise: {
      datakit: 1, // 107, disabled
      "kafka-upstream": 1, // 045
      "metering-and-billing": 1, // 106
      "rate-limiting-advanced": 1, // 037
    },
    custom: { "my-header-injector": 1, "tenant-router": 1 }, // 042, 041
  },
  payments: {
    free: { "aws-lambda": 3, "ip-restriction": 1, "request-transformer": 1 }, // 027-029, 024, 025
    enterprise: {
      confluent: 1, // 102
      "jwt-signer": 1, // 026, disabled
      "kafka-upstream": 3, // 030-032
      "mtls-auth": 1, // 023
      "oas-validation": 1, // 033
      "openid-connect": 2, // 019, 020
      "rate-limiting-advanced": 2, // 021, 022
    },
    custom: {},
  },
};

// Sums of the four workspaces above (19 + 9 + 15 + 16 = 59 rows).
const DEMO_TIERS = {
  free: {
    acl: 1,
    "aws-lambda": 10, // 4 + 1 + 2 + 3
    "correlation-id": 1,
    cors: 1,
    "http-log": 2, // default, partners
    "ip-restriction": 2, // internal, payments
    jwt: 1,
    "key-auth": 4, // default 2, partners 2
    prometheus: 1,
    "proxy-cache": 1,
    "rate-limiting": 2, // default, partners
    redirect: 1,
    "request-termination": 1,
    "request-transformer": 1,
    "response-transformer": 1,
  },
  enterprise: {
    "ai-a2a-proxy": 1,
    "ai-lakera-guard": 1,
    "ai-rag-injector": 1,
    canary: 1,
    confluent: 1,
    datakit: 1,
    "jwt-signer": 1,
    "kafka-consume": 1,
    "kafka-upstream": 6, // 1 + 1 + 1 + 3
    "metering-and-billing": 1,
    "mtls-auth": 1,
    "oas-validation": 1,
    "openid-connect": 4, // internal 2, payments 2
    "rate-limiting-advanced": 3, // partners 1, payments 2
    "request-transformer-advanced": 1,
  },
  custom: { "my-header-injector": 3, "tenant-router": 1 },
};

const GOLDENS: readonly Golden[] = [
  {
    name: "plugins of every tier, scope and state on 3.13",
    sources: [SCHEMAS.ee313, DATASETS.tiersMixed],
    response: {
      kong_version: "3.13.x", // the 3.13 schema's migrations
      deployment_info: { type: "traditional" }, // no clustering_data_planes rows
      license: UNLICENSED, // no licenses rows
      counters: { total_requests: 0, buckets: [] }, // license_data empty
      workspaces_count: 1, // default
      rbac_users: 0,
      services_count: 2, // catalog, assistant
      routes_count: 3, // catalog-items, catalog-search, old-site
      consumers_count: 2, // web-shop, partner-feed (type 0)
      plugins_count: {
        tiers: TIERS_MIXED_TIERS,
        unique_route_lambdas: 0, // no aws-lambda
        // 3.13 counts the Kafka family: confluent (row 12) on old-site, a service-less route, with
        // pkc-0000...:9092. kafka-log (row 13) is global and not in the family.
        unique_route_kafkas: 1,
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: {
        rule: "kafka-family",
        counted_plugins: KAFKA_FAMILY,
        kafka_upstream: 0, // no kafka-upstream row
        kafka_family: 1,
        by_plugin: [
          { plugin: "confluent", brokers: 1, addresses: ["pkc-0000.eu-west-1.aws.confluent.cloud:9092"] },
        ],
      },
      ai_gateway: NO_AI_GATEWAY_USE, // license_llm_data exists, empty
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 2,
          routes: 3,
          consumers: 2,
          plugins: TIERS_MIXED_TIERS, // every row is in default
          discrete_services: 2, // http://catalog.internal:8080/, https://api.openai.com:443null
        },
      ],
      discrete_services: { count: 2, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 2, discrete_services: 2, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(0),
      ),
      // Tags only on consumer groups: every service, route and plugin untagged. Plugins 8 free + 6
      // enterprise + 3 custom (TIERS_MIXED_TIERS).
      usage_by_tag: untaggedUsage({ services: 2, discrete_services: 2, routes: 3, plugins: 17 }),
      entity_counters: {
        rows: [
          // the fixture fills the counter table from the live rows (consumers: type 0)
          { entity_type: "services", counter_table: 2, live: 2, drift: 0 },
          { entity_type: "routes", counter_table: 3, live: 3, drift: 0 },
          { entity_type: "consumers", counter_table: 2, live: 2, drift: 0 },
          { entity_type: "plugins", counter_table: 17, live: 17, drift: 0 },
          { entity_type: "rbac_users", counter_table: null, live: 0, drift: null }, // no row, none live
        ],
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "an upgrade 3.12 -> 3.13 between `migrations up` and `migrations finish`",
    sources: [SCHEMAS.ee313, DATASETS.upgradePending],
    response: {
      // executed ends at core 027_3110_to_3120 / enterprise 025_31100_to_31200: 3.12 (the 3.13
      // names are only pending; reference §13.1 tests `executed`, not last_executed)
      kong_version: "3.12.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 0,
      routes_count: 0,
      consumers_count: 0,
      plugins_count: { tiers: emptyTiers(), unique_route_lambdas: 0, unique_route_kafkas: 0 },
      collector: {
        ...ee313Collector({ license_from: "unlicensed" }),
        plugin_tiers: "3.12", // Kong's list for the detected 3.12
        schema_minor: "3.12",
      },
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"), // 3.12 >= 3.10
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: {
        edition: "enterprise",
        pending: ["core:028_3120_to_3130", "enterprise:026_31200_to_31300"], // session/degraphql: NULL, not pending
        missing: [],
        kong_minor: "3.12",
        core_last_migration: "027_3110_to_3120", // last of `executed`
        enterprise_last_migration: "025_31100_to_31200",
      },
      omitted: [NO_SYSTEM_INFO],
      warnings: [
        // the pending names target 3.13, above the 3.12 fully migrated
        'An upgrade to 3.13 is in progress: 2 migration(s) await "kong migrations finish" (core:028_3120_to_3130, enterprise:026_31200_to_31300); the version reported is the one fully migrated, and counts may change once the upgrade completes.',
      ],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 0,
          routes: 0,
          consumers: 0,
          plugins: emptyTiers(),
          discrete_services: 0,
        },
      ],
      discrete_services: { count: 0, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 0, discrete_services: 0, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(0),
      ),
      usage_by_tag: untaggedUsage(),
      entity_counters: NO_COUNTER_ROWS,
    },
  },
  {
    name: "Kong 3.14: Kafka family, plugins of 3.10-3.14, AI Gateway model-hours, as of 2026-06",
    sources: [SCHEMAS.ee313, DATASETS.kong314],
    // The fixture's AI rows are dated for a 2026-06 report (its header): window 2025-07..2026-06.
    now: new Date("2026-06-15T12:00:00Z"), // timestamp 1781524800
    response: {
      kong_version: "3.14.x", // core 029_3130_to_3140, enterprise 027_31300_to_31400
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] }, // license_data empty
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 1, // events-api
      routes_count: 7, // orders-produce .. events
      consumers_count: 1, // agent-app
      plugins_count: {
        tiers: KONG314_TIERS,
        unique_route_lambdas: 0,
        // kafka-1, kafka-2 (K1), kafka-3 (K2), pkc-1 (K3), pkc-2 (K4), kafka-4 (K8, disabled), all :9092;
        // K5 kafka-log, K6 (route with a service), K7 (plugin with a service) not counted, K9 has no brokers
        unique_route_kafkas: 6,
      },
      collector: {
        ...ee313Collector({ license_from: "unlicensed" }),
        plugin_tiers: "3.14",
        as_of: "2026-06", // the month of this golden's clock
        schema_minor: "3.14",
      },
    },
    details: {
      route_kafkas: {
        rule: "kafka-family", // 3.14
        counted_plugins: KAFKA_FAMILY,
        kafka_upstream: 2, // K1: kafka-1, kafka-2 (what 3.9 would report)
        kafka_family: 6,
        by_plugin: [
          { plugin: "confluent", brokers: 1, addresses: ["pkc-1.eu-west-1.aws.confluent.cloud:9092"] }, // K3
          {
            plugin: "confluent-consume", // K4 (K9 has no bootstrap_servers)
            brokers: 2,
            addresses: [
              "pkc-1.eu-west-1.aws.confluent.cloud:9092",
              "pkc-2.eu-west-1.aws.confluent.cloud:9092",
            ],
          },
          {
            plugin: "kafka-consume", // K2 and K8; K6's route has a service
            brokers: 3,
            addresses: ["kafka-2:9092", "kafka-3:9092", "kafka-4:9092"],
          },
          { plugin: "kafka-upstream", brokers: 2, addresses: ["kafka-1:9092", "kafka-2:9092"] }, // K1
        ],
      },
      ai_gateway: {
        // one row of license_llm_data = one model-hour; window 2025-07..2026-06, and the weekly
        // (month 0) row of 2025 as UNKNOWN; the 2025-06 mistral row is before the window
        model_hours: 11,
        by_month: [
          { month: "2025-07", model_hours: 1 }, // mistral
          { month: "2026-05", model_hours: 5 }, // gpt-4o 3 + claude 2
          { month: "2026-06", model_hours: 4 }, // gpt-4o
          { month: "UNKNOWN", model_hours: 1 }, // gpt-4o, 3.10 weekly row
        ],
        by_model: [
          { model: "openai/gpt-4o", model_hours: 8 }, // 3 + 4 + 1
          { model: "anthropic/claude-sonnet-4", model_hours: 2 },
          { model: "mistral/mistral-large", model_hours: 1 },
        ],
        by_month_and_model: [
          { month: "2025-07", model: "mistral/mistral-large", model_hours: 1 }, // row 10
          { month: "2026-05", model: "anthropic/claude-sonnet-4", model_hours: 2 }, // rows 4, 5
          { month: "2026-05", model: "openai/gpt-4o", model_hours: 3 }, // rows 1-3
          { month: "2026-06", model: "openai/gpt-4o", model_hours: 4 }, // rows 6-9
          { month: "UNKNOWN", model: "openai/gpt-4o", model_hours: 1 }, // row 11
        ],
      },
      schema: {
        edition: "enterprise",
        pending: [],
        missing: [],
        kong_minor: "3.14",
        core_last_migration: "029_3130_to_3140",
        enterprise_last_migration: "027_31300_to_31400",
      },
      omitted: [NO_SYSTEM_INFO],
      // The fixture leaves workspace_entity_counters empty while the tables hold rows.
      warnings: [
        'workspace_entity_counters has no "services" rows but the table holds 1: Kong 3.8 and older would omit this count.',
        'workspace_entity_counters has no "routes" rows but the table holds 7: Kong 3.8 and older would omit this count.',
        'workspace_entity_counters has no "consumers" rows but the table holds 1: Kong 3.8 and older would omit this count.',
        'workspace_entity_counters has no "plugins" rows but the table holds 21: Kong 3.8 and older would omit this count.',
        "4 (workspace, entity type) counter row(s) differ from the live counts.",
        'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
      ],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 1,
          routes: 7,
          consumers: 1,
          plugins: KONG314_TIERS,
          discrete_services: 1, // https://events.internal:443/v1
        },
      ],
      discrete_services: { count: 1, rules: [] },
      usage: usageWithoutContract(
        {
          gateway_services: 1,
          discrete_services: 1,
          api_requests_month: 0, // license_data empty
          ai_model_hours_month: 4, // 2026-06: gpt-4o rows 6-9
        },
        // This golden's clock: 2017-07-20 is 3,252 days before 2026-06-15.
        { ...unlicensedUsage(0), days_to_expiry: -3252 },
        [],
        "2026-06",
      ),
      // No tags: plugins 1 free + 18 enterprise + 2 custom (KONG314_TIERS), rows K1-K9 and 10-21.
      usage_by_tag: untaggedUsage({ services: 1, discrete_services: 1, routes: 7, plugins: 21 }),
      entity_counters: {
        rows: [
          { entity_type: "services", counter_table: null, live: 1, drift: null },
          { entity_type: "routes", counter_table: null, live: 7, drift: null },
          { entity_type: "consumers", counter_table: null, live: 1, drift: null },
          { entity_type: "plugins", counter_table: null, live: 21, drift: null },
          { entity_type: "rbac_users", counter_table: null, live: 0, drift: null },
        ],
        drifted: ["services", "routes", "consumers", "plugins"], // no counter row, rows live
        // default's pairs, by entity type
        workspaces: ["consumers", "plugins", "routes", "services"].map((entity_type) => ({
          workspace_id: DEFAULT_WORKSPACE_ID,
          workspace: "default",
          entity_type,
          counter_table: null,
          live: { consumers: 1, plugins: 21, routes: 7, services: 1 }[entity_type],
        })),
        workspaces_drifted: 4,
      },
    },
  },
  {
    name: "the embedded demo database (Kong 3.15), its seed pinned to NOW",
    sources: [SCHEMAS.ee313, DEMO_SEED_AT_NOW],
    options: { source: "demo-database" }, // as the CLI's --demo reads it
    response: {
      kong_version: "3.15.x", // the seed adds core 029/030_3140_to_3150, enterprise 027/028_31400_to_31500
      // three data planes with ttl 14 days ahead; kong-dp-old-1's ttl passed 31 days ago
      deployment_info: { type: "hybrid", connected_dp_count: 3 },
      // the readable licence row; the other is keyring-encrypted ($ke$1$). Expiry: 1 January of
      // NOW's year + 2 years - 1 day.
      license: { license_key: "DEMO-0000-FAKE-LICENSE-NOT-VALID", license_expiration_date: "2026-12-31" },
      counters: {
        // month n before 2025-03 (n = 0..11): sum over data planes 1-3 of
        // base + (14 - n) * step + (n * 7919 + seed * 104729) % 50000, with (base, step, seed) =
        // (1200000, 45000, 1), (1100000, 52000, 2), (400000, 30000, 3), i.e.
        // 2700000 + (14 - n) * 127000 + the three remainders. The decommissioned DP's rows are
        // 12-14 months back (2024-01..2024-03): before the window 2024-04..2025-03.
        total_requests: 48342862, // 46262450 in the 12 months + 2080412 UNKNOWN
        buckets: [
          { bucket: "2024-04", request_count: 3170701 }, // n 11: 1376838 + 1302567 + 491296
          { bucket: "2024-05", request_count: 3323944 }, // n 10: 1413919 + 1346648 + 563377
          { bucket: "2024-06", request_count: 3427187 }, // n 9: 1451000 + 1390729 + 585458
          { bucket: "2024-07", request_count: 3530430 }, // n 8: 1488081 + 1434810 + 607539
          { bucket: "2024-08", request_count: 3633673 }, // n 7: 1525162 + 1478891 + 629620
          { bucket: "2024-09", request_count: 3736916 }, // n 6: 1562243 + 1522972 + 651701
          { bucket: "2024-10", request_count: 3940159 }, // n 5: 1649324 + 1617053 + 673782
          { bucket: "2024-11", request_count: 4093402 }, // n 4: 1686405 + 1661134 + 745863
          { bucket: "2024-12", request_count: 4196645 }, // n 3: 1723486 + 1705215 + 767944
          { bucket: "2025-01", request_count: 4299888 }, // n 2: 1760567 + 1749296 + 790025
          { bucket: "2025-02", request_count: 4403131 }, // n 1: 1797648 + 1793377 + 812106
          { bucket: "2025-03", request_count: 4506374 }, // n 0: 1834729 + 1837458 + 834187
          { bucket: "UNKNOWN", request_count: 2080412 }, // the two pre-2.7 rows: 1250000 + 830412
        ],
      },
      workspaces_count: 5, // default, payments, partners, internal, sandbox
      rbac_users: 6,
      services_count: 21,
      routes_count: 40,
      consumers_count: 15, // of 20: 2 admins (type 2) and 3 developers (type 1) left out
      plugins_count: {
        tiers: DEMO_TIERS,
        // service-less routes, no service/consumer/group on the plugin: image-resize (014, 016),
        // pdf-render (015, 029), arn:...:payment-notify (027), partner-sync (043, 044), hr-export
        // (051, disabled). Not: thumbnailer (013, route with a service), payment-notify-premium
        // (028, consumer group).
        unique_route_lambdas: 5,
        // kafka-upstream: kafka-1:9092, kafka-2:9092 (017), kafka-3:9092 (030, 031), kafka-1:9093
        // (045), 10.20.0.11:9092 (052); kafka-consume adds kafka-4:9092 (101), confluent pkc-7x2q1
        // (102). Not: kafka-9 (032, route with a service).
        unique_route_kafkas: 7,
      },
      collector: {
        ...ee313Collector({ license_from: "licenses", deployment_from: "clustering_data_planes" }),
        source: "demo-database",
        plugin_tiers: "3.15",
        schema_minor: "3.15",
      },
    },
    details: {
      route_kafkas: {
        rule: "kafka-family", // 3.15
        counted_plugins: KAFKA_FAMILY,
        kafka_upstream: 5, // what 3.9 would report
        kafka_family: 7,
        by_plugin: [
          { plugin: "confluent", brokers: 1, addresses: ["pkc-7x2q1.eu-west-1.aws.confluent.cloud:9092"] },
          {
            plugin: "kafka-consume",
            brokers: 2,
            addresses: ["kafka-1.internal:9092", "kafka-4.internal:9092"],
          },
          {
            plugin: "kafka-upstream",
            brokers: 5,
            addresses: [
              "10.20.0.11:9092",
              "kafka-1.internal:9092",
              "kafka-1.internal:9093",
              "kafka-2.internal:9092",
              "kafka-3.internal:9092",
            ],
          },
        ],
      },
      ai_gateway: {
        // months n = 0..5 before 2025-03 (2025-03..2024-10), one row per hour: gpt-4o 12 - n hours,
        // claude 6 hours, mistral 2 hours for n = 3..5 only; all inside the window 2024-04..2025-03
        model_hours: 99, // 57 + 36 + 6
        by_month: [
          { month: "2024-10", model_hours: 15 }, // n 5: 7 + 6 + 2
          { month: "2024-11", model_hours: 16 }, // n 4: 8 + 6 + 2
          { month: "2024-12", model_hours: 17 }, // n 3: 9 + 6 + 2
          { month: "2025-01", model_hours: 16 }, // n 2: 10 + 6
          { month: "2025-02", model_hours: 17 }, // n 1: 11 + 6
          { month: "2025-03", model_hours: 18 }, // n 0: 12 + 6
        ],
        by_model: [
          { model: "openai/gpt-4o", model_hours: 57 }, // 12 + 11 + 10 + 9 + 8 + 7
          { model: "anthropic/claude-sonnet-4", model_hours: 36 }, // 6 x 6
          { model: "mistral/mistral-large", model_hours: 6 }, // 2 x 3
        ],
        by_month_and_model: [
          { month: "2024-10", model: "anthropic/claude-sonnet-4", model_hours: 6 },
          { month: "2024-10", model: "mistral/mistral-large", model_hours: 2 },
          { month: "2024-10", model: "openai/gpt-4o", model_hours: 7 },
          { month: "2024-11", model: "anthropic/claude-sonnet-4", model_hours: 6 },
          { month: "2024-11", model: "mistral/mistral-large", model_hours: 2 },
          { month: "2024-11", model: "openai/gpt-4o", model_hours: 8 },
          { month: "2024-12", model: "anthropic/claude-sonnet-4", model_hours: 6 },
          { month: "2024-12", model: "mistral/mistral-large", model_hours: 2 },
          { month: "2024-12", model: "openai/gpt-4o", model_hours: 9 },
          { month: "2025-01", model: "anthropic/claude-sonnet-4", model_hours: 6 },
          { month: "2025-01", model: "openai/gpt-4o", model_hours: 10 },
          { month: "2025-02", model: "anthropic/claude-sonnet-4", model_hours: 6 },
          { month: "2025-02", model: "openai/gpt-4o", model_hours: 11 },
          { month: "2025-03", model: "anthropic/claude-sonnet-4", model_hours: 6 },
          { month: "2025-03", model: "openai/gpt-4o", model_hours: 12 },
        ],
      },
      schema: {
        edition: "enterprise",
        pending: [],
        missing: [],
        kong_minor: "3.15",
        core_last_migration: "030_3140_to_3150",
        enterprise_last_migration: "028_31400_to_31500",
      },
      omitted: [NO_SYSTEM_INFO],
      warnings: [
        "1 keyring-encrypted license row(s) were skipped: only a Kong node holding the keyring can read them.",
        // the seed adds 2 to partners' routes counter: 11 + 31 elsewhere = 42
        "workspace_entity_counters says 42 routes, the table holds 40 (drift +2).",
        "1 (workspace, entity type) counter row(s) differ from the live counts.",
        'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
      ],
      // by name; discrete services: distinct protocol://host:port + path (jq's "null") per workspace
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 6, // catalog-api, catalog-api-canary, search-api, httpbin, httpbin-echo, legacy-soap
          routes: 14, // routes 01-14
          consumers: 4, // web-shop, mobile-app, search-indexer, qa-bot (alice, bob are admins)
          plugins: DEMO_WS_TIERS.default,
          // http://catalog.internal:8080/v1 (x2), http://search.internal:9200null,
          // https://httpbin.org:443/anything (x2), http://soap.legacy.internal:80/ws
          discrete_services: 4,
        },
        {
          id: "de0a0000-0000-4000-8000-000000000003",
          name: "internal",
          services: 4, // hr-portal, metrics-api, admin-tools, catalog-internal
          routes: 6, // routes 35-40
          consumers: 2, // grafana, ci-pipeline
          plugins: DEMO_WS_TIERS.internal,
          discrete_services: 4, // all different (catalog.internal:8080/v1 repeats default's)
        },
        {
          id: "de0a0000-0000-4000-8000-000000000002",
          name: "partners",
          services: 5, // services 13-17
          routes: 9, // routes 26-34
          consumers: 5, // acme-corp .. stark-industries; the three dev-* are developers (type 1)
          plugins: DEMO_WS_TIERS.partners,
          discrete_services: 4, // https://partners.example.com:443/ twice
        },
        {
          id: "de0a0000-0000-4000-8000-000000000001",
          name: "payments",
          services: 6, // services 07-12
          routes: 11, // routes 15-25
          consumers: 4, // checkout, merchant-portal, settlement-job, risk-engine
          plugins: DEMO_WS_TIERS.payments,
          discrete_services: 5, // https://payments.internal:8443/api twice
        },
        {
          id: "de0a0000-0000-4000-8000-000000000004",
          name: "sandbox",
          services: 0,
          routes: 0,
          consumers: 0,
          plugins: emptyTiers(),
          discrete_services: 0,
        },
      ],
      discrete_services: { count: 16, rules: [] }, // 4 + 4 + 4 + 5 less catalog.internal:8080/v1 shared
      usage: usageWithoutContract(
        {
          gateway_services: 21,
          discrete_services: 16,
          api_requests_month: 4506374, // the 2025-03 bucket
          ai_model_hours_month: 18, // 2025-03: gpt-4o 12 + claude 6
        },
        {
          expires: "2026-12-31",
          // 2025-03-15 → 2026-03-15: 365 days; → 2026-12-31: 16 more in March + 275 (April to December) = 656
          days_to_expiry: 656,
          customer: "Demo Retail Ltd (FAKE DEMO LICENSE)",
          product_subscription: "Kong Enterprise Edition",
          support_plan: "None",
          dataplanes: { licensed: 5, connected: 3 }, // "5"; the three live data planes
          admin_seats: { licensed: 10, rbac_users: 6 }, // "10"; rbac_users 6
        },
      ),
      // The seed's tags (catalog, pci, corp, …) have no `team:` prefix. Plugins 30 free + 25 enterprise + 4 custom.
      usage_by_tag: untaggedUsage({ services: 21, discrete_services: 16, routes: 40, plugins: 59 }),
      entity_counters: {
        rows: [
          // the seed fills the counter table from the live rows, then adds 2 to partners' routes
          { entity_type: "services", counter_table: 21, live: 21, drift: 0 },
          { entity_type: "routes", counter_table: 42, live: 40, drift: 2 },
          { entity_type: "consumers", counter_table: 15, live: 15, drift: 0 },
          { entity_type: "plugins", counter_table: 59, live: 59, drift: 0 },
          { entity_type: "rbac_users", counter_table: 6, live: 6, drift: 0 },
        ],
        drifted: ["routes"],
        not_compared: [{ entity_type: "certificates", counter_table: 1 }], // payments' certificate
        workspaces: [
          {
            workspace_id: "de0a0000-0000-4000-8000-000000000002",
            workspace: "partners",
            entity_type: "routes",
            counter_table: 11,
            live: 9,
          },
        ],
        workspaces_drifted: 1,
      },
    },
  },
];

// The details-* data sets (test/fixtures/datasets), each on the schema its header names.
const DETAILS_WORKSPACES_TIERS = {
  free: { cors: 1, "key-auth": 1, "rate-limiting": 2 }, // payments d8; default d3; default d1, d2 (disabled)
  enterprise: { "openid-connect": 1, "rate-limiting-advanced": 2 }, // default d4; payments d6, d7
  custom: { "my-custom": 1, 'x-"quoted"<tag>': 1 }, // default d5; <img ...> d9
};
const IMG_WS = "<img src=x onerror=alert(1)>";

/** Collector of a schema before 3.5 or open source, with nothing configured (cf. ee313Collector). */
const olderCollector = (edition: string, schemaMinor: string) => ({
  ...TOOL,
  source: "database",
  deployment_from: "default",
  license_from: "unlicensed",
  edition,
  plugin_tiers: "3.5", // the oldest published lists (3.5 itself, or before 3.5)
  as_of: "2025-03",
  time_zone: "UTC",
  checksum_algorithm: "sha1",
  kong_version_from: "schema_meta",
  schema_minor: schemaMinor,
});

// details-klcr-demo.sql, 24 plugin rows (3.13 lists): default f01-f21, Engineering f22-f24.
const KLCR_DEFAULT_TIERS = {
  free: {
    acl: 2, // f06, f11
    "http-log": 2, // f02, f12
    "key-auth": 2, // f07, f13
    oauth2: 1, // f05
    opentelemetry: 2, // f03, f14
    prometheus: 1, // f01
    "proxy-cache": 1, // f08
    "rate-limiting": 2, // f15, f18
    "request-transformer": 1, // f16
  },
  enterprise: {
    "application-registration": 1, // f04
    canary: 1, // f09
    degraphql: 1, // f21
    jq: 1, // f10
    "openid-connect": 2, // f19, f20
    "response-transformer-advanced": 1, // f17
  },
  custom: {},
};
const KLCR_TIERS = {
  // the cluster's own licence report: free {oauth2 1, http-log 2, key-auth 3, prometheus 1,
  // proxy-cache 2, request-transformer 1, rate-limiting 3, acl 2, opentelemetry 2}
  free: { ...KLCR_DEFAULT_TIERS.free, "key-auth": 3, "proxy-cache": 2, "rate-limiting": 3 }, // + Engineering's
  enterprise: KLCR_DEFAULT_TIERS.enterprise,
  custom: {},
};

const DETAILS_GOLDENS: readonly Golden[] = [
  {
    name: "details-workspaces on 3.13: four workspaces, drifted counters, odd names",
    sources: [SCHEMAS.ee313, DATASETS.detailsWorkspaces],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 4, // default, payments, search, <img ...>
      rbac_users: 1, // kong_admin
      services_count: 8, // a1..a8
      routes_count: 5, // r1..r3, p1, p2
      consumers_count: 3, // alice, bob, carol; dev-portal-user (1), kong-admin (2), app-1 (3) are not proxy consumers
      plugins_count: {
        tiers: DETAILS_WORKSPACES_TIERS,
        unique_route_lambdas: 0, // no aws-lambda
        unique_route_kafkas: 0, // no Kafka-family plugin
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [
        "workspace_entity_counters says 7 services, the table holds 8 (drift -1).", // 4 + 3 + 0
        "workspace_entity_counters says 7 routes, the table holds 5 (drift +2).", // 5 + 2
        "workspace_entity_counters says 4 consumers, the table holds 3 (drift +1).", // 3 + 1
        "workspace_entity_counters says 8 plugins, the table holds 9 (drift -1).", // 5 + 3
        "4 (workspace, entity type) counter row(s) differ from the live counts.",
        'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
      ],
      // by name in byte order: "<" sorts before the letters
      workspaces: [
        {
          id: "33333333-3333-4333-8333-333333333333",
          name: IMG_WS,
          services: 1, // evil
          routes: 0,
          consumers: 0,
          plugins: { free: {}, enterprise: {}, custom: { 'x-"quoted"<tag>': 1 } },
          discrete_services: 1, // https://evil.example.com:443/"q"<x>
        },
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 4, // httpbin, httpbin-copy, grpcbin, api-dev
          routes: 3,
          consumers: 2, // alice, bob
          plugins: {
            free: { "key-auth": 1, "rate-limiting": 2 },
            enterprise: { "openid-connect": 1 },
            custom: { "my-custom": 1 },
          },
          // http://httpbin.org:80/anything (x2), grpc://grpcbin:9000null, http://api.dev.example.com:80/v1
          discrete_services: 3,
        },
        {
          id: "11111111-1111-4111-8111-111111111111",
          name: "payments",
          services: 3, // api-stage, api-qa, grpcbin
          routes: 2,
          consumers: 1, // carol; app-1 is type 3
          plugins: { free: { cors: 1 }, enterprise: { "rate-limiting-advanced": 2 }, custom: {} },
          discrete_services: 3,
        },
        {
          id: "22222222-2222-4222-8222-222222222222",
          name: "search",
          services: 0,
          routes: 0,
          consumers: 0,
          plugins: emptyTiers(),
          discrete_services: 0,
        },
      ],
      // httpbin.org/anything, grpcbin (default and payments), api.dev, api.stage, api.qa, evil; no rules
      discrete_services: { count: 6, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 8, discrete_services: 6, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(1), // kong_admin
      ),
      usage_by_tag: untaggedUsage({ services: 8, discrete_services: 6, routes: 5, plugins: 9 }), // plugins: live 9
      entity_counters: {
        rows: [
          { entity_type: "services", counter_table: 7, live: 8, drift: -1 },
          { entity_type: "routes", counter_table: 7, live: 5, drift: 2 },
          { entity_type: "consumers", counter_table: 4, live: 3, drift: 1 },
          { entity_type: "plugins", counter_table: 8, live: 9, drift: -1 },
          { entity_type: "rbac_users", counter_table: 1, live: 1, drift: 0 },
        ],
        drifted: ["services", "routes", "consumers", "plugins"],
        not_compared: [{ entity_type: "apis", counter_table: 1 }], // a stale type Kong no longer has
        workspaces: [
          // <img ...>: a plugin with no counter row, a services row saying 0
          {
            workspace_id: "33333333-3333-4333-8333-333333333333",
            workspace: IMG_WS,
            entity_type: "plugins",
            counter_table: null,
            live: 1,
          },
          {
            workspace_id: "33333333-3333-4333-8333-333333333333",
            workspace: IMG_WS,
            entity_type: "services",
            counter_table: 0,
            live: 1,
          },
          // default: consumers 3 vs 2 proxy consumers, routes 5 vs 3
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
        ],
        workspaces_drifted: 4,
      },
    },
  },
  {
    name: "details-ee28 on Enterprise 2.8: a developer counted by an old reinitialisation",
    sources: [SCHEMAS.ee28, fixtureFile("test/fixtures/datasets/details-ee28.sql")],
    response: {
      kong_version: "2.8.x", // core 016_270_to_280, enterprise 013_2700_to_2800
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] }, // license_data exists, empty
      workspaces_count: 2, // default, team
      rbac_users: 0,
      services_count: 2, // one per workspace
      routes_count: 1,
      consumers_count: 1, // proxy-user; developer is type 1 (live counts, PRODUCT.md)
      plugins_count: {
        tiers: { free: { acl: 1 }, enterprise: {}, custom: {} },
        unique_route_lambdas: 0,
        unique_route_kafkas: 0,
      },
      collector: olderCollector("enterprise", "2.8"),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-upstream"), // 2.8
      schema: {
        edition: "enterprise",
        pending: [],
        missing: ["plugins.consumer_group_id"], // added in EE 3.4
        kong_minor: "2.8",
        core_last_migration: "016_270_to_280",
        enterprise_last_migration: "013_2700_to_2800",
      },
      omitted: [NO_SYSTEM_INFO],
      warnings: [
        "Kong 2.8 itself reports no plugin tiers (they arrived in 3.5); they are classified here with Kong's oldest published lists (3.5).",
        "workspace_entity_counters says 2 consumers, the table holds 1 (drift +1).",
        "1 (workspace, entity type) counter row(s) differ from the live counts.",
        'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
      ],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 1,
          routes: 1,
          consumers: 1,
          plugins: { free: { acl: 1 }, enterprise: {}, custom: {} },
          discrete_services: 1, // http://svc:80/
        },
        {
          id: "66666666-6666-4666-8666-666666666666",
          name: "team",
          services: 1,
          routes: 0,
          consumers: 0,
          plugins: emptyTiers(),
          discrete_services: 1, // http://svc:80/
        },
      ],
      discrete_services: { count: 1, rules: [] }, // both services give http://svc:80/
      usage: usageWithoutContract(
        { gateway_services: 2, discrete_services: 1, api_requests_month: 0, ai_model_hours_month: null },
        unlicensedUsage(0),
        [NOTE_NO_AI], // license_data exists (empty); no license_llm_data on 2.8
      ),
      usage_by_tag: untaggedUsage({ services: 2, discrete_services: 1, routes: 1, plugins: 1 }),
      entity_counters: {
        rows: [
          { entity_type: "services", counter_table: 2, live: 2, drift: 0 }, // 1 + 1
          { entity_type: "routes", counter_table: 1, live: 1, drift: 0 },
          { entity_type: "consumers", counter_table: 2, live: 1, drift: 1 },
          { entity_type: "plugins", counter_table: 1, live: 1, drift: 0 },
          { entity_type: "rbac_users", counter_table: null, live: 0, drift: null },
        ],
        drifted: ["consumers"],
        workspaces: [
          {
            workspace_id: DEFAULT_WORKSPACE_ID,
            workspace: "default",
            entity_type: "consumers",
            counter_table: 2,
            live: 1,
          },
        ],
        workspaces_drifted: 1,
      },
    },
  },
  {
    name: "details-oss35 on open-source 3.5",
    sources: [SCHEMAS.oss35, fixtureFile("test/fixtures/datasets/details-oss35.sql")],
    response: {
      kong_version: "3.5.x", // core 021_340_to_350
      deployment_info: { type: "traditional" },
      license: UNLICENSED, // no licenses table
      // counters and rbac_users omitted: no license_data, no rbac_users table
      workspaces_count: 1,
      services_count: 2, // users, orders
      routes_count: 1,
      consumers_count: 3, // a, b, c: no type column, all count
      plugins_count: {
        tiers: { free: { cors: 1 }, enterprise: {}, custom: {} },
        unique_route_lambdas: 0,
        unique_route_kafkas: 0,
      },
      collector: olderCollector("open-source", "3.5"),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-upstream"), // 3.5
      schema: {
        edition: "open-source",
        pending: [],
        missing: [
          "rbac_users",
          "licenses",
          "license_data",
          "workspace_entity_counters",
          "consumers.type",
          "plugins.consumer_group_id",
        ],
        kong_minor: "3.5",
        core_last_migration: "021_340_to_350",
      },
      omitted: [NO_SYSTEM_INFO, NO_COUNTERS, NO_RBAC],
      warnings: [NO_TYPE_COLUMN, NO_COUNTER_TABLE],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 2,
          routes: 1,
          consumers: 3,
          plugins: { free: { cors: 1 }, enterprise: {}, custom: {} },
          discrete_services: 2, // http://users:5000null, http://orders:5001/v2
        },
      ],
      discrete_services: { count: 2, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 2, discrete_services: 2, api_requests_month: null, ai_model_hours_month: null },
        unlicensedUsage(null), // no licenses or rbac_users table; clustering_data_planes empty
        [NOTE_NO_COUNTERS, NOTE_NO_AI],
      ),
      usage_by_tag: untaggedUsage({ services: 2, discrete_services: 2, routes: 1, plugins: 1 }),
    },
  },
  {
    name: "details-oss20 on open-source 2.0 (one implicit workspace)",
    sources: [SCHEMAS.oss20, fixtureFile("test/fixtures/datasets/details-oss20.sql")],
    response: {
      kong_version: "2.0.x", // core 008_150_to_200
      deployment_info: { type: "traditional" }, // no clustering_data_planes table
      license: UNLICENSED,
      workspaces_count: 1, // no workspaces table
      services_count: 3, // backend-a, backend-b, auth
      routes_count: 2,
      consumers_count: 2, // one, two
      plugins_count: {
        tiers: { free: { "key-auth": 2 }, enterprise: {}, custom: { "my-auth": 1 } }, // key-auth: one disabled
        unique_route_lambdas: 0,
        unique_route_kafkas: 0,
      },
      collector: olderCollector("open-source", "2.0"),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-upstream"), // 2.0
      schema: {
        edition: "open-source",
        pending: [],
        missing: [
          "workspaces",
          "rbac_users",
          "licenses",
          "license_data",
          "workspace_entity_counters",
          "clustering_data_planes",
          "consumers.type",
          "plugins.consumer_group_id",
        ],
        kong_minor: "2.0",
        core_last_migration: "008_150_to_200",
      },
      omitted: [NO_SYSTEM_INFO, NO_COUNTERS, NO_RBAC],
      warnings: [
        "No workspaces table (Kong before 2.1): workspaces_count is 1.",
        NO_TYPE_COLUMN,
        "Kong 2.0 itself reports no plugin tiers (they arrived in 3.5); they are classified here with Kong's oldest published lists (3.5).",
        "This schema has no per-workspace columns (Kong before 2.1): all entities are shown in one implicit workspace.",
        NO_COUNTER_TABLE,
      ],
      workspaces: [
        {
          id: "",
          name: "default",
          services: 3,
          routes: 2,
          consumers: 2,
          plugins: { free: { "key-auth": 2 }, enterprise: {}, custom: { "my-auth": 1 } },
          discrete_services: 2, // http://backend:8080null (x2), https://auth.internal:443/
          implicit: true,
        },
      ],
      discrete_services: { count: 2, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 3, discrete_services: 2, api_requests_month: null, ai_model_hours_month: null },
        unlicensedUsage(null), // no licenses, rbac_users or clustering_data_planes table
        [NOTE_NO_COUNTERS, NOTE_NO_AI],
      ),
      usage_by_tag: untaggedUsage({ services: 3, discrete_services: 2, routes: 2, plugins: 3 }), // key-auth 2 + my-auth 1
    },
  },
  {
    name: "details-klcr-demo on 3.13: the KLCR demo cluster (five workspaces, 18 discrete services)",
    sources: [SCHEMAS.ee313, fixtureFile("test/fixtures/datasets/details-klcr-demo.sql")],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 5, // default, Engineering, WS1, WS2, WS3
      rbac_users: 0,
      services_count: 20, // default 19 + Engineering 1
      routes_count: 35, // default 30 + Engineering 5
      consumers_count: 5, // acl11, acl12, acl21, acl22, engineer
      plugins_count: {
        tiers: KLCR_TIERS,
        unique_route_lambdas: 0, // no aws-lambda
        unique_route_kafkas: 0, // no Kafka-family plugin
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      // the data set writes no workspace_entity_counters rows while the tables hold rows
      warnings: [
        'workspace_entity_counters has no "services" rows but the table holds 20: Kong 3.8 and older would omit this count.',
        'workspace_entity_counters has no "routes" rows but the table holds 35: Kong 3.8 and older would omit this count.',
        'workspace_entity_counters has no "consumers" rows but the table holds 5: Kong 3.8 and older would omit this count.',
        'workspace_entity_counters has no "plugins" rows but the table holds 24: Kong 3.8 and older would omit this count.',
        "8 (workspace, entity type) counter row(s) differ from the live counts.", // 4 types x (Engineering, default)
        'Kong 3.8 and older report the counter table\'s numbers; "kong migrations reinitialize-workspace-entity-counters" rebuilds it.',
      ],
      // by name in byte order: uppercase before lowercase
      workspaces: [
        {
          id: "44444444-4444-4444-8444-444444444444",
          name: "Engineering",
          services: 1, // engineering-api
          routes: 5, // eng-0..eng-4
          consumers: 1, // engineer
          plugins: {
            free: { "key-auth": 1, "proxy-cache": 1, "rate-limiting": 1 },
            enterprise: {},
            custom: {},
          }, // f22-f24
          discrete_services: 1, // http://engineering-api.engineering.svc:8080/
        },
        ...["1", "2", "3"].map((n) => ({
          id: `44444444-4444-4444-8444-44444444444${n}`,
          name: `WS${n}`,
          services: 0,
          routes: 0,
          consumers: 0,
          plugins: emptyTiers(),
          discrete_services: 0,
        })),
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 19, // a01..a19
          routes: 30, // b01..b30
          consumers: 4, // acl11, acl12, acl21, acl22
          plugins: KLCR_DEFAULT_TIERS,
          // 19 services less 2: httpbin, httpbin-okta, httpbin-online share
          // http://httpbin.se-kong-mesh.svc:80/anything; apollo-service and grpcbin have no path
          // (http://apollo-service.se-kong-mesh.svc:4000null, grpc://grpcbin.se-kong-mesh.svc:9000null)
          discrete_services: 17,
        },
      ],
      discrete_services: { count: 18, rules: [] }, // 17 + engineering-api (kick.json: 18)
      usage: usageWithoutContract(
        { gateway_services: 20, discrete_services: 18, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(0),
      ),
      usage_by_tag: untaggedUsage({ services: 20, discrete_services: 18, routes: 35, plugins: 24 }), // 24 plugins
      entity_counters: {
        rows: [
          { entity_type: "services", counter_table: null, live: 20, drift: null },
          { entity_type: "routes", counter_table: null, live: 35, drift: null },
          { entity_type: "consumers", counter_table: null, live: 5, drift: null },
          { entity_type: "plugins", counter_table: null, live: 24, drift: null },
          { entity_type: "rbac_users", counter_table: null, live: 0, drift: null },
        ],
        drifted: ["services", "routes", "consumers", "plugins"], // no counter row, rows live
        workspaces: [
          ...(
            [
              [
                "44444444-4444-4444-8444-444444444444",
                "Engineering",
                { consumers: 1, plugins: 3, routes: 5, services: 1 },
              ],
              [DEFAULT_WORKSPACE_ID, "default", { consumers: 4, plugins: 21, routes: 30, services: 19 }],
            ] as const
          ).flatMap(([id, name, live]) =>
            (["consumers", "plugins", "routes", "services"] as const).map((entity_type) => ({
              workspace_id: id,
              workspace: name,
              entity_type,
              counter_table: null,
              live: live[entity_type],
            })),
          ),
        ],
        workspaces_drifted: 8,
      },
    },
  },
];

describeGoldens("Golden documents, more fixtures", GOLDENS);
describeGoldens("Golden documents, details data sets", DETAILS_GOLDENS);
