import {
  describeGoldens,
  EE313_SCHEMA,
  ee313Collector,
  emptyTiers,
  fakeLicenseUsage,
  type Golden,
  KAFKA_FAMILY,
  NO_AI_GATEWAY_USE,
  NO_SYSTEM_INFO,
  noRouteKafkas,
  UNLICENSED,
  unlicensedUsage,
  untaggedUsage,
  usageWithoutContract,
} from "../helpers/golden.ts";
import { DATASETS, DEFAULT_WORKSPACE_ID, SCHEMAS } from "../helpers/kong-db.ts";

// Golden documents (issue 15) for the entity-count, plugin-rule, licence and hybrid fixtures, all on
// SCHEMAS.ee313 (as test/fixtures/fixtures.test.ts loads them): see test/helpers/golden.ts for how
// they are written and compared. Every value is derived from the fixture SQL and Kong's rules.

/** workspace_entity_counters compared with the live tables, one row per type the report counts. */
const counterRow = (entity_type: string, counter_table: number | null, live: number) => ({
  entity_type,
  counter_table,
  live,
  drift: counter_table === null ? null : counter_table - live,
});

/** A database with no workspace_entity_counters rows and no entities at all. */
const NO_COUNTER_ROWS = {
  rows: ["services", "routes", "consumers", "plugins", "rbac_users"].map((type) => counterRow(type, null, 0)),
  drifted: [],
  workspaces: [],
  workspaces_drifted: 0,
};

/** Only the default workspace, empty. */
const EMPTY_DEFAULT_WORKSPACE = {
  id: DEFAULT_WORKSPACE_ID,
  name: "default",
  services: 0,
  routes: 0,
  consumers: 0,
  plugins: emptyTiers(),
  discrete_services: 0,
};

const WS_1 = "0a0a0000-0000-4000-8000-000000000001";
const WS_2 = "0a0a0000-0000-4000-8000-000000000002";
const WS_T8 = "0a0a0000-0000-4000-8000-000000000008";

