// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the environments file's own syntax, not a forgotten template.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openEnvironmentPort } from "#lib/compose/open-source.ts";
import { buildEstate } from "#lib/estate/build-estate.ts";
import {
  collectEstate,
  type EnvironmentProgress,
  type OpenEnvironmentPort,
} from "#lib/estate/collect-estate.ts";
import { parseEnvironmentsFile } from "#lib/estate/environments-file.ts";
import { verifyEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { formatYearMonth, monthIn } from "#lib/report/reporting-month.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { SqlPort } from "#lib/sql/port.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { reportOf } from "../helpers/estate-entries.ts";
import {
  DATASETS,
  describeTargets,
  fixtureFile,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

const KLCR_DEMO = fixtureFile("test/fixtures/datasets/details-klcr-demo.sql");
const NOW = new Date("2026-01-20T10:00:00Z");

describeTargets("an estate of real Kong databases (%s)", (target) => {
  let db: TestDatabase;
  let endpoint: DataApiServer;
  let estate: EstateDocument;
  const fixtures = new Map<string, SqlPort>();
  const progress: string[] = [];

  beforeAll(async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
    db = await openTestDatabase(target);
    const prod = await db.createFixture(SCHEMAS.ee313, KLCR_DEMO);
    const stage = await db.createFixture(SCHEMAS.ee313, KLCR_DEMO);
    const oss = await db.createFixture(SCHEMAS.oss35, DATASETS.oss35Basic);
    const core = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39, DATASETS.countersWindow);
    for (const port of [prod, stage, oss]) fixtures.set(port.schema, port);
    // "core" is read through the real local Data API endpoint and the real SDK client.
    endpoint = await startTestEndpoint(db, core.schema);
    const url = db.target === "postgres" ? db.connectionString : "postgres://kong@pglite.invalid/kong";
    const down = await closedPort();
    const file = JSON.stringify({
      environments: [
        { environment: "prod-eu", database_url: url, schema: prod.schema, admin_token: "klcr-only" },
        { environment: "stage-eu", database_url: url, schema: stage.schema, kong_version: "3.13.0.1" },
        { environment: "oss", database_url: url, schema: oss.schema },
        {
          environment: "core",
          data_api: {
            resource_arn: RESOURCE_ARN,
            secret_arn: SECRET_ARN,
            database: databaseNameOf(db),
            endpoint: endpoint.url,
          },
        },
        {
          environment: "down",
          database_url: `postgres://kong:\${ESTATE_SECRET_DOWN}@127.0.0.1:${down}/kong`,
        },
      ],
      discrete: [{ find: "^http://(booking|payment):500[12]null$", replace_with: "http://user:5000null" }],
    });
    const config = parseEnvironmentsFile(file, {
      fileName: "envs.json",
      references: { kind: "environment", env: { ESTATE_SECRET_DOWN: "s3cret-pass" } },
    });
    // PGlite has no URL: its fixtures are handed over by schema; everything else opens for real.
    const openPort: OpenEnvironmentPort = async (source) => {
      if (db.target === "pglite" && source.kind === "postgres" && source.schema !== undefined) {
        const port = fixtures.get(source.schema);
        if (port !== undefined) {
          return {
            query: port.query.bind(port),
            runReadOnly: port.runReadOnly.bind(port),
            close: async () => undefined,
          };
        }
      }
      return openEnvironmentPort(source);
    };
    const outcomes = await collectEstate(config, {
      openPort,
      asOf: "2026-01",
      now: NOW,
      concurrency: 2,
      onProgress: (event) => progress.push(`${event.environment}:${event.status}`),
    });
    estate = buildEstate(outcomes, {
      asOf: "2026-01",
      generatedAt: NOW,
      discreteRules: config.discrete,
    });
    // PGlite plus four fixture schemas: slow on a busy 2-core runner.
  }, 240_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await endpoint?.close();
    await db?.close();
  });

  it("lists every environment in the file's order, the unreachable one failed without its password", () => {
    expect(estate.environments.map((entry) => [entry.environment, entry.status, entry.source])).toEqual([
      ["prod-eu", "ok", "database_url"],
      ["stage-eu", "ok", "database_url"],
      ["oss", "ok", "database_url"],
      ["core", "ok", "data_api"],
      ["down", "failed", "database_url"],
    ]);
    const down = estate.environments[4];
    expect(down?.status === "failed" && down.error).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(estate)).not.toContain("s3cret-pass");
    expect(progress.sort()).toEqual(["core:ok", "down:failed", "oss:ok", "prod-eu:ok", "stage-eu:ok"]);
  });

  it("warns of no shared database: four schemas of one database are four Kong installs", () => {
    expect(estate.warnings).toBeUndefined();
  });

  it("keeps each report verifiable on its own and the estate under its own digest", () => {
    for (const entry of estate.environments) {
      if ("report" in entry) expect(verifyReport({ ...entry.report }).valid).toBe(true);
    }
    expect(verifyEstateDigest({ ...estate }).valid).toBe(true);
    const edited = structuredClone(estate);
    edited.totals.services_count += 1;
    expect(verifyEstateDigest({ ...edited }).valid).toBe(false);
  });

  it("sums the reported environments as computed by hand from the fixtures", () => {
    // prod-eu, stage-eu: KLCR demo (20 services, 35 routes, 5 consumers, 5 workspaces, 0 RBAC users);
    // oss: 3 / 8 / 2 / 1, no rbac_users, no counters; core: T2 (1 / 4 / 2 / 1, 0 RBAC users) + counters.
    const { totals } = estate;
    expect(totals.environments).toBe(5);
    expect(totals.environments_reported).toBe(4);
    expect(totals.services_count).toBe(20 + 20 + 3 + 1);
    expect(totals.routes_count).toBe(35 + 35 + 8 + 4);
    expect(totals.consumers_count).toBe(5 + 5 + 2 + 2);
    expect(totals.workspaces_count).toBe(5 + 5 + 1 + 1);
    expect(totals.rbac_users).toBe(0);
    expect(totals.plugins_count.tiers).toEqual({
      free: {
        acl: 4,
        "aws-lambda": 1 + 4,
        cors: 2,
        "http-log": 4,
        jwt: 4,
        "key-auth": 6,
        oauth2: 2,
        opentelemetry: 4,
        prometheus: 2,
        "proxy-cache": 4,
        "rate-limiting": 6,
        "request-transformer": 2,
      },
      enterprise: {
        "application-registration": 2,
        canary: 2,
        degraphql: 2,
        jq: 2,
        "kafka-upstream": 4,
        "openid-connect": 4,
        "response-transformer-advanced": 2,
      },
      custom: {},
    });
    // license_data of core for the window 2025-02..2026-01: 2025-03 = 2 + 3, 2026-01 = 1, UNKNOWN 50.
    expect(totals.counters).toEqual({
      total_requests: 56,
      buckets: [
        { bucket: "2025-03", request_count: 5 },
        { bucket: "2026-01", request_count: 1 },
        { bucket: "UNKNOWN", request_count: 50 },
      ],
    });
  });

  it("counts discrete services once across environments, after the rules", () => {
    // KLCR demo: 18 keys in both prod-eu and stage-eu; oss: user/booking/payment merged into one by the
    // rule; core: http://mock-upstream:15555null. 18 + 1 + 1.
    expect(estate.totals.discrete_services).toBe(20);
    expect(estate.discrete_services).toHaveLength(20);
    const byKey = new Map(estate.discrete_services.map((item) => [item.key, item.environments]));
    expect(byKey.get("http://httpbin.se-kong-mesh.svc:80/anything")).toEqual(["prod-eu", "stage-eu"]);
    expect(byKey.get("http://user:5000null")).toEqual(["oss"]);
    expect(byKey.get("http://mock-upstream:15555null")).toEqual(["core"]);
    expect(byKey.has("http://booking:5001null")).toBe(false);
    const perEnvironment = estate.environments.map((entry) =>
      entry.status === "ok" ? entry.discrete_services : null,
    );
    expect(perEnvironment).toEqual([18, 18, 1, 1, null]);
  });

  it("carries the node facts of the file into that environment's report only", () => {
    const stage = estate.environments[1];
    const prod = estate.environments[0];
    expect(reportOf(stage)?.kong_version).toBe("3.13.0.1");
    expect(reportOf(prod)?.kong_version).toBe("3.13.x");
  });
});

