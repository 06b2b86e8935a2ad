import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { readEstateRunConfig } from "#lib/config/estate.ts";
import { BadParameterError, ConfigError } from "#lib/errors.ts";
import type { EnvironmentSpec, EstateConfig } from "#lib/estate/types.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { aggregateEstate, MAX_FAILURES_IN_OUTPUT } from "#lib/use-cases/aggregate-estate.ts";
import type { EstateRun } from "#lib/use-cases/estate-run.ts";
import { planStateMachineRun } from "#lib/use-cases/plan-estate.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";

// The plan and aggregate steps of the estate's Distributed Map, as plain functions over the
// SigV4-checking local S3: the items the plan stores, and the results ResultWriter writes read back
// (children that succeeded, failed, or never ran), in the environments file's order.

const BUCKET = "reports";
const PREFIX = "license-reports/";
const NOW = new Date("2026-03-02T09:00:00Z");
const RUN_ID = "a1b2c3d4e5f6";

const specs = (count: number): EnvironmentSpec[] =>
  Array.from({ length: count }, (_, index) => ({
    name: `env-${String(index + 1).padStart(3, "0")}`,
    source: { kind: "demo" },
    node: {},
    secrets: [],
  }));
const configOf = (count: number): EstateConfig => ({ environments: specs(count), discrete: [] });

