import { computeChecksum } from "#lib/report/checksum.ts";
import type { CollectedReport, LicenseReport, ReportDetails, UnsignedReport } from "#lib/report/types.ts";

/** A workspace name that would run script if a renderer forgot to escape it. */
export const XSS_NAME = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

const COLLECTOR = {
  name: "kong-license-report",
  version: "0.1.0",
  source: "database",
  kong_version_from: "schema_meta",
  deployment_from: "default",
  license_from: "licenses",
  edition: "enterprise",
  schema_minor: "3.13",
  plugin_tiers: "3.13",
  time_zone: "UTC",
  checksum_algorithm: "sha1",
} as const;

/** Signs a report (Kong's checksum) so verify and diff accept it. */
export function signReport(unsigned: UnsignedReport): LicenseReport {
  return { ...unsigned, checksum: computeChecksum(unsigned as unknown as Record<string, unknown>) };
}

/**
 * The March 2025 report of a three-workspace deployment: 12 monthly buckets plus UNKNOWN,
 * plugins of every tier, drifted counters, an omitted key and warnings.
 */
export function sampleMarch(): CollectedReport {
  const report = signReport({
    timestamp: 1743465600, // 2025-04-01 00:00 UTC
    kong_version: "3.13.x",
    db_version: "postgres 16.4",
    deployment_info: { type: "hybrid", connected_dp_count: 3 },
    license: { license_key: "ASDASDASDASDASDASDASDASDASD_a1VASASD", license_expiration_date: "2026-01-31" },
    counters: {
      total_requests: 0, // replaced below
      buckets: [
        ["2024-04", 120_000],
        ["2024-05", 180_500],
        ["2024-06", 210_000],
        ["2024-07", 198_000],
        ["2024-08", 250_250],
        ["2024-09", 305_000],
        ["2024-10", 290_000],
        ["2024-11", 350_000],
        ["2024-12", 410_000],
        ["2025-01", 395_000],
        ["2025-02", 460_000],
        ["2025-03", 512_345],
        ["UNKNOWN", 4_321],
      ].map(([bucket, request_count]) => ({
        bucket: bucket as string,
        request_count: request_count as number,
      })),
    },
    workspaces_count: 3,
    rbac_users: 2,
    services_count: 12,
    routes_count: 30,
    consumers_count: 7,
    plugins_count: {
      tiers: {
        free: { "rate-limiting": 6, "key-auth": 4, cors: 2 },
        enterprise: { "openid-connect": 3, "rate-limiting-advanced": 2 },
        custom: { [XSS_NAME]: 1 },
      },
      unique_route_lambdas: 1,
      unique_route_kafkas: 0,
    },
    collector: { ...COLLECTOR, as_of: "2025-03" },
  });
  fixTotal(report);
  const details: ReportDetails = {
    generated_at: "2025-04-01T00:00:00.000Z",
    checksum: report.checksum,
    schema: { edition: "enterprise", kong_minor: "3.13", pending: [], missing: [] },
    omitted: [
      {
        key: "system_info",
        reason: "The Kong node's uname and cores are not in the database; configure them.",
      },
    ],
    warnings: ["workspace_entity_counters says 11 services, the table holds 12 (drift -1)."],
    workspaces: [
      {
        id: "a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30",
        name: "default",
        services: 8,
        routes: 20,
        consumers: 5,
        plugins: {
          free: { "rate-limiting": 4, "key-auth": 4, cors: 2 },
          enterprise: { "openid-connect": 3 },
          custom: {},
        },
        discrete_services: 6,
      },
      {
        id: "11111111-1111-4111-8111-111111111111",
        name: "payments",
        services: 4,
        routes: 10,
        consumers: 2,
        plugins: { free: { "rate-limiting": 2 }, enterprise: { "rate-limiting-advanced": 2 }, custom: {} },
        discrete_services: 3,
      },
      {
        id: "33333333-3333-4333-8333-333333333333",
        name: XSS_NAME,
        services: 0,
        routes: 0,
        consumers: 0,
        plugins: { free: {}, enterprise: {}, custom: { [XSS_NAME]: 1 } },
        discrete_services: 0,
      },
    ],
    discrete_services: {
      count: 8,
      rules: [{ find: "dev|stage|qa", replace_with: "prod" }],
      list: [
        "grpc://grpcbin:9000null",
        "http://api.prod.example.com:80/v1",
        "http://httpbin.org:80/anything",
        'https://evil.example.com:443/"q"<x>',
        "http://a:80/",
        "http://b:80/",
        "http://c:80/",
        "http://d:80/",
      ],
    },
    entity_counters: {
      rows: [
        { entity_type: "services", counter_table: 11, live: 12, drift: -1 },
        { entity_type: "routes", counter_table: 30, live: 30, drift: 0 },
        { entity_type: "consumers", counter_table: 7, live: 7, drift: 0 },
        { entity_type: "plugins", counter_table: 18, live: 18, drift: 0 },
        { entity_type: "rbac_users", counter_table: 2, live: 2, drift: 0 },
      ],
      drifted: ["services"],
      workspaces: [
        {
          workspace_id: "11111111-1111-4111-8111-111111111111",
          workspace: "payments",
          entity_type: "services",
          counter_table: 3,
          live: 4,
        },
      ],
      workspaces_drifted: 1,
    },
  };
  return { report, details };
}

