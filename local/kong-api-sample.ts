import type { FakeKongNode, FakeService } from "./kong-admin-api.ts";
import { encodeLikeCjson, signKongReport } from "./kong-report-bytes.ts";
import type { FakeKonnectOrganisation } from "./konnect-api.ts";

// Sample Kong clusters and a Konnect organisation for the API fakes (the tests, and
// local/bin/kong-api-fakes.ts), written from Kong's rules (a report's keys, its checksum, KLCR's service
// key) and chosen numbers; the expected values in the tests are counted from these lists by hand,
// never taken from the collector's output.

function service(id: string, protocol: string, host: string, port: number, path: string | null): FakeService {
  return { id, name: id, protocol, host, port, path };
}

/** prod: a hybrid control plane, 3 workspaces, 8 services (keys: see PROD_KEYS). */
export const PROD_WORKSPACES = [
  {
    id: "0f6c1a4e-0000-4000-8000-000000000001",
    name: "default",
    services: [
      service("orders", "http", "orders.internal", 80, "/v1"),
      service("orders-copy", "http", "orders.internal", 80, "/v1"), // same key as orders
      service("billing", "https", "billing.dev.example.com", 443, "/api"),
      service("no-path", "http", "legacy.internal", 8080, null), // jq: ...:8080null
      service("grpc", "grpc", "grpc.internal", 50051, null),
    ],
    counts: { services: 5, routes: 9, consumers: 3, plugins: 7 },
  },
  {
    id: "0f6c1a4e-0000-4000-8000-000000000002",
    name: "team-a",
    services: [
      service("a1", "http", "orders.internal", 80, "/v1"), // same key as default's orders
      service("a2", "https", "billing.prod.example.com", 443, "/api"), // same as billing after the rule
      service("a3", "http", "search.internal", 9200, "/"),
    ],
    counts: { services: 3, routes: 3, consumers: 1, plugins: 2 },
  },
  { id: "0f6c1a4e-0000-4000-8000-000000000003", name: "empty", services: [] },
] as const;

/** The discrete rule of the envs.json: dev hosts count as prod. */
export const DISCRETE_RULES = [{ find: "\\.dev\\.", replace_with: ".prod." }];

/** prod's distinct keys after the rule, counted from PROD_WORKSPACES. */
export const PROD_KEYS = [
  "grpc://grpc.internal:50051null",
  "http://legacy.internal:8080null",
  "http://orders.internal:80/v1",
  "http://search.internal:9200/",
  "https://billing.prod.example.com:443/api",
];

/** Kong's report of prod: its counts as Kong keeps them, keys in a hash order, signed. */
export const PROD_REPORT = signKongReport({
  license: { license_key: "ASDASDASDASDASDASDASDASDASD_a1VASASD", license_expiration_date: "2027-06-30" },
  routes_count: 12,
  timestamp: 1_743_465_600,
  counters: {
    buckets: [
      { request_count: 1200, bucket: "2025-02" },
      { request_count: 3400, bucket: "2025-03" },
    ],
    total_requests: 4600,
  },
  plugins_count: {
    tiers: { free: { "key-auth": 3, "rate-limiting": 4 }, enterprise: { "openid-connect": 2 }, custom: {} },
    unique_route_kafkas: 0,
    unique_route_lambdas: 0,
  },
  consumers_count: 4,
  services_count: 8,
  workspaces_count: 3,
  rbac_users: 2,
  deployment_info: { type: "hybrid", connected_dp_count: 2 },
  system_info: { hostname: "kong-cp-0", uname: "Linux x86_64", cores: 4 },
  db_version: "postgres 16.4",
  kong_version: "3.9.1.0",
});

/** prod's bytes as Kong's Admin API sends them (cjson: compact, "\/"). */
export const PROD_REPORT_BYTES = encodeLikeCjson(PROD_REPORT);

/** dr: a DB-less node (no counters in Kong's report, no workspaces), 2 services. */
export const DR_SERVICES = [
  service("orders", "http", "orders.internal", 80, "/v1"),
  service("edge", "https", "edge.example.com", 443, "/"),
];

export const DR_REPORT = signKongReport({
  timestamp: 1_743_465_660,
  kong_version: "3.10.0.1",
  db_version: "off",
  system_info: { hostname: "kong-dbless-1", uname: "Linux aarch64", cores: 2 },
  deployment_info: { type: "dbless" },
  license: { license_key: "ASDASDASDASDASDASDASDASDASD_a1VASASD", license_expiration_date: "2027-06-30" },
  workspaces_count: 1,
  rbac_users: 0,
  services_count: 2,
  routes_count: 2,
  consumers_count: 0,
  plugins_count: {
    tiers: { free: { cors: 1 }, enterprise: {}, custom: {} },
    unique_route_kafkas: 0,
    unique_route_lambdas: 0,
  },
});

