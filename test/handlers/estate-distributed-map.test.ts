import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { createLogger } from "#lib/log.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { EstateStepLink } from "#lib/use-cases/aggregate-estate.ts";
import { createEstateAggregateHandler } from "../../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../../handlers/estate-collect.ts";
import {
  lambdaContext as contextOf,
  type EventLog,
  executeLocally,
  FUNCTION_ARNS,
  type LambdaHandler,
  lambdaInvokeResolver,
  readDefinition,
  runDistributedMap,
} from "../../local/step-functions.ts";
import { type EstateFixture, REPORT_BUCKET, startEstateFixture } from "../helpers/estate-fixture.ts";
import { testTargets } from "../helpers/kong-db.ts";
import { fetchTar } from "../helpers/untar.ts";

// The estate past the inline Map (ESTATE_INLINE_MAP_MAX=2, six environments): the ASL file's
// Distributed Map branch. aws-local-stepfunctions has no Distributed Map, so local/step-functions.ts
// does what the service does around it (ItemReader from the local S3, one child execution per item,
// MaxConcurrency, ToleratedFailurePercentage, ResultWriter's files) while every child execution is the
// state's own ItemProcessor run by aws-local-stepfunctions, its Lambda task the real collect handler
// over the local Data API endpoints. PlanEstate and BuildEstateFromResults are the real aggregate handler.

const ENVIRONMENTS = ["prod-eu", "staging", "legacy", "prod-us", "qa", "prod-ap"] as const;
const lambdaContext = () => contextOf(FUNCTION_ARNS.EstateAggregateFunctionArn, 300_000);

/** The largest input or output of any state, top-level or in a child execution (bytes of its JSON). */
function largestPayload(events: readonly EventLog[]): { state: string; bytes: number } {
  let largest = { state: "", bytes: 0 };
  for (const event of events) {
    for (const value of [event.state?.input, event.state?.output]) {
      if (value === undefined) continue;
      const bytes = Buffer.byteLength(JSON.stringify(value));
      if (bytes > largest.bytes) largest = { state: event.state?.name ?? "", bytes };
    }
  }
  return largest;
}

