import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { openEnvironmentPort } from "#lib/compose/open-source.ts";
import { BadParameterError, type ReportError } from "#lib/errors.ts";
import { verifyEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateConfig, EstateDocument } from "#lib/estate/types.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import {
  aggregateEstate,
  type CaughtEnvironment,
  describeStepFailure,
} from "#lib/use-cases/aggregate-estate.ts";
import {
  collectStoredEnvironment,
  type StoredEnvironment,
} from "#lib/use-cases/collect-stored-environment.ts";
import { parseConfiguredEnvironments, readEstateRequest } from "#lib/use-cases/estate-inputs.ts";
import { type EstateRun, environmentKey } from "#lib/use-cases/estate-run.ts";
import { planEstate } from "#lib/use-cases/plan-estate.ts";
import { runEstateInProcess } from "#lib/use-cases/run-estate-in-process.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";

// The estate state machine's steps called as plain functions, as the estate Lambdas call them: the
// embedded demo database (PGlite, lib/demo/seed.sql) and an unreachable PostgreSQL as the environments,
// the SigV4-checking local S3 as the report store. The Step Functions wiring itself is
// test/handlers/estate-state-machine.test.ts.

const BUCKET = "reports";
const PREFIX = "license-reports/";
const NOW = new Date("2026-01-20T10:00:00Z");
const RUN_ID = "0123456789ab";
const RUN_PREFIX = `${PREFIX}estate/2026/01/${RUN_ID}/`;

/** A run as PlanEstate writes it for NOW in UTC; `changes` make the hand-edited inputs a step must refuse. */
const runOf = (changes: Partial<Record<keyof EstateRun, unknown>> = {}): EstateRun =>
  ({
    id: RUN_ID,
    as_of: "2026-01",
    time_zone: "UTC",
    format: "json",
    include_details: false,
    prefix: RUN_PREFIX,
    started_at: NOW.toISOString(),
    ...changes,
  }) as EstateRun;

/** What Step Functions' Catch records for a Lambda that failed with `error` (after scheduledErrors). */
const caughtFailure = (environment: string, error: ReportError): CaughtEnvironment => ({
  environment,
  status: "failed",
  failure: {
    Error: error.name,
    Cause: JSON.stringify({
      errorType: error.name,
      errorMessage: `${error.message} (status ${error.status})`,
      trace: [
        `${error.name}: ${error.message}`,
        "    at collectStoredEnvironment (state-machine-steps.ts:219:11)",
      ],
    }),
  },
});

const rejection = <T>(promise: Promise<T>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ReportError & { parameter?: string },
  );