/** Kong's bytes with the spacing of KLCR's saved reports: a collector that re-encodes changes them. */
export const DR_REPORT_BYTES = Buffer.from(
  `{ ${Object.entries(DR_REPORT)
    .map(([key, value]) => `"${key}": ${JSON.stringify(value).replace(/\//g, "\\/")}`)
    .join(", ")} }`,
  "utf8",
);

export const PROD_TOKEN = "kong-admin-token-prod-7f3a9c";
export const DR_TOKEN = "kong-admin-token-dr-51be02";
export const KONNECT_TOKEN = "kpat_konnectTestToken0123456789abcdef";

export function prodNode(): FakeKongNode {
  return {
    report: PROD_REPORT_BYTES,
    version: "3.9.1.0",
    nodeId: "8d0c3a2e-prod-4c1b-9a77-000000000001",
    database: "postgres",
    role: "control_plane",
    portal: false,
    workspaces: PROD_WORKSPACES.map((ws) => ({
      ...ws,
      services: [...ws.services],
      ...("counts" in ws ? { counts: ws.counts } : {}),
    })),
    token: PROD_TOKEN,
    pageLimit: 2,
  };
}

export function drNode(): FakeKongNode {
  return {
    report: DR_REPORT_BYTES,
    version: "3.10.0.1",
    nodeId: "1e5f7b90-dr-4c1b-9a77-000000000002",
    database: "off",
    role: "traditional",
    portal: false,
    services: DR_SERVICES,
    token: DR_TOKEN,
    pageLimit: 1,
  };
}

const PAYMENTS = [
  service("pay-1", "https", "payments.prod.example.com", 443, "/v1"),
  service("pay-2", "https", "payments.prod.example.com", 443, "/v2"),
  service("pay-3", "https", "payments.dev.example.com", 443, "/v1"), // the rule makes it pay-1's
];
const ORDERS = [
  service("ord-1", "http", "orders.internal", 80, "/v1"), // same key as prod's orders
  service("ord-2", "http", "orders.internal", 80, "/v2"),
];

/**
 * A Konnect organisation: two control planes, the group made of them (its services are theirs), a
 * KIC control plane. Counted: 3 + 2 + 1 = 6 gateway services (KLCR: 11, the group's 5 added again).
 */
export function konnectOrganisation(): FakeKonnectOrganisation {
  return {
    token: KONNECT_TOKEN,
    pageLimit: 2,
    controlPlanes: [
      {
        id: "cp-0001-payments",
        name: "payments",
        clusterType: "CLUSTER_TYPE_CONTROL_PLANE",
        services: PAYMENTS,
        nodes: 2,
      },
      {
        id: "cp-0002-orders",
        name: "orders",
        clusterType: "CLUSTER_TYPE_CONTROL_PLANE",
        services: ORDERS,
        nodes: 1,
      },
      {
        id: "cp-0003-group",
        name: "all-teams",
        clusterType: "CLUSTER_TYPE_CONTROL_PLANE_GROUP",
        services: [...PAYMENTS, ...ORDERS],
        nodes: 3,
      },
      {
        id: "cp-0004-kic",
        name: "k8s-east",
        clusterType: "CLUSTER_TYPE_K8S_INGRESS_CONTROLLER",
        services: [service("kic-1", "http", "web.default.svc", 80, "/")],
        nodes: 2,
      },
    ],
  };
}

/** The organisation's counted keys after the rule (payments 2, orders 2, KIC 1). */
export const KONNECT_KEYS = [
  "http://orders.internal:80/v1",
  "http://orders.internal:80/v2",
  "http://web.default.svc:80/",
  "https://payments.prod.example.com:443/v1",
  "https://payments.prod.example.com:443/v2",
];

/** dr's keys. */
export const DR_KEYS = ["http://orders.internal:80/v1", "https://edge.example.com:443/"];

/**
 * Across the three environments: prod's 5, dr's edge, Konnect's 4 besides orders /v1 (which prod and
 * dr hold too): 10 distinct keys; 8 + 2 + 6 = 16 gateway services.
 */
export const ESTATE_DISCRETE = 10;
export const ESTATE_SERVICES = 16;