describe.each(testTargets())("Estate state machine past the inline Map, run locally on %s", (target) => {
  let fixture: EstateFixture;
  let functions: Record<string, LambdaHandler>;

  beforeAll(async () => {
    fixture = await startEstateFixture(target, ["demo", "t2", "notKong"]);
    const source = {
      "prod-eu": "demo",
      staging: "t2",
      legacy: "notKong",
      "prod-us": "demo",
      qa: "t2",
      "prod-ap": "demo",
    } as const;
    await fixture.writeEnvironments({
      environments: ENVIRONMENTS.map((name) => ({
        environment: name,
        data_api: fixture.dataApi(source[name]),
      })),
      discrete: [],
    });
    const logger = createLogger({ write: () => undefined });
    const env = { ...fixture.env, ESTATE_INLINE_MAP_MAX: "2" };
    functions = {
      [FUNCTION_ARNS.EstateCollectFunctionArn]: createEstateCollectHandler({ env, logger })
        .handler as LambdaHandler,
      [FUNCTION_ARNS.EstateAggregateFunctionArn]: createEstateAggregateHandler({ env, logger })
        .handler as LambdaHandler,
    };
  }, 240_000);

  afterAll(async () => {
    await fixture?.close();
  });

  it("reads the items from S3, writes the results to S3, and builds the estate from them", async () => {
    // Act
    const { output, events, mapRuns } = await executeLocally(
      functions,
      { format: "tar" },
      { s3: fixture.s3.client() },
    );
    const link = output as EstateStepLink;

    // Assess: the Choice took the Distributed Map, whose six child executions all succeeded (the
    // non-Kong database is a caught failure inside its child, as in the inline Map).
    const entered = events.filter((event) => event.type === "StateEntered").map((event) => event.state?.name);
    expect(entered).toContain("CollectManyEnvironments");
    expect(entered).not.toContain("CollectEnvironments");
    expect(entered).toContain("BuildEstateFromResults");
    expect(mapRuns).toHaveLength(1);
    expect(mapRuns[0]).toMatchObject({ items: 6, succeeded: 6, failed: 0 });
    expect(events.filter((event) => event.type === "StateCaught").map((event) => event.state?.name)).toEqual([
      "CollectOneEnvironment",
    ]);

    // Only keys travelled: the plan's items, the results' manifest, each environment's stored report.
    const runFolder = link.key.slice(0, link.key.lastIndexOf("/") + 1);
    const keys = (await fixture.s3.listKeys(REPORT_BUCKET)).filter((key) => key.startsWith(runFolder));
    const manifest = mapRuns[0]?.output.ResultWriterDetails.Key ?? "";
    expect(manifest.startsWith(`${runFolder}map-results/`)).toBe(true);
    expect(keys.sort()).toEqual(
      [
        link.key,
        `${runFolder}plan/environments.json`,
        manifest,
        manifest.replace("manifest.json", "SUCCEEDED_0.json"),
        ...ENVIRONMENTS.filter((name) => name !== "legacy").map(
          (name) => `${runFolder}environments/${name}.json`,
        ),
      ].sort(),
    );
    expect(largestPayload(events).bytes).toBeLessThan(8 * 1024);

    // The estate: the file's order, five reports that verify, the caught one failed with its message.
    expect(link).toMatchObject({ environments: 6, environments_reported: 5 });
    expect(link.failed).toEqual([
      { environment: "legacy", error: expect.stringMatching(/^No Kong schema in this database/) },
    ]);
    const files = await fetchTar(link.url);
    const estate = JSON.parse(files.get("estate.json")?.toString("utf8") ?? "") as EstateDocument;
    expect(verifyEstateDigest(estate as never).valid).toBe(true);
    expect(estate.environments.map((entry) => [entry.environment, entry.status])).toEqual(
      ENVIRONMENTS.map((name) => [name, name === "legacy" ? "failed" : "ok"]),
    );
    for (const name of ENVIRONMENTS.filter((entry) => entry !== "legacy")) {
      const report = JSON.parse(files.get(`environments/${name}/response.json`)?.toString("utf8") ?? "");
      expect(verifyReport(report).valid, name).toBe(true);
    }
    // Three demo deployments (lib/demo/seed.sql) and two of Kong's T2 data set (t2-kong-39.sql).
    expect(estate.totals).toMatchObject({
      environments: 6,
      environments_reported: 5,
      services_count: 3 * 21 + 2 * 1,
      routes_count: 3 * 40 + 2 * 4,
      consumers_count: 3 * 15 + 2 * 2,
    });
  });

  it("lists the child executions that failed despite the Catch, and fails the Map past the tolerated share", async () => {
    // Prepare: the deployed item processor without its Catch, and a collector function that cannot be
    // run for two of the six items: with the non-Kong database, three child executions fail (50 %).
    const deployed = (readDefinition() as { States: Record<string, Record<string, unknown>> }).States
      .CollectManyEnvironments as Record<string, unknown>;
    const state = structuredClone(deployed) as Record<string, unknown> & {
      ItemProcessor: { States: Record<string, Record<string, unknown>> };
    };
    delete state.ItemProcessor.States.CollectOneEnvironment?.Catch;
    const aggregate = functions[FUNCTION_ARNS.EstateAggregateFunctionArn] as LambdaHandler;
    const invoke = lambdaInvokeResolver(functions, {
      fault: (payload) =>
        ["qa", "prod-ap"].includes((payload as { environment: string }).environment)
          ? "Lambda.ResourceNotFoundException"
          : undefined,
    });
    const plan = (await aggregate(
      { step: "plan", request: { format: "json" } } as never,
      lambdaContext() as never,
    )) as {
      run: unknown;
    };

    // Act: once with the deployed 10 % tolerated, once with half tolerated.
    const beyond = await runDistributedMap(state, plan, { invoke, s3: fixture.s3.client() }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    const within = await runDistributedMap({ ...state, ToleratedFailurePercentage: 50 }, plan, {
      invoke,
      s3: fixture.s3.client(),
    });
    const link = (await aggregate(
      { step: "aggregate", run: plan.run, results: within.output.ResultWriterDetails } as never,
      lambdaContext() as never,
    )) as EstateStepLink;

    // Assess
    expect(deployed.ToleratedFailurePercentage).toBe(10);
    expect(beyond?.name).toBe("States.ExceedToleratedFailureThreshold");
    expect(beyond?.message).toBe("3 of 6 child executions failed, more than 10 %");
    expect(within).toMatchObject({ items: 6, succeeded: 3, failed: 3 });
    expect(link).toMatchObject({ environments: 6, environments_reported: 3 });
    expect(link.failed).toEqual([
      { environment: "legacy", error: expect.stringMatching(/^No Kong schema in this database/) },
      {
        environment: "qa",
        error: "the collector function could not be run (Lambda.ResourceNotFoundException)",
      },
      {
        environment: "prod-ap",
        error: "the collector function could not be run (Lambda.ResourceNotFoundException)",
      },
    ]);
  });
});