const GOLDENS: readonly Golden[] = [
  {
    name: "T2′ (Kong's 3.5 report test, counter rows typed in) on 3.13",
    sources: [SCHEMAS.ee313, DATASETS.t2primeKong35],
    response: {
      kong_version: "3.13.x", // schema_meta: core 028_3120_to_3130 (the data set leaves it at 3.13)
      deployment_info: { type: "traditional" }, // no clustering_data_planes rows
      license: UNLICENSED, // no licenses rows
      counters: { total_requests: 0, buckets: [] }, // license_data exists, empty
      workspaces_count: 1, // default only
      rbac_users: 0, // live COUNT(*) (3.9+ rule), not the absent counter row
      services_count: 1, // service1
      routes_count: 3, // route1..route3
      consumers_count: 0, // no consumers rows
      plugins_count: {
        tiers: {
          free: { "aws-lambda": 3 }, // on route1..3
          enterprise: { "kafka-upstream": 3 }, // on route1..3
          custom: {},
        },
        unique_route_lambdas: 1, // "kongLambdaTest" on route2, route3; route1 has a service
        unique_route_kafkas: 1, // mock-host:9092 on route2, route3; route1 has a service
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: {
        rule: "kafka-family", // 3.13 ≥ 3.10
        counted_plugins: KAFKA_FAMILY,
        kafka_upstream: 1,
        kafka_family: 1, // no other Kafka-family plugin
        by_plugin: [{ plugin: "kafka-upstream", brokers: 1, addresses: ["mock-host:9092"] }], // route2, route3
      },
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [], // counter rows equal the live counts; the missing ones stand for 0 live rows
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 1,
          routes: 3,
          consumers: 0,
          plugins: { free: { "aws-lambda": 3 }, enterprise: { "kafka-upstream": 3 }, custom: {} },
          discrete_services: 1, // http://mock-upstream:15555null (path NULL → jq's "null")
        },
      ],
      discrete_services: { count: 1, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 1, discrete_services: 1, api_requests_month: 0, ai_model_hours_month: 0 }, // empty counters
        unlicensedUsage(0),
      ),
      // No `team:` tag; plugins 3 aws-lambda + 3 kafka-upstream.
      usage_by_tag: untaggedUsage({ services: 1, discrete_services: 1, routes: 3, plugins: 6 }),
      entity_counters: {
        rows: [
          counterRow("services", 1, 1), // typed-in row 1, service1
          counterRow("routes", 3, 3), // typed-in row 3, route1..3
          counterRow("consumers", null, 0), // no counter row, no consumers: not a drift
          counterRow("plugins", 6, 6), // typed-in row 6, 3 aws-lambda + 3 kafka-upstream
          counterRow("rbac_users", null, 0),
        ],
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "T3: three workspaces, 10 services, 10 RBAC users, 10 consumers",
    sources: [SCHEMAS.ee313, DATASETS.t3Workspaces],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 3, // default, ws-1, ws-2
      rbac_users: 10, // rbac-user-1..10, every workspace
      services_count: 10, // service-1..10
      routes_count: 0,
      consumers_count: 10, // Consumer-1..10, all type 0
      plugins_count: { tiers: emptyTiers(), unique_route_lambdas: 0, unique_route_kafkas: 0 },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
      // By name in byte order; n = 1..4 default, 5..7 ws-1, 8..10 ws-2.
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 4,
          routes: 0,
          consumers: 4,
          plugins: emptyTiers(),
          discrete_services: 4, // http://example-1..4.internal:80/
        },
        {
          id: WS_1,
          name: "ws-1",
          services: 3,
          routes: 0,
          consumers: 3,
          plugins: emptyTiers(),
          discrete_services: 3, // example-5..7
        },
        {
          id: WS_2,
          name: "ws-2",
          services: 3,
          routes: 0,
          consumers: 3,
          plugins: emptyTiers(),
          discrete_services: 3, // example-8..10
        },
      ],
      discrete_services: { count: 10, rules: [] }, // ten different hosts
      entity_counters: {
        rows: [
          counterRow("services", 10, 10), // 4 + 3 + 3 per workspace, as the hooks keep them
          counterRow("routes", null, 0),
          counterRow("consumers", 10, 10),
          counterRow("plugins", null, 0),
          counterRow("rbac_users", 10, 10),
        ],
        drifted: [],
        workspaces: [], // every (workspace, type) row equals its live count
        workspaces_drifted: 0,
      },
      usage: usageWithoutContract(
        { gateway_services: 10, discrete_services: 10, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(10), // rbac_users 10 beside the UNLICENSED payload's "0" seats
      ),
      usage_by_tag: untaggedUsage({ services: 10, discrete_services: 10, routes: 0, plugins: 0 }),
    },
  },
  {
    name: "T8: entity counts after initialize_counters, two workspaces",
    sources: [SCHEMAS.ee313, DATASETS.t8EntityCounts],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 2, // default, ws-t8
      rbac_users: 0,
      services_count: 2, // one test-service per workspace
      routes_count: 1, // test-route in ws-t8
      consumers_count: 2, // one test-consumer per workspace, type 0
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
          services: 1,
          routes: 0,
          consumers: 1,
          plugins: emptyTiers(),
          discrete_services: 1, // http://example.test:80null
        },
        {
          id: WS_T8,
          name: "ws-t8",
          services: 1,
          routes: 1,
          consumers: 1,
          plugins: emptyTiers(),
          discrete_services: 1, // http://example.test:80null
        },
      ],
      // Both services have the same protocol://host:port/path: one discrete service overall.
      discrete_services: { count: 1, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 2, discrete_services: 1, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(0),
      ),
      usage_by_tag: untaggedUsage({ services: 2, discrete_services: 1, routes: 1, plugins: 0 }),
      entity_counters: {
        rows: [
          counterRow("services", 2, 2), // default 1 + ws-t8 1
          counterRow("routes", 1, 1), // ws-t8 1; default has neither a row nor a route
          counterRow("consumers", 2, 2),
          counterRow("plugins", null, 0),
          counterRow("rbac_users", null, 0),
        ],
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "unique_route_lambdas / unique_route_kafkas edge cases",
    sources: [SCHEMAS.ee313, DATASETS.lambdasKafkas],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 2, // orders-api, billing-api
      routes_count: 21, // rs-1, rs-2, rl-1..10, rk-1..9
      consumers_count: 1, // mobile-app
      plugins_count: {
        tiers: {
          free: { "aws-lambda": 12 }, // L01..L12, every scope, enabled or not
          enterprise: { "kafka-upstream": 11 }, // K01..K11
          custom: {},
        },
        // fnA (L01, L02), fnE (L10, disabled), the fnA ARN (L11). Not: L03 route with a service,
        // L04 consumer, L05 consumer group, L06/L07/L08 no/null/empty name, L09 global, L12 service.
        unique_route_lambdas: 3,
        // broker-a:9092, broker-b:9092 (K01), broker-a:9093 (K02), broker-d:9092 (K07, disabled).
        // Not: K03/K05/K10 no list, K04 empty, K06 global, K08 route with a service, K09, K11.
        unique_route_kafkas: 4,
      },
      collector: ee313Collector({ license_from: "unlicensed" }),
    },
    details: {
      route_kafkas: {
        rule: "kafka-family",
        counted_plugins: KAFKA_FAMILY,
        kafka_upstream: 4,
        kafka_family: 4, // only kafka-upstream rows in the family
        by_plugin: [
          {
            plugin: "kafka-upstream",
            brokers: 4,
            addresses: ["broker-a:9092", "broker-a:9093", "broker-b:9092", "broker-d:9092"], // sorted
          },
        ],
      },
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
      workspaces: [
        {
          id: DEFAULT_WORKSPACE_ID,
          name: "default",
          services: 2,
          routes: 21,
          consumers: 1,
          plugins: { free: { "aws-lambda": 12 }, enterprise: { "kafka-upstream": 11 }, custom: {} },
          discrete_services: 2, // https://orders.internal:443/v1, https://billing.internal:443/v1
        },
      ],
      discrete_services: { count: 2, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 2, discrete_services: 2, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(0),
      ),
      // The plugins' tags are version markers (v12, …), none starts with `team:`: 12 aws-lambda + 11 kafka-upstream.
      usage_by_tag: untaggedUsage({ services: 2, discrete_services: 2, routes: 21, plugins: 23 }),
      entity_counters: {
        rows: [
          // written by the file from the live tables: no drift
          counterRow("services", 2, 2),
          counterRow("routes", 21, 21),
          counterRow("consumers", 1, 1),
          counterRow("plugins", 23, 23), // 12 aws-lambda + 11 kafka-upstream
          counterRow("rbac_users", null, 0),
        ],
        drifted: [],
        workspaces: [],
        workspaces_drifted: 0,
      },
    },
  },
  {
    name: "licence selection: newest readable row, tie to the lower id, encrypted row skipped",
    sources: [SCHEMAS.ee313, DATASETS.licenses],
    response: {
      kong_version: "3.13.x",
      deployment_info: { type: "traditional" },
      // ffff (2025-09-01) is keyring-encrypted: skipped. 1111 and 2222 tie on 2025-05-01 10:00:00:
      // the lower id, 1111, wins. 0ddd and 0ccc are older and never read.
      license: { license_key: "FAKE-TEST-LICENSE-KEY-0001", license_expiration_date: "2030-12-31" },
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
      // the ffff row; the unparsable 0ccc row is older than the chosen one, so no warning for it
      warnings: [
        "1 keyring-encrypted license row(s) were skipped: only a Kong node holding the keyring can read them.",
      ],
      workspaces: [EMPTY_DEFAULT_WORKSPACE],
      discrete_services: { count: 0, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 0, discrete_services: 0, api_requests_month: 0, ai_model_hours_month: 0 },
        // 1111's payload. 2025-03-15 → 2030-03-15: 5 × 365 + 1 (2028-02-29) = 1,826 days; → 2030-12-31:
        // 16 more in March + 275 (April to December) = 2,117.
        fakeLicenseUsage("2030-12-31", 2117, 0),
      ),
      usage_by_tag: untaggedUsage(),
      entity_counters: NO_COUNTER_ROWS,
    },
  },
  {
    name: "hybrid control plane: live data planes make it hybrid",
    sources: [SCHEMAS.ee313, DATASETS.hybrid],
    response: {
      kong_version: "3.13.x", // schema_meta wins over the data planes' 3.13.0.1
      // dp-1, dp-2 (ttl in 7 days) and dp-3 (ttl NULL); dp-4's ttl passed yesterday
      deployment_info: { type: "hybrid", connected_dp_count: 3 },
      license: UNLICENSED,
      counters: { total_requests: 0, buckets: [] },
      workspaces_count: 1,
      rbac_users: 0,
      services_count: 0,
      routes_count: 0,
      consumers_count: 0,
      plugins_count: { tiers: emptyTiers(), unique_route_lambdas: 0, unique_route_kafkas: 0 },
      collector: ee313Collector({ license_from: "unlicensed", deployment_from: "clustering_data_planes" }),
    },
    details: {
      route_kafkas: noRouteKafkas("kafka-family"),
      ai_gateway: NO_AI_GATEWAY_USE,
      schema: EE313_SCHEMA,
      omitted: [NO_SYSTEM_INFO],
      warnings: [],
      workspaces: [EMPTY_DEFAULT_WORKSPACE],
      discrete_services: { count: 0, rules: [] },
      usage: usageWithoutContract(
        { gateway_services: 0, discrete_services: 0, api_requests_month: 0, ai_model_hours_month: 0 },
        unlicensedUsage(0, 3), // dp-1, dp-2, dp-3 live beside the payload's "0"
      ),
      usage_by_tag: untaggedUsage(),
      entity_counters: NO_COUNTER_ROWS,
    },
  },
];

describeGoldens("Golden documents: entities, plugin rules, licences, hybrid", GOLDENS);
