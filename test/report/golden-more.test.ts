import {
  describeGoldens,
  EE313_SCHEMA,
  ee313Collector,
  emptyTiers,
  type Golden,
  KAFKA_FAMILY,
  NO_AI_GATEWAY_USE,
  NO_SYSTEM_INFO,
  noRouteKafkas,
  UNLICENSED,
} from "../helpers/golden.ts";
import { DATASETS, DEFAULT_WORKSPACE_ID, SCHEMAS } from "../helpers/kong-db.ts";

// Golden documents (issue 15), continued: see test/helpers/golden.ts for how they are written and
// compared. Plugin tiers come from the published lists of shared/spec/plugin-tiers.json for the
// detected minor; the Kafka family rule (kafka-upstream, kafka-consume, confluent,
// confluent-consume) applies from 3.10 (reference kong-3.10-plus.md §4.2).

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
];

describeGoldens("Golden documents, more fixtures", GOLDENS);
