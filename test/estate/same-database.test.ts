import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openEnvironmentPort } from "#lib/compose/open-source.ts";
import { buildEstate } from "#lib/estate/build-estate.ts";
import { collectEstate } from "#lib/estate/collect-estate.ts";
import { readDatabaseIdentity } from "#lib/estate/database-identity.ts";
import { parseEnvironmentsFile } from "#lib/estate/environments-file.ts";
import { findSameDatabases } from "#lib/estate/same-database.ts";
import type { EnvironmentOutcome, EstateDocument } from "#lib/estate/types.ts";
import { lendTransaction } from "#lib/sql/port.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import {
  DATASETS,
  describeTargets,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

// Issue 24 finding 6: one database listed under two names is counted twice. The estate warns, naming
// both environments and how it knows: the PostgreSQL system identifier with the database and the
// schema holding Kong's tables (pg_control_system(), EXECUTE is PUBLIC's), the Data API cluster and
// database, Kong's node id, or the Konnect control plane id.

function ok(environment: string, keys: Array<[string, string]>): EnvironmentOutcome {
  return {
    environment,
    status: "ok",
    source: "konnect",
    konnect: {
      api: "https://us.api.konghq.com/v2",
      control_planes: [],
      gateway_services: 0,
      discrete_services: 0,
      data_plane_nodes: 0,
      warnings: [],
    },
    discreteServices: [],
    identity: { keys: keys.map(([key, says]) => ({ key, says })) },
  };
}

describe("findSameDatabases", () => {
  it("groups the environments sharing a key, once per group with every reason, and ignores failed ones", () => {
    const warnings = findSameDatabases([
      ok("a", [
        ["k1", "reason one"],
        ["k2", "reason two"],
      ]),
      ok("b", [
        ["k1", "reason one"],
        ["k2", "reason two"],
      ]),
      ok("c", [["k3", "reason three"]]),
      ok("d", [["k3", "reason three"]]),
      ok("e", [["k3", "reason three"]]),
      ok("f", [["k4", "alone"]]),
      { environment: "g", status: "failed", error: "down" },
      { ...ok("h", []), identity: undefined } as unknown as EnvironmentOutcome,
    ]);
    expect(warnings).toEqual([
      {
        kind: "same-database",
        environments: ["a", "b"],
        message:
          '"a", "b" are the same Kong data under 2 names (reason one; reason two): every total counts it 2 times. Keep one entry for it.',
      },
      {
        kind: "same-database",
        environments: ["c", "d", "e"],
        message:
          '"c", "d", "e" are the same Kong data under 3 names (reason three): every total counts it 3 times. Keep one entry for it.',
      },
    ]);
  });

  it("knows the demo database without asking it, and keeps the configured keys when the query fails", async () => {
    const unused = lendTransaction(async () => []);
    expect(await readDatabaseIdentity(unused, { kind: "demo" })).toEqual({
      keys: [{ key: "demo", says: "the embedded demo database" }],
    });
    const failing = lendTransaction(async () => {
      throw new Error("function pg_control_system() does not exist");
    });
    const source = {
      kind: "data-api",
      resourceArn: RESOURCE_ARN,
      secretArn: SECRET_ARN,
      database: "kong",
      settings: "environments-file",
    } as const;
    expect(await readDatabaseIdentity(failing, source)).toEqual({
      keys: [
        {
          key: `data-api ${RESOURCE_ARN} kong`,
          says: `the same Data API cluster ${RESOURCE_ARN} and database kong`,
        },
      ],
    });
    expect(
      await readDatabaseIdentity(failing, {
        kind: "postgres",
        url: "postgres://h/k",
        settings: "environments-file",
      }),
    ).toEqual({
      keys: [],
    });
  });
});

describeTargets("The estate warns when two environments are one database (%s)", (target) => {
  let db: TestDatabase;
  const endpoints: DataApiServer[] = [];
  let estate: EstateDocument;
  let systemIdentifier: string;
  let schema: string;

  beforeAll(async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
    db = await openTestDatabase(target);
    const kong = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);
    const other = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);
    schema = kong.schema;
    // The database's own identifier, read straight from it, for the expected message.
    const [row] = await kong.query("SELECT system_identifier::text AS id FROM pg_control_system()");
    systemIdentifier = row?.id as string;
    // Two endpoints (two addresses) on one schema, and one on another schema of the same database.
    endpoints.push(
      await startTestEndpoint(db, kong.schema),
      await startTestEndpoint(db, kong.schema),
      await startTestEndpoint(db, other.schema),
    );
    const dataApi = (endpoint: string | undefined) => ({
      resource_arn: RESOURCE_ARN,
      secret_arn: SECRET_ARN,
      database: databaseNameOf(db),
      endpoint,
    });
    const config = parseEnvironmentsFile(
      JSON.stringify({
        environments: [
          { environment: "prod", data_api: dataApi(endpoints[0]?.url) },
          { environment: "prod-again", data_api: dataApi(endpoints[1]?.url) },
          { environment: "other-schema", data_api: dataApi(endpoints[2]?.url) },
        ],
      }),
      { fileName: "envs.json", references: { kind: "environment", env: {} } },
    );
    const outcomes = await collectEstate(config, { openPort: openEnvironmentPort, asOf: "2026-01" });
    estate = buildEstate(outcomes, { asOf: "2026-01", generatedAt: "2026-01-31T00:00:00.000Z" });
  }, 240_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await db?.close();
  });

  it("names both environments and says how it knows; another schema of the same database is other Kong data", () => {
    expect(systemIdentifier).toMatch(/^\d+$/);
    const database = databaseNameOf(db);
    expect(estate.warnings).toEqual([
      {
        kind: "same-database",
        environments: ["prod", "prod-again"],
        message: `"prod", "prod-again" are the same Kong data under 2 names (the same PostgreSQL system identifier ${systemIdentifier}, database ${database} and schema ${schema}): every total counts it 2 times. Keep one entry for it.`,
      },
    ]);
  });
});