describe("collectEstate: defaults and errors nobody expected", () => {
  it("collects the current month in UTC, with the file's order, when no month, zone or concurrency is given", async () => {
    // Prepare: the embedded demo database (lib/demo/seed.sql documents its values).
    const config = parseEnvironmentsFile(
      JSON.stringify({ environments: [{ environment: "demo", demo: true }] }),
      { fileName: "envs.json", references: { kind: "environment", env: {} } },
    );
    const before = formatYearMonth(monthIn(new Date(), "UTC"));

    // Act
    const [outcome] = await collectEstate(config, { openPort: openEnvironmentPort });

    // Assess
    const after = formatYearMonth(monthIn(new Date(), "UTC"));
    expect(outcome?.status).toBe("ok");
    if (outcome?.status !== "ok" || !("report" in outcome)) return;
    expect(outcome.source).toBe("demo");
    expect([before, after]).toContain(outcome.report.collector?.as_of);
    expect(outcome.report.collector?.time_zone).toBe("UTC");
    expect([outcome.report.services_count, outcome.report.routes_count]).toEqual([21, 40]);
    expect(outcome.discreteServices).toHaveLength(16);
    // Details are kept only when asked for.
    expect(outcome.details).toBeUndefined();
    // PGlite loading the demo database: slow on a busy 2-core runner.
  }, 120_000);

  it("fails only the environment whose port fails unexpectedly, naming the error without the file's secrets", async () => {
    // Prepare: a driver that crashes with the password in its message, and one that throws a bare value.
    const config = parseEnvironmentsFile(
      JSON.stringify({
        environments: [
          {
            environment: "crashes",
            database_url: "postgres://kong:${ESTATE_SECRET_DB}@db.internal:5432/kong",
          },
          { environment: "throws", database_url: "postgres://kong@db2.internal:5432/kong" },
        ],
      }),
      {
        fileName: "envs.json",
        references: { kind: "environment", env: { ESTATE_SECRET_DB: "hunter2-Secret" } },
      },
    );
    const openPort: OpenEnvironmentPort = async (source) => {
      if (source.kind === "postgres" && source.url.includes("db2.internal")) throw "socket closed";
      throw new TypeError("driver crashed for kong:hunter2-Secret at db.internal");
    };
    const progress: EnvironmentProgress[] = [];

    // Act
    const outcomes = await collectEstate(config, {
      openPort,
      asOf: "2026-01",
      concurrency: 1,
      onProgress: (event) => progress.push(event),
    });

    // Assess
    expect(outcomes).toEqual([
      {
        environment: "crashes",
        status: "failed",
        source: "database_url",
        error: "unexpected error: driver crashed for kong:*** at db.internal",
      },
      {
        environment: "throws",
        status: "failed",
        source: "database_url",
        error: "unexpected error: socket closed",
      },
    ]);
    expect(progress.map((event) => [event.environment, event.status, event.error])).toEqual([
      ["crashes", "failed", "unexpected error: driver crashed for kong:*** at db.internal"],
      ["throws", "failed", "unexpected error: socket closed"],
    ]);
  });
});
