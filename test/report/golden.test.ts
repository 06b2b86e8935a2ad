import {
  describeGoldens,
  EE313_SCHEMA,
  ee313Collector,
  emptyTiers,
  fakeLicenseUsage,
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
  noRouteKafkas,
  TOOL,
  UNLICENSED,
  unlicensedUsage,
  untaggedUsage,
  usageWithoutContract,
} from "../helpers/golden.ts";
import { DATASETS, DEFAULT_WORKSPACE_ID, SCHEMAS } from "../helpers/kong-db.ts";

// Golden documents (issue 15): see test/helpers/golden.ts for how they are written and compared.

const GOLDENS: readonly Golden[] = [
  {
    name: "T2 (Kong's 3.9+ report test) on 3.13",
    sources: [SCHEMAS.ee313, DATASETS.t2Kong39],
    response: {
      kong_version: "3.13.x", // schema_meta: core 028_3120_to_3130
      deployment_info: { type: "traditional" }, // no clustering_data_planes rows
      license: UNLICENSED, // no licenses rows
      counters: { total_requests: 0, buckets: [] }, // license_data exists, empty
      workspaces_count: 1, // default only
      rbac_users: 0,
      services_count: 1, // service1
      routes_count: 4, // route1..route4
      consumers_count: 2, // consumer1, consumer2 (type 0); consumer3 is type 2
      plugins_count: {
        tiers: {
          free: { "aws-lambda": 4 }, // route1..4, enabled or not
          enterprise: { "kafka-upstream": 4 },
          custom: {},
        },
        unique_route_lambdas: 1, // route2, route3 "kongLambdaTest"; route1 has a service; route4 no name
        unique_route_kafkas: 1, // mock-host:9092 on route2..4; route1 has a service
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: {
        rule: "kafka-family", // 3.13
        counted_plugins: KAFKA_FAMILY,
        kafka_upstream: 1,
        kafka_family: 1,
        by_plugin: [{ plugin: "kafka-upstream", brokers: 1, addresses: ["mock-host:9092"] }], // route2..4
      },
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 1,
          routes: 4,
          consumers: 2, // proxy consumers only
          plugins: { free: { "aws-lambda": 4 }, enterprise: { "kafka-upstream": 4 }, custom: {} },
          discrete_services: 1, // http://mock-upstream:15555null
        },
      ],
      discrete_services: { count: 1, rules: [] },
      usage: usageWithoutContract(
        {
          gateway_services: 1, // services_count
          discrete_services: 1, // discrete_services.count
          api_requests_month: 0, // license_data empty: no 2025-03 bucket
          ai_model_hours_month: 0, // license_llm_data empty
        },
        unlicensedUsage(0), // no licenses rows; rbac_users 0
      ),
      // No `team:` tag: every entity untagged. Plugins: 4 aws-lambda + 4 kafka-upstream.
      usage_by_tag: untaggedUsage({ services: 1, discrete_services: 1, routes: 4, plugins: 8 }),
      entity_counters: {
        rows: [
          // counter rows as Kong's hooks keep them: no drift
          { entity_type: "services", counter_table: 1, live: 1, drift: 0 },
          { entity_type: "routes", counter_table: 4, live: 4, drift: 0 },
          { entity_type: "consumers", counter_table: 2, live: 2, drift: 0 },
          { entity_type: "plugins", counter_table: 8, live: 8, drift: 0 },
          { entity_type: "rbac_users", counter_table: null, live: 0, drift: null }, // no counter row, none live
        ],
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "the newest licence rows broken: the newest readable one is used",
    sources: [SCHEMAS.ee313, DATASETS.licensesBrokenNewest],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      // bbbb (2025-04-01, truncated JSON) and cccc (2025-03-01, no payload) skipped; aaaa chosen
      license: { license_key: "FAKE-TEST-LICENSE-KEY-0010", license_expiration_date: "2029-01-31" },
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 0,
      routes_count: 0,
      consumers_count: 0,
      plugins_count: { tiers: emptyTiers(), unique_route_lambdas: 0, unique_route_kafkas: 0 },
      collector: ee313Collector({ license_from: "licenses" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: ["2 newer license row(s) are not valid license JSON and were skipped."],
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
        // aaaa's payload. 2025-03-15 → 2029-03-15 is 4 × 365 + 1 (2028-02-29) = 1,461 days, less
        // 2029-01-31 → 2029-03-15 (28 days of February + 15 = 43): 1,418.
        fakeLicenseUsage("2029-01-31", 1418, 0),
      ),
      usage_by_tag: untaggedUsage(), // no entities: no rows
      entity_counters: {
        rows: ["services", "routes", "consumers", "plugins", "rbac_users"].map((entity_type) => ({
          entity_type,
          counter_table: null, // no workspace_entity_counters rows at all
          live: 0,
          drift: null,
        })),
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "the counters window (reference §12's bucket vector), reporting month 2025-03",
    sources: [SCHEMAS.ee313, DATASETS.countersWindow],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: {
        total_requests: 63, // 7 + 5 + 1 + 50; both 2024-03 rows (5, 20) fall before the window
        buckets: [
          { bucket: "2024-04", request_count: 7 }, // first month of the window 2024-04..2025-03
          { bucket: "2025-03", request_count: 5 }, // node A 2 + node B 3
          { bucket: "2026-01", request_count: 1 }, // future month of the current reporting month: kept
          { bucket: "UNKNOWN", request_count: 50 }, // year = month = 0; UNKNOWN last
        ],
      },
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 0,
      routes_count: 0,
      consumers_count: 0,
      plugins_count: { tiers: emptyTiers(), unique_route_lambdas: 0, unique_route_kafkas: 0 },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
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
        {
          gateway_services: 0,
          discrete_services: 0,
          api_requests_month: 5, // the 2025-03 bucket: node A 2 + node B 3
          ai_model_hours_month: 0,
        },
        unlicensedUsage(0),
      ),
      usage_by_tag: untaggedUsage(),
      entity_counters: {
        rows: ["services", "routes", "consumers", "plugins", "rbac_users"].map((entity_type) => ({
          entity_type,
          counter_table: null,
          live: 0,
          drift: null,
        })),
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "a Kong 2.6 license_data without year and month: one UNKNOWN bucket",
    sources: [SCHEMAS.ee28, DATASETS.licenseDataPre27],
    response: {
      kong_version: "2.6.x", // core 014_230_to_260, enterprise 011_2300_to_2600
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      // no month to window on: every row counts, labelled UNKNOWN (1200 + 34 + 0)
      counters: { total_requests: 1234, buckets: [{ bucket: "UNKNOWN", request_count: 1234 }] },
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 0,
      routes_count: 0,
      consumers_count: 0,
      plugins_count: { tiers: emptyTiers(), unique_route_lambdas: 0, unique_route_kafkas: 0 },
      collector: {
        ...TOOL,
        source: "database",
        deployment_from: "default",
        license_from: "unlicensed",
        edition: "enterprise",
        plugin_tiers: "3.5", // before 3.5: the oldest published lists
        as_of: "2025-03",
        time_zone: "UTC",
        checksum_algorithm: "sha1",
        kong_version_from: "schema_meta",
        schema_minor: "2.6",
      },
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-upstream") /* 2.6 */,
      schema: {
        edition: "enterprise",
        pending: [],
        missing: ["plugins.consumer_group_id"], // added in EE 3.4
        kong_minor: "2.6",
        core_last_migration: "014_230_to_260",
        enterprise_last_migration: "011_2300_to_2600",
      },
      omitted: [NO_SYSTEM_INFO],
      warnings: [
        "Kong 2.6 itself reports no plugin tiers (they arrived in 3.5); they are classified here with Kong's oldest published lists (3.5).",
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
        {
          gateway_services: 0,
          discrete_services: 0,
          api_requests_month: 0, // only the UNKNOWN bucket: nothing dated 2025-03
          ai_model_hours_month: null, // no license_llm_data on 2.6
        },
        unlicensedUsage(0),
        [NOTE_NO_AI],
      ),
      usage_by_tag: untaggedUsage(),
      entity_counters: {
        rows: ["services", "routes", "consumers", "plugins", "rbac_users"].map((entity_type) => ({
          entity_type,
          counter_table: null,
          live: 0,
          drift: null,
        })),
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "open-source 3.5",
    sources: [SCHEMAS.oss35, DATASETS.oss35Basic],
    response: {
      kong_version: "3.5.x", // core 021_340_to_350
      deployment_info: { type: "traditional" }, // clustering_data_planes empty
      license: UNLICENSED, // no licenses table
      // counters and rbac_users omitted: no license_data, no rbac_users table
      workspaces_count: 1,
      services_count: 3, // user, booking, payment
      routes_count: 8, // route-1..8
      consumers_count: 2, // frontend, mobile: no type column, all count
      plugins_count: {
        tiers: { free: { "aws-lambda": 1, cors: 2, jwt: 4 }, enterprise: {}, custom: {} },
        unique_route_lambdas: 1, // "oss-fn" on route-8, which has no service
        unique_route_kafkas: 0,
      },
      collector: {
        ...TOOL,
        source: "database",
        deployment_from: "default",
        license_from: "unlicensed",
        edition: "open-source", // no `enterprise` row in schema_meta
        plugin_tiers: "3.5",
        as_of: "2025-03",
        time_zone: "UTC",
        checksum_algorithm: "sha1",
        kong_version_from: "schema_meta",
        schema_minor: "3.5",
      },
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-upstream") /* 3.5 */,
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
          services: 3,
          routes: 8,
          consumers: 2,
          plugins: { free: { "aws-lambda": 1, cors: 2, jwt: 4 }, enterprise: {}, custom: {} },
          discrete_services: 3, // http://user:5000null, http://booking:5001null, http://payment:5002null
        },
      ],
      discrete_services: { count: 3, rules: [] },
      usage: usageWithoutContract(
        {
          gateway_services: 3,
          discrete_services: 3,
          api_requests_month: null, // no license_data
          ai_model_hours_month: null, // no license_llm_data
        },
        unlicensedUsage(null), // no licenses table; no rbac_users table; clustering_data_planes empty
        [NOTE_NO_COUNTERS, NOTE_NO_AI],
      ),
      // No `team:` tag; plugins 1 aws-lambda + 2 cors + 4 jwt.
      usage_by_tag: untaggedUsage({ services: 3, discrete_services: 3, routes: 8, plugins: 7 }),
    },
  },
  {
    name: "open-source 2.0 (no workspaces table)",
    sources: [SCHEMAS.oss20, DATASETS.oss20Community],
    response: {
      kong_version: "2.0.x", // core 008_150_to_200
      deployment_info: { type: "traditional" }, // no clustering_data_planes table
      license: UNLICENSED,
      workspaces_count: 1, // no workspaces table: 1
      services_count: 3, // accounts, transfers, keycloak
      routes_count: 5,
      consumers_count: 2,
      plugins_count: {
        tiers: {
          free: { "aws-lambda": 1, "proxy-cache": 1 },
          enterprise: {},
          custom: { "cookies-to-headers": 1, oidc: 2 }, // community plugins; the disabled oidc counts
        },
        unique_route_lambdas: 1, // "legacy-fn" on the service-less /legacy route
        unique_route_kafkas: 0,
      },
      collector: {
        ...TOOL,
        source: "database",
        deployment_from: "default",
        license_from: "unlicensed",
        edition: "open-source",
        plugin_tiers: "3.5",
        as_of: "2025-03",
        time_zone: "UTC",
        checksum_algorithm: "sha1",
        kong_version_from: "schema_meta",
        schema_minor: "2.0",
      },
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-upstream") /* 2.0 */,
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
          id: "", // no workspaces table: one implicit workspace
          name: "default",
          services: 3,
          routes: 5,
          consumers: 2,
          plugins: {
            free: { "aws-lambda": 1, "proxy-cache": 1 },
            enterprise: {},
            custom: { "cookies-to-headers": 1, oidc: 2 },
          },
          discrete_services: 3, // as below: the implicit workspace holds every service
          implicit: true,
        },
      ],
      // http://accounts:8080/, http://transfers:8080/, http://keycloak:8180/auth
      discrete_services: { count: 3, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 3, discrete_services: 3, api_requests_month: null, ai_model_hours_month: null },
        unlicensedUsage(null), // no licenses, rbac_users or clustering_data_planes table: connected 0
        [NOTE_NO_COUNTERS, NOTE_NO_AI],
      ),
      // No `team:` tag (2.0 has tags columns); plugins 1 aws-lambda + 1 proxy-cache + 1 cookies-to-headers + 2 oidc.
      usage_by_tag: untaggedUsage({ services: 3, discrete_services: 3, routes: 5, plugins: 5 }),
    },
  },
];

describeGoldens("Golden documents", GOLDENS);
