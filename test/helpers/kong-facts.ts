import type { SchemaFacts } from "#lib/report/probe-schema.ts";
import type { KongFacts } from "#lib/report/read-kong-facts.ts";

/**
 * Hand-built inputs for `buildReport` tests, which need no database: a schema where every optional
 * table and column exists (so no schema warning blurs what a test looks at) and the facts of an
 * empty Kong database (no licence, no data plane, every count zero, one workspace).
 */
export function fullSchema(serverVersionNum: number): SchemaFacts {
  return { serverVersionNum, schemaName: "public", hasTable: () => true, hasColumn: () => true };
}

export function emptyKongFacts(overrides: Partial<KongFacts> = {}): KongFacts {
  return {
    schemaMeta: [],
    licenseCandidates: [],
    encryptedLicenses: 0,
    buckets: [],
    llmHours: undefined,
    workspaces: "1",
    rbacUsers: "0",
    services: "0",
    routes: "0",
    consumers: "0",
    plugins: [],
    uniqueRouteLambdas: "0",
    uniqueRouteKafkaFamily: "0",
    routeKafkaBrokers: [],
    liveDataPlanes: undefined,
    dataPlaneVersions: [],
    ...overrides,
  };
}