describe("The Distributed Map's steps", () => {
  let s3: LocalS3;
  let store: ReportStore;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
  });

  afterAll(async () => {
    await s3?.close();
  });

  const plan = (count: number, inlineMapMax: number) =>
    planStateMachineRun({
      request: { format: "json", includeDetails: false },
      config: configOf(count),
      timeZone: "UTC",
      prefix: PREFIX,
      concurrency: 4,
      now: NOW,
      runId: RUN_ID,
      store,
      inlineMapMax,
    });

  it("plans the inline Map up to its size: the names in the answer, and in S3", async () => {
    // Act
    const planned = await plan(3, 3);

    // Assess
    expect(planned).toEqual({
      run: expect.objectContaining({ id: RUN_ID, prefix: `${PREFIX}estate/2026/03/${RUN_ID}/` }),
      concurrency: 4,
      count: 3,
      distributed: false,
      items: { bucket: BUCKET, key: `${PREFIX}estate/2026/03/${RUN_ID}/plan/environments.json` },
      results_prefix: `${PREFIX}estate/2026/03/${RUN_ID}/map-results`,
      environments: [{ environment: "env-001" }, { environment: "env-002" }, { environment: "env-003" }],
    });
  });

  it("plans the Distributed Map above it: the answer holds the items' key only, whatever the count", async () => {
    // Act
    const planned = await plan(1000, 40);
    const items = JSON.parse(
      Buffer.from(await store.read(planned.items.key, { maxBytes: 1 << 20 })).toString(),
    );

    // Assess
    expect(planned.distributed).toBe(true);
    expect(planned.environments).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(planned))).toBeLessThan(1024);
    expect(items).toHaveLength(1000);
    expect(items[0]).toEqual({ environment: "env-001" });
    expect(items[999]).toEqual({ environment: "env-1000" });
  });

  describe("aggregate from the results ResultWriter wrote", () => {
    const run: EstateRun = {
      id: RUN_ID,
      as_of: "2026-03",
      time_zone: "UTC",
      format: "json",
      include_details: false,
      prefix: `${PREFIX}estate/2026/03/${RUN_ID}/`,
      started_at: NOW.toISOString(),
    };
    const folder = `${run.prefix}map-results/0f0e0d0c-0000-4000-8000-000000000001/`;
    const child = (environment: string, extra: Record<string, unknown>) => ({
      ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:kong-license-report-prod-estate/collect:${environment}`,
      Input: JSON.stringify({ run, environment }),
      InputDetails: { Included: true },
      ...extra,
    });
    const put = (key: string, body: unknown) =>
      s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(body) }));
    const options = (order: readonly string[]) => ({
      reportPrefix: PREFIX,
      discreteRules: [],
      store,
      urlTtlSeconds: 300,
      environmentOrder: order,
      now: NOW,
    });

    it("lists every child that failed, timed out or never ran, in the file's order, and one without a result", async () => {
      // Prepare: 60 caught failures (succeeded children), a timed-out and a failed child, one pending.
      const caught = specs(60).map((spec) =>
        child(spec.name, {
          Status: "SUCCEEDED",
          Output: JSON.stringify({
            environment: spec.name,
            status: "failed",
            failure: {
              Error: "DatabaseAccessError",
              Cause: JSON.stringify({ errorMessage: `${spec.name} is down` }),
            },
          }),
        }),
      );
      await put(`${folder}SUCCEEDED_0.json`, caught);
      await put(`${folder}FAILED_0.json`, [
        child("late", { Status: "TIMED_OUT", Error: "States.Timeout", Cause: "" }),
        child("crashed", {
          Status: "FAILED",
          Error: "States.Runtime",
          Cause: "An error occurred while executing the state",
        }),
      ]);
      await put(`${folder}PENDING_0.json`, [child("waiting", { Status: "PENDING" })]);
      await put(`${folder}manifest.json`, {
        DestinationBucket: BUCKET,
        MapRunArn:
          "arn:aws:states:us-east-1:123456789012:mapRun:kong-license-report-prod-estate/collect:0f0e",
        ResultFiles: {
          FAILED: [{ Key: `${folder}FAILED_0.json`, Size: 1 }],
          PENDING: [{ Key: `${folder}PENDING_0.json`, Size: 1 }],
          SUCCEEDED: [{ Key: `${folder}SUCCEEDED_0.json`, Size: 1 }],
        },
      });
      const order = ["waiting", "late", "lost", "crashed", ...specs(60).map((spec) => spec.name)];

      // Act
      const link = await aggregateEstate(
        { run, results: { Bucket: BUCKET, Key: `${folder}manifest.json` } },
        options(order),
      );
      const estate = JSON.parse(
        Buffer.from(await store.read(link.key, { maxBytes: 1 << 24 })).toString(),
      ) as {
        environments: { environment: string; status: string; error?: string }[];
      };

      // Assess: the estate has every failure, in the file's order; the execution's output at most 50.
      expect(estate.environments.slice(0, 5)).toEqual([
        {
          environment: "waiting",
          status: "failed",
          error: "States.NotRun: the Map run ended before this environment was collected",
        },
        {
          environment: "late",
          status: "failed",
          error: "the collector did not finish within the state's timeout (States.Timeout)",
        },
        {
          environment: "lost",
          status: "failed",
          error: "States.NoResult: the Map run wrote no result for this environment",
        },
        {
          environment: "crashed",
          status: "failed",
          error: "States.Runtime: An error occurred while executing the state",
        },
        { environment: "env-001", status: "failed", error: "env-001 is down" },
      ]);
      expect(estate.environments).toHaveLength(64);
      expect(link.environments).toBe(64);
      expect(link.failed).toHaveLength(MAX_FAILURES_IN_OUTPUT);
      expect(link.failed_omitted).toBe(64 - MAX_FAILURES_IN_OUTPUT);
      expect(link.failed[0]?.environment).toBe("waiting");
    });

    it.each([
      ["another bucket", { Bucket: "elsewhere", Key: `${folder}manifest.json` }],
      [
        "a key outside the run's folder",
        { Bucket: BUCKET, Key: `${PREFIX}estate/2026/03/000000000000/manifest.json` },
      ],
      ["a key that is not a manifest", { Bucket: BUCKET, Key: `${folder}SUCCEEDED_0.json` }],
    ])("refuses results in %s before reading anything", async (_what, results) => {
      const failure = await aggregateEstate({ run, results }, options([])).then(
        () => undefined,
        (error: unknown) => error as BadParameterError,
      );

      expect(failure).toBeInstanceOf(BadParameterError);
      expect(failure?.parameter).toBe("results");
    });
  });
});

describe("ESTATE_INLINE_MAP_MAX", () => {
  const base = { ESTATE_ENVIRONMENTS: "s3://kong-config/estate/environments.json" };

  it("defaults to the 40 the inline Map takes safely, and may be 0 (always the Distributed Map)", () => {
    expect(readEstateRunConfig(base).inlineMapMax).toBe(40);
    expect(readEstateRunConfig({ ...base, ESTATE_INLINE_MAP_MAX: "0" }).inlineMapMax).toBe(0);
  });

  it("refuses more than 40, naming the variable", () => {
    let error: unknown;
    try {
      readEstateRunConfig({ ...base, ESTATE_INLINE_MAP_MAX: "41" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'ESTATE_INLINE_MAP_MAX "41" is invalid: expected a whole number from 0 to 40 (the most environments the state machine\'s inline Map runs; more run in its Distributed Map, 0 = always).',
    );
  });
});
