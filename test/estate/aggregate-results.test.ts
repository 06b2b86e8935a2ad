import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { BadParameterError } from "#lib/errors.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { aggregateEstate } from "#lib/use-cases/aggregate-estate.ts";
import { toStoredEnvironment } from "#lib/use-cases/collect-stored-environment.ts";
import { type EstateRun, environmentKey } from "#lib/use-cases/estate-run.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";
import { sampleMarch } from "../helpers/sample-report.ts";

// The aggregate step's edges that the Map's happy paths never reach: a step input without outcomes,
// a manifest that lists some statuses only or points a result file elsewhere, children ResultWriter
// wrote without an input or an error, and stored environments written without the optional fields.
// Over the SigV4-checking local S3, as the Distributed Map leaves its results.

const BUCKET = "reports";
const PREFIX = "license-reports/";
const NOW = new Date("2026-03-02T09:00:00Z");
const RUN_ID = "b2c3d4e5f6a1";
const run: EstateRun = {
  id: RUN_ID,
  as_of: "2026-03",
  time_zone: "UTC",
  format: "json",
  include_details: false,
  prefix: `${PREFIX}estate/2026/03/${RUN_ID}/`,
  started_at: NOW.toISOString(),
};

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as BadParameterError,
  );

describe("The aggregate step's edges", () => {
  let s3: LocalS3;
  let store: ReportStore;
  let folderCount = 0;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
  });

  afterAll(async () => {
    await s3?.close();
  });

  const put = (key: string, body: unknown) =>
    s3.client().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  /** A fresh map-results folder per test, so every test passes alone and in any order. */
  const newFolder = () => `${run.prefix}map-results/0f0e0d0c-0000-4000-8000-00000000000${++folderCount}/`;
  const options = (order?: readonly string[]) => ({
    reportPrefix: PREFIX,
    discreteRules: [],
    store,
    urlTtlSeconds: 300,
    now: NOW,
    ...(order === undefined ? {} : { environmentOrder: order }),
  });
  const readEstate = async (key: string) =>
    JSON.parse(Buffer.from(await store.read(key, { maxBytes: 1 << 24 })).toString()) as EstateDocument;

  it("refuses a step input with neither the Map's outcomes nor its results", async () => {
    const failure = await rejection(aggregateEstate({ run }, options()));

    expect(failure).toBeInstanceOf(BadParameterError);
    expect(failure?.parameter).toBe("outcomes");
  });

  it("refuses a manifest that lists no result file: no environment was collected", async () => {
    // Prepare: the manifest of a Map run whose results were lost (no ResultFiles at all).
    const folder = newFolder();
    await put(`${folder}manifest.json`, { DestinationBucket: BUCKET });

    // Act
    const failure = await rejection(
      aggregateEstate({ run, results: { Bucket: BUCKET, Key: `${folder}manifest.json` } }, options()),
    );

    // Assess
    expect(failure).toBeInstanceOf(BadParameterError);
    expect(failure?.parameter).toBe("outcomes");
  });

  it("refuses a manifest whose result file is outside the run's folder, without reading that file", async () => {
    // Prepare: the file elsewhere exists and would parse; it must not be read.
    const folder = newFolder();
    const elsewhere = `${PREFIX}estate/2026/03/000000000000/map-results/x/FAILED_0.json`;
    await put(elsewhere, [{ Status: "FAILED", Input: JSON.stringify({ environment: "prod" }) }]);
    await put(`${folder}manifest.json`, { ResultFiles: { FAILED: [{ Key: elsewhere }] } });

    // Act
    const failure = await rejection(
      aggregateEstate({ run, results: { Bucket: BUCKET, Key: `${folder}manifest.json` } }, options()),
    );

    // Assess
    expect(failure).toBeInstanceOf(BadParameterError);
    expect(failure?.parameter).toBe("results");
    expect(failure?.message).toContain(run.prefix);
  });

  it.each([
    ["no input at all", {}],
    ["an input that is not JSON", { Input: "{not json" }],
    ["an input that is JSON null", { Input: "null" }],
    ["an input whose environment is not a string", { Input: JSON.stringify({ run, environment: 7 }) }],
  ])("refuses a failed child with %s: its environment cannot be named", async (_what, child) => {
    // Prepare
    const folder = newFolder();
    await put(`${folder}FAILED_0.json`, [{ Status: "FAILED", Error: "States.Runtime", ...child }]);
    await put(`${folder}manifest.json`, { ResultFiles: { FAILED: [{ Key: `${folder}FAILED_0.json` }] } });

    // Act
    const failure = await rejection(
      aggregateEstate({ run, results: { Bucket: BUCKET, Key: `${folder}manifest.json` } }, options()),
    );

    // Assess
    expect(failure).toBeInstanceOf(BadParameterError);
    expect(failure?.parameter).toBe("results");
    expect(failure?.message).toBe(
      "A child execution of the Distributed Map names no environment in its input.",
    );
  });

  it("names a failed child that recorded no status, error or cause by its result file, and a succeeded child with no stored outcome", async () => {
    // Prepare: only a FAILED file in the manifest (no SUCCEEDED or PENDING key); one child without
    // Status/Error/Cause, one listed as succeeded in the FAILED file (its output is no outcome).
    const folder = newFolder();
    await put(`${folder}FAILED_0.json`, [
      { Input: JSON.stringify({ run, environment: "bare" }) },
      { Status: "ABORTED", Input: JSON.stringify({ run, environment: "aborted" }) },
    ]);
    await put(`${folder}manifest.json`, { ResultFiles: { FAILED: [{ Key: `${folder}FAILED_0.json` }] } });

    // Act
    const link = await aggregateEstate(
      { run, results: { Bucket: BUCKET, Key: `${folder}manifest.json` } },
      options(["bare", "aborted"]),
    );
    const estate = await readEstate(link.key);

    // Assess: "States.<status>" and "the child execution ended <status>", the file's status when the
    // child has none; the estate's one-line error is "<Error>: <Cause>".
    expect(estate.environments).toEqual([
      { environment: "bare", status: "failed", error: "States.FAILED: the child execution ended FAILED" },
      {
        environment: "aborted",
        status: "failed",
        error: "States.ABORTED: the child execution ended ABORTED",
      },
    ]);
    expect(link.failed_omitted).toBeUndefined();
    expect(link.environments_reported).toBe(0);
  });

  it("reads back a stored environment written without source or identity, and keeps one not in the file at the end", async () => {
    // Prepare: a report stored without the optional fields (as an earlier version wrote it), and an
    // environment that is not in the environments file any more (it changed since the plan).
    const { report } = sampleMarch();
    const outcome = {
      environment: "legacy",
      status: "ok" as const,
      report,
      discreteServices: ["billing", "search"],
    };
    const stored = toStoredEnvironment(outcome);
    const key = environmentKey(run, "legacy");
    await put(key, stored);

    // Act
    const link = await aggregateEstate(
      {
        run,
        outcomes: [
          {
            environment: "legacy",
            status: "ok",
            key,
            checksum: report.checksum,
            services_count: 12,
            routes_count: 30,
            discrete_services: 2,
          },
          { environment: "gone", status: "failed", failure: {} },
        ],
      },
      options(["gone"]),
    );
    const estate = await readEstate(link.key);

    // Assess: what was stored holds no source, identity, details or Kong bytes...
    expect(Object.keys(stored)).toEqual(["environment", "report", "discrete_services"]);
    // ...and the estate has the report unchanged, without a source; the file's order first, then the rest.
    // A caught failure without Error or Cause is named "Error" (Step Functions always sets one).
    expect(estate.environments.map((environment) => environment.environment)).toEqual(["gone", "legacy"]);
    expect(estate.environments[0]).toEqual({ environment: "gone", status: "failed", error: "Error" });
    const legacy = estate.environments[1] as { source?: string; report: { checksum: string } };
    expect(legacy.source).toBeUndefined();
    expect(legacy.report.checksum).toBe(report.checksum);
    expect(estate.totals).toMatchObject({ environments: 2, environments_reported: 1, services_count: 12 });
  });
});
