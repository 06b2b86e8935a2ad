import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createEstateRuntime } from "#lib/compose/estate-runtime.ts";
import { createReportRuntime } from "#lib/compose/report-runtime.ts";
import { readEstateRunConfig } from "#lib/config/estate.ts";
import { readReportConfig } from "#lib/config/report.ts";
import { readStorageConfig } from "#lib/config/storage.ts";
import { BadParameterError } from "#lib/errors.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { openTestDatabase, type TestDatabase } from "../helpers/kong-db.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { type LocalStepFunctions, startLocalStepFunctions } from "../helpers/local-step-functions.ts";

// The Lambdas' runtimes as the handlers build them from their environment variables: the report
// runtime (Data API port + S3 store) and the estate runtime (store, environment ports, state machine).
// Local Data API endpoint, local SigV4-checking S3 behind a proxy that records each request, local
// Step Functions StartExecution.

const BUCKET = "reports";
const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:kong-license-report-estate";

describe("Lambda runtimes built from configuration (pglite)", () => {
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let proxy: FaultProxy;
  let stepFunctions: LocalStepFunctions;

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    dataApi = await startTestEndpoint(db, (await db.createFixture("SELECT 1")).schema);
    s3 = await startLocalS3([BUCKET]);
    proxy = await startFaultProxy(s3.endpoint);
    stepFunctions = await startLocalStepFunctions(STATE_MACHINE_ARN);
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ENDPOINT_URL_SFN", stepFunctions.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await stepFunctions?.close();
    await proxy?.close();
    await s3?.close();
    await dataApi?.close();
    await db?.close();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
    stepFunctions.started.length = 0;
  });

  const storageEnv = {
    REPORT_BUCKET: BUCKET,
    REPORT_KMS_KEY_ID: KMS_KEY,
  };
  const upload = (store: ReportStore, key: string) =>
    store.upload({
      key,
      body: Readable.from([Buffer.from("{}")]),
      contentType: "application/json",
      metadata: {},
    });
  const putOf = (key: string) =>
    proxy.seen.find((request) => request.method === "PUT" && request.url.startsWith(`/${BUCKET}/${key}`));

  it("report runtime: queries the configured Data API cluster and stores with SSE-KMS under REPORT_KMS_KEY_ID", async () => {
    // Prepare
    const config = readReportConfig({
      ...storageEnv,
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: databaseNameOf(db),
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
    });
    const runtime = createReportRuntime(config);

    // Act
    const rows = await runtime.sql.query("SELECT 'up' AS state");
    const stored = await upload(runtime.store, "t/report.json");
    await runtime.sql.close();

    // Assess
    expect(rows).toEqual([{ state: "up" }]);
    expect(stored).toEqual({ bucket: BUCKET, key: "t/report.json" });
    expect(putOf("t/report.json")?.headers["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(putOf("t/report.json")?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(KMS_KEY);
  });

  it("estate runtime: stores with SSE-KMS and starts the state machine with the input as JSON", async () => {
    // Prepare
    const runtime = createEstateRuntime(
      readStorageConfig({ ...storageEnv, AWS_ENDPOINT_URL_S3: proxy.endpoint }),
      readEstateRunConfig({
        ESTATE_ENVIRONMENTS: "s3://kong-config/estate/environments.json",
        ESTATE_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
      }),
    );

    // Act
    await upload(runtime.store, "t/estate.json");
    const started = await runtime.startExecution({ format: "tar", as_of: "2026-10" });

    // Assess
    expect(putOf("t/estate.json")?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(KMS_KEY);
    expect(stepFunctions.started).toEqual([
      {
        stateMachineArn: STATE_MACHINE_ARN,
        executionArn: started.executionArn,
        input: { format: "tar", as_of: "2026-10" },
      },
    ]);
    expect(started.executionArn).toMatch(
      /^arn:aws:states:us-east-1:123456789012:execution:kong-license-report-estate:/,
    );
    expect(started.startDate).toBeInstanceOf(Date);
  });

  it("estate runtime on AWS: refuses the embedded demo database and a start without ESTATE_STATE_MACHINE_ARN", async () => {
    // Prepare: production-shaped (AWS's S3 endpoint; nothing is sent)
    const runtime = createEstateRuntime(
      readStorageConfig({ REPORT_BUCKET: BUCKET }),
      readEstateRunConfig({ ESTATE_ENVIRONMENTS: "ssm:/kong/estate" }),
    );

    // Act
    const demo = await runtime.openPort({ kind: "demo" }).catch((error: unknown) => error);
    const start = await runtime.startExecution({}).catch((error: unknown) => error);

    // Assess
    expect(demo).toBeInstanceOf(BadParameterError);
    expect((demo as BadParameterError).status).toBe(400);
    expect((demo as BadParameterError).parameter).toBe("demo");
    expect((demo as Error).message).toBe(
      'The embedded demo database only runs in the CLI (kong-license-report estate); on AWS give each environment a "data_api" (or a reachable "database_url").',
    );
    expect((start as Error).message).toBe(
      "ESTATE_STATE_MACHINE_ARN is not set: this function cannot start the state machine.",
    );
    expect(stepFunctions.started).toEqual([]);
  });
});
