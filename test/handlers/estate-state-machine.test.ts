import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { createLogger } from "#lib/log.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { EstateLink } from "#lib/use-cases/store-estate.ts";
import { createEstateAggregateHandler } from "../../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../../handlers/estate-collect.ts";
import { executeLocally, FUNCTION_ARNS, type LambdaHandler } from "../../local/step-functions.ts";
import { type EstateFixture, REPORT_BUCKET, startEstateFixture } from "../helpers/estate-fixture.ts";
import { testTargets } from "../helpers/kong-db.ts";
import { fetchTar } from "../helpers/untar.ts";

// The ASL file executed by aws-local-stepfunctions (Map, Retry, Catch as Step Functions runs them), with
// the real middy-wrapped estate handlers as the task resolvers, over three environments reached through
// the local Data API endpoint (PGlite, or PostgreSQL with KONG_TEST_DATABASE_URL) and the SigV4-checking
// local S3. One environment is not a Kong database: its item is caught, the other two make the estate.

const BUCKET = REPORT_BUCKET;

describe.each(testTargets())("Estate state machine, run locally on %s", (target) => {
  let fixture: EstateFixture;
  let functions: Record<string, LambdaHandler>;

  beforeAll(async () => {
    fixture = await startEstateFixture(target, ["demo", "t2", "notKong"]);
    await fixture.writeEnvironments({
      environments: [
        { environment: "prod-eu", data_api: fixture.dataApi("demo"), kong_version: "3.13.0.0" },
        { environment: "legacy", data_api: fixture.dataApi("notKong") },
        { environment: "staging", data_api: fixture.dataApi("t2") },
      ],
      discrete: [],
    });
    const logger = createLogger({ write: () => undefined });
    const { env } = fixture;
    functions = {
      [FUNCTION_ARNS.EstateCollectFunctionArn]: createEstateCollectHandler({ env, logger })
        .handler as LambdaHandler,
      [FUNCTION_ARNS.EstateAggregateFunctionArn]: createEstateAggregateHandler({ env, logger })
        .handler as LambdaHandler,
    };
    // One PGlite (or PostgreSQL) database loading three Kong fixtures: slow on a busy 2-core runner.
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
  });

  const execute = async (input: unknown, fault?: (payload: unknown) => string | undefined) => {
    const { output, events } = await executeLocally(functions, input, fault === undefined ? {} : { fault });
    return { output: output as EstateLink, events };
  };

  it("maps the collector over three environments; Catch keeps the two good ones and the tar verifies", async () => {
    // Act
    const { output, events } = await execute({ format: "tar" });

    // Assess: the link document names the failure, with the collector's message and no trace.
    expect(output).toMatchObject({
      bucket: BUCKET,
      format: "tar",
      environments: 3,
      environments_reported: 2,
    });
    expect(output.failed).toEqual([
      {
        environment: "legacy",
        error: expect.stringMatching(/^No Kong schema in this database \(schema "[^"]+" has no schema_meta/),
      },
    ]);
    expect(output.failed[0]?.error).not.toMatch(/\n|\bat .*\.ts:\d+/);
    expect(output.key).toMatch(
      /^license-reports\/estate\/\d{4}\/\d{2}\/[0-9a-f]{12}\/estate-\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_(AM|PM)-[0-9a-f]{12}\.tar$/,
    );

    // The Catch, not luck: the legacy item failed in CollectEnvironment and was caught into RecordFailure.
    const caught = events.filter((event) => event.type === "StateCaught");
    expect(caught.map((event) => event.state?.name)).toEqual(["CollectEnvironment"]);
    const recorded = events.filter(
      (event) => event.type === "StateExited" && event.state?.name === "RecordFailure",
    );
    expect(recorded).toHaveLength(1);
    expect(events.filter((event) => event.type === "MapIterationSucceeded")).toHaveLength(3);

    // Each good environment's report was stored on its own under the run's folder.
    const runFolder = output.key.slice(0, output.key.lastIndexOf("/") + 1);
    const keys = await fixture.s3.listKeys(BUCKET);
    expect(keys.filter((key) => key.startsWith(runFolder)).sort()).toEqual(
      [
        output.key,
        `${runFolder}environments/prod-eu.json`,
        `${runFolder}environments/staging.json`,
        // The plan's items (the Distributed Map's ItemReader would read them; the inline Map did not).
        `${runFolder}plan/environments.json`,
      ].sort(),
    );

    // The tar: estate.json verifies, each environment's response.json verifies on its own.
    const files = await fetchTar(output.url);
    expect([...files.keys()]).toEqual([
      "estate.json",
      "environments/prod-eu/response.json",
      "environments/staging/response.json",
      "summary.html",
      "estate.csv",
      "manifest.json",
    ]);
    const estate = JSON.parse(files.get("estate.json")?.toString("utf8") ?? "") as EstateDocument;
    expect(verifyEstateDigest(estate as never).valid).toBe(true);
    expect(estate.digest).toBe(output.digest);
    for (const name of ["prod-eu", "staging"]) {
      const report = JSON.parse(files.get(`environments/${name}/response.json`)?.toString("utf8") ?? "");
      expect(verifyReport(report).valid, name).toBe(true);
    }
    expect(estate.environments.map((entry) => [entry.environment, entry.status])).toEqual([
      ["prod-eu", "ok"],
      ["legacy", "failed"],
      ["staging", "ok"],
    ]);
    // Totals from the fixtures' documented values: demo (lib/demo/seed.sql) + T2 (t2-kong-39.sql).
    expect(estate.totals).toMatchObject({
      environments: 3,
      environments_reported: 2,
      services_count: 21 + 1,
      routes_count: 40 + 4,
      consumers_count: 15 + 2,
      workspaces_count: 5 + 1,
      rbac_users: 6 + 0,
      discrete_services: 16 + 1,
    });
    expect(estate.totals.plugins_count.tiers.free["aws-lambda"]).toBe(10 + 4);
    expect(estate.totals.plugins_count.tiers.enterprise["kafka-upstream"]).toBe(6 + 4);
    expect(files.get("summary.html")?.toString("utf8")).toContain("legacy");
  });

  it("retries a Lambda service error on an item and still collects it", async () => {
    // Prepare: the first invocation for "staging" meets a throttled Lambda service.
    let throttled = 0;
    const fault = (payload: unknown) => {
      const environment = (payload as { environment?: string }).environment;
      if (environment !== "staging" || throttled > 0) return undefined;
      throttled += 1;
      return "Lambda.TooManyRequestsException";
    };

    // Act
    const { output, events } = await execute({ format: "json" }, fault);

    // Assess
    expect(throttled).toBe(1);
    const retried = events.filter((event) => event.type === "StateRetried");
    expect(retried).toHaveLength(1);
    expect(output).toMatchObject({ format: "json", environments: 3, environments_reported: 2 });
    const estate = (await (await fetch(output.url)).json()) as EstateDocument;
    expect(estate.environments.find((entry) => entry.environment === "staging")?.status).toBe("ok");
  });

  it("fails the execution at PlanEstate on a bad input, before any environment is collected", async () => {
    // Prepare
    const before = await fixture.s3.listKeys(BUCKET);

    // Act
    const failure = await execute({ format: "zip" }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );

    // Assess
    expect(failure?.message).toMatch(/format/);
    expect(failure?.message).toMatch(/json or tar/);
    expect(failure?.message).not.toMatch(/\bat .*\.ts:\d+/);
    expect(await fixture.s3.listKeys(BUCKET)).toEqual(before);
  });
});