describe("Estate steps: plan, collect and aggregate over the demo database and a local S3", () => {
  let s3: LocalS3;
  let store: ReportStore;
  let config: EstateConfig;
  let downPort: number;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    downPort = await closedPort();
    config = parseConfiguredEnvironments({
      fileName: "environments.json",
      text: JSON.stringify({
        environments: [
          { environment: "prod", demo: true },
          { environment: "down", database_url: `postgres://kong@127.0.0.1:${downPort}/kong` },
        ],
        discrete: [],
      }),
    });
  });

  afterAll(async () => {
    await s3?.close();
  });

  describe("readEstateRequest (the state machine's input)", () => {
    it.each([
      [undefined, { format: "tar", includeDetails: false }],
      [null, { format: "tar", includeDetails: false }],
      [{}, { format: "tar", includeDetails: false }],
      [
        { format: "json", as_of: "2026-10", include_details: true },
        { format: "json", asOf: "2026-10", includeDetails: true },
      ],
    ])("reads %j as %j", (input, expected) => {
      expect(readEstateRequest(input)).toEqual(expected);
    });

    it.each([
      [[], "input", /must be a JSON object/],
      ["tar", "input", /must be a JSON object/],
      [{ month: "2026-10" }, "month", /^Unknown estate input key "month"\. Allowed: format/],
      [{ format: 1 }, "format", /^format must be a string: use "json" or "tar"\.$/],
      [{ as_of: 202610 }, "as_of", /^as_of must be a string: use "YYYY-MM"\.$/],
      [{ include_details: "yes" }, "include_details", /^include_details must be true or false\.$/],
      [{ as_of: "2026-13" }, "as_of", /2026-13/],
      [{ format: "zip" }, "format", /json or tar/],
    ])("refuses %j naming %s", (input, parameter, message) => {
      let failure: unknown;
      try {
        readEstateRequest(input);
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(BadParameterError);
      expect((failure as BadParameterError).parameter).toBe(parameter);
      expect((failure as Error).message).toMatch(message);
    });
  });

  describe("describeStepFailure (a caught Map item's one-line error)", () => {
    it.each([
      [
        "keeps only a Lambda error's message, without the status the function added or the trace",
        {
          Error: "DatabaseAccessError",
          Cause: JSON.stringify({
            errorType: "DatabaseAccessError",
            errorMessage: "Cannot reach PostgreSQL at db:5432 (ECONNREFUSED). (status 502)",
            trace: ["at x (y.ts:1:2)"],
          }),
        },
        "Cannot reach PostgreSQL at db:5432 (ECONNREFUSED).",
      ],
      [
        "names the state's timeout",
        { Error: "States.Timeout", Cause: "" },
        "the collector did not finish within the state's timeout (States.Timeout)",
      ],
      [
        "says the function could not be run for a Lambda service error",
        { Error: "Lambda.ServiceException", Cause: "Lambda is unavailable" },
        "the collector function could not be run (Lambda.ServiceException)",
      ],
      [
        "keeps the first line of a cause that is not Lambda's JSON",
        { Error: "States.TaskFailed", Cause: "first line\nsecond line" },
        "States.TaskFailed: first line",
      ],
      [
        "keeps a JSON cause without a text errorMessage as text",
        { Error: "Custom", Cause: '{"errorMessage":42}' },
        'Custom: {"errorMessage":42}',
      ],
      ["cuts a long cause at 300 characters", { Cause: "x".repeat(400) }, `Error: ${"x".repeat(300)}`],
      [
        "falls back to the error's name when there is no cause",
        { Error: "States.Runtime" },
        "States.Runtime",
      ],
      ["answers Error when Step Functions gave nothing", {}, "Error"],
    ])("%s", (_name, failure, expected) => {
      expect(describeStepFailure(failure)).toBe(expected);
    });
  });

  it("plans the run: its folder under the prefix by the month of `now`, and one item per environment", () => {
    // Act
    const plan = planEstate({
      request: readEstateRequest({ format: "json", include_details: true }),
      config,
      timeZone: "UTC",
      prefix: PREFIX,
      concurrency: 2,
      now: NOW,
      runId: RUN_ID,
    });

    // Assess: as_of defaults to the month of `now` in the time zone.
    expect(plan).toEqual({
      run: runOf({ include_details: true }),
      concurrency: 2,
      environments: [{ environment: "prod" }, { environment: "down" }],
    });
  });

  it("collects an environment to its own object, and aggregates it with a caught failure into a verifiable estate", async () => {
    // Prepare
    const run = runOf({ include_details: true });

    // Act: the collect step for each item, as the Map runs it.
    const stored = await collectStoredEnvironment(
      { run, environment: "prod" },
      { config, reportPrefix: PREFIX, openPort: openEnvironmentPort, store },
    );
    const failure = await rejection(
      collectStoredEnvironment(
        { run, environment: "down" },
        { config, reportPrefix: PREFIX, openPort: openEnvironmentPort, store },
      ),
    );

    // Assess: the demo's documented figures (lib/demo/seed.sql header).
    expect(stored).toEqual({
      environment: "prod",
      status: "ok",
      source: "demo",
      key: `${RUN_PREFIX}environments/prod.json`,
      checksum: expect.stringMatching(/^[0-9a-f]+$/),
      services_count: 21,
      routes_count: 40,
      discrete_services: 16,
    } satisfies StoredEnvironment);
    const object = JSON.parse(Buffer.from(await store.read(stored.key, { maxBytes: 1e8 })).toString("utf8"));
    expect(Object.keys(object)).toEqual([
      "environment",
      "source",
      "report",
      "details",
      "discrete_services",
      "identity",
    ]);
    // What the aggregate step needs to tell two environments are one database.
    expect(object.identity).toEqual({ keys: [{ key: "demo", says: "the embedded demo database" }] });
    expect(object).toMatchObject({ environment: "prod", source: "demo" });
    expect(verifyReport(object.report).valid).toBe(true);
    expect(object.report.checksum).toBe(stored.checksum);
    expect(object.report.collector).toMatchObject({ as_of: "2026-01", time_zone: "UTC" });
    expect(object.discrete_services).toHaveLength(16);

    // The unreachable database fails the item under the driver's error name and status.
    expect(failure).toMatchObject({ name: "DatabaseAccessError", status: 502, environment: "down" });
    expect(failure?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${downPort}.*ECONNREFUSED`));

    // Act: the aggregate step over the Map's outcomes.
    const link = await aggregateEstate(
      { run, outcomes: [stored, caughtFailure("down", failure as ReportError)] },
      { reportPrefix: PREFIX, discreteRules: [], store, urlTtlSeconds: 300, now: NOW },
    );

    // Assess: the link names the failure with the collector's own message.
    expect(link).toMatchObject({
      bucket: BUCKET,
      format: "json",
      as_of: "2026-01",
      generated_at: NOW.toISOString(),
      environments: 2,
      environments_reported: 1,
      failed: [{ environment: "down", error: failure?.message }],
    });
    expect(link.key.startsWith(RUN_PREFIX)).toBe(true);
    const estate = (await (await fetch(link.url)).json()) as EstateDocument;
    expect(verifyEstateDigest(estate as never).valid).toBe(true);
    expect(estate.digest).toBe(link.digest);
    const [prod, down] = estate.environments;
    expect(
      prod !== undefined &&
        "report" in prod && [prod.source, prod.report.checksum, prod.details !== undefined],
    ).toEqual(["demo", stored.checksum, true]);
    expect(down).toEqual({ environment: "down", status: "failed", error: failure?.message });
    expect(estate.totals).toMatchObject({ environments: 2, environments_reported: 1, services_count: 21 });
    // The demo database loaded into PGlite and collected with details: slow on a busy 2-core runner.
  }, 180_000);

  it("answers the same failure in one process (GET /license/estate) as through the steps", async () => {
    // Act
    const link = await runEstateInProcess(
      { format: "json", asOf: "2026-01", includeDetails: false },
      {
        config: { ...config, environments: config.environments.filter((spec) => spec.name === "down") },
        openPort: openEnvironmentPort,
        store,
        timeZone: "UTC",
        prefix: PREFIX,
        concurrency: 2,
        urlTtlSeconds: 300,
      },
    );

    // Assess
    expect(link).toMatchObject({
      format: "json",
      as_of: "2026-01",
      environments: 1,
      environments_reported: 0,
    });
    expect(link.failed).toEqual([
      {
        environment: "down",
        error: `Cannot reach PostgreSQL at 127.0.0.1:${downPort}/kong as kong (ECONNREFUSED). Check the host and port in "database_url" and that the server is running.`,
      },
    ]);
    expect(link.key).toMatch(new RegExp(`^${PREFIX}estate/\\d{4}/\\d{2}/[0-9a-f]{12}/estate-.*\\.json$`));
  });

  describe("refuses a step input that PlanEstate did not write", () => {
    const collect = (run: unknown, reportPrefix = PREFIX, environment = "prod") =>
      rejection(
        collectStoredEnvironment(
          { run: run as EstateRun, environment },
          {
            config,
            reportPrefix,
            openPort: () => Promise.reject(new Error("no environment may be opened")),
            store,
          },
        ),
      );

    it.each([
      ["no run", undefined],
      [
        "a run id that is not 12 hex digits",
        runOf({ id: "../../etc", prefix: `${PREFIX}estate/2026/01/../../etc/` }),
      ],
      ["a run folder of another deployment", runOf({ prefix: `other/estate/2026/01/${RUN_ID}/` })],
      ["a run folder of another run", runOf({ prefix: `${PREFIX}estate/2026/01/ba9876543210/` })],
      ["a run without its time zone", runOf({ time_zone: undefined })],
    ])("%s", async (_name, run) => {
      const failure = await collect(run);
      expect(failure).toBeInstanceOf(BadParameterError);
      expect(failure?.parameter).toBe("run");
      expect(failure?.message).toBe(
        "The step input has no valid run under license-reports/estate/ (it comes from the PlanEstate step's answer).",
      );
    });

    it("names the bucket root when the deployment has no prefix", async () => {
      const failure = await collect(undefined, "");
      expect(failure?.message).toBe(
        "The step input has no valid run under the bucket rootestate/ (it comes from the PlanEstate step's answer).",
      );
    });

    it.each([
      [{ as_of: "2026-13" }, "run.as_of"],
      [{ format: "zip" }, "run.format"],
    ])("a run with %j, naming %s", async (changes, parameter) => {
      const failure = await collect(runOf(changes));
      expect(failure).toBeInstanceOf(BadParameterError);
      expect(failure?.parameter).toBe(parameter);
    });

    it("an environment that is not in the environments file any more", async () => {
      const failure = await collect(runOf(), PREFIX, "retired");
      expect(failure).toBeInstanceOf(BadParameterError);
      expect(failure?.parameter).toBe("environment");
      expect(failure?.message).toMatch(/^Environment "retired" is not in the environments file/);
    });

    const aggregate = (outcomes: unknown) =>
      rejection(
        aggregateEstate(
          { run: runOf(), outcomes: outcomes as StoredEnvironment[] },
          { reportPrefix: PREFIX, discreteRules: [], store, urlTtlSeconds: 300 },
        ),
      );
    const okOutcome = (key: string): StoredEnvironment => ({
      environment: "prod",
      status: "ok",
      key,
      checksum: "0",
      services_count: 0,
      routes_count: 0,
      discrete_services: 0,
    });

    it.each([
      ["no outcomes", []],
      ["outcomes that are not a list", { prod: "ok" }],
    ])("an aggregate input with %s", async (_name, outcomes) => {
      const failure = await aggregate(outcomes);
      expect(failure).toBeInstanceOf(BadParameterError);
      expect(failure?.parameter).toBe("outcomes");
      expect(failure?.message).toBe(
        "The aggregate step needs the Map's outcomes (one per environment), or the Distributed Map's results.",
      );
    });

    it("an outcome whose key points outside the run's folder, before reading anything", async () => {
      const failure = await aggregate([okOutcome(`${PREFIX}adhoc/secret.json`)]);
      expect(failure?.parameter).toBe("outcomes");
      expect(failure?.message).toBe(
        `The outcome of "prod" points outside this run's folder (${RUN_PREFIX}); refusing to read it.`,
      );
    });

    it("a stored object that is not the outcome's environment", async () => {
      // Prepare: the run's object for "prod" holds another environment's report.
      const key = environmentKey(runOf(), "prod");
      await store.upload({
        key,
        body: Readable.from([
          Buffer.from(JSON.stringify({ environment: "stage", report: {}, discrete_services: [] })),
        ]),
        contentType: "application/json",
        metadata: {},
      });

      // Act
      const failure = await aggregate([okOutcome(key)]);

      // Assess
      expect(failure?.parameter).toBe("outcomes");
      expect(failure?.message).toBe(`The stored report ${key} is not the environment "prod".`);
    });
  });
});