/**
 * The same deployment a month later: a workspace added, payments removed, plugins added and
 * removed, one plugin count changed, the April bucket new and the oldest month gone.
 */
export function sampleApril(): CollectedReport {
  const march = sampleMarch();
  const buckets = (march.report.counters?.buckets ?? []).filter((b) => b.bucket !== "2024-04");
  const unknownIndex = buckets.findIndex((b) => b.bucket === "UNKNOWN");
  buckets.splice(unknownIndex, 0, { bucket: "2025-04", request_count: 601_000 });
  const { checksum: _old, ...unsigned } = march.report;
  const report = signReport({
    ...unsigned,
    timestamp: 1746057600, // 2025-05-01 00:00 UTC
    counters: { total_requests: 0, buckets },
    workspaces_count: 3,
    services_count: 15,
    routes_count: 34,
    consumers_count: 9,
    plugins_count: {
      tiers: {
        free: { "rate-limiting": 7, "key-auth": 4 },
        enterprise: { "openid-connect": 3, "rate-limiting-advanced": 2, canary: 1 },
        custom: { [XSS_NAME]: 1 },
      },
      unique_route_lambdas: 2,
      unique_route_kafkas: 0,
    },
    collector: { ...COLLECTOR, as_of: "2025-04" },
  });
  fixTotal(report);
  const details: ReportDetails = {
    ...march.details,
    generated_at: "2025-05-01T00:00:00.000Z",
    checksum: report.checksum,
    workspaces: [
      {
        ...(march.details.workspaces?.[0] as NonNullable<ReportDetails["workspaces"]>[number]),
        services: 10,
      },
      {
        id: "55555555-5555-4555-8555-555555555555",
        name: "search",
        services: 5,
        routes: 14,
        consumers: 4,
        plugins: { free: { "rate-limiting": 3 }, enterprise: { canary: 1 }, custom: {} },
        discrete_services: 5,
      },
      march.details.workspaces?.[2] as NonNullable<ReportDetails["workspaces"]>[number],
    ],
    discrete_services: { count: 11, rules: [{ find: "dev|stage|qa", replace_with: "prod" }] },
  };
  return { report, details };
}

/** Sets total_requests to the sum of the buckets and re-signs. */
function fixTotal(report: LicenseReport): void {
  if (report.counters === undefined) return;
  report.counters.total_requests = report.counters.buckets.reduce((sum, b) => sum + b.request_count, 0);
  const { checksum: _old, ...unsigned } = report;
  report.checksum = computeChecksum(unsigned as unknown as Record<string, unknown>);
}
