import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { EnvironmentFailedError, type ReportError } from "#lib/errors.ts";
import type { EstateConfig } from "#lib/estate/types.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { collectStoredEnvironment, MAX_FAILURE_MESSAGE } from "#lib/use-cases/collect-stored-environment.ts";
import { parseConfiguredEnvironments } from "#lib/use-cases/estate-inputs.ts";
import type { EstateRun } from "#lib/use-cases/estate-run.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";

// The collect step's failure as the Map's Catch receives it when the error is not one of the
// collector's own (a bug, a driver's raw error): named EnvironmentFailedError (502, so the
// state machine's Retry treats it as the environment's fault), its message bounded so 40 caught
// items stay under Step Functions' 256 KiB, and never the entry's password.

const BUCKET = "reports";
const PREFIX = "license-reports/";
const RUN_ID = "c3d4e5f6a1b2";
const PASSWORD = "Sup3r-Secret-Passw0rd";
const run: EstateRun = {
  id: RUN_ID,
  as_of: "2026-01",
  time_zone: "UTC",
  format: "json",
  include_details: false,
  prefix: `${PREFIX}estate/2026/01/${RUN_ID}/`,
  started_at: "2026-01-20T10:00:00.000Z",
};

describe("The collect step's failure for an error that is not the collector's", () => {
  let s3: LocalS3;
  let store: ReportStore;
  let config: EstateConfig;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    config = parseConfiguredEnvironments({
      fileName: "environments.json",
      text: JSON.stringify({
        environments: [
          { environment: "prod", database_url: `postgres://kong:${PASSWORD}@db.internal:5432/kong` },
        ],
        discrete: [],
      }),
    });
  });

  afterAll(async () => {
    await s3?.close();
  });

  const collectFailing = (error: unknown) =>
    collectStoredEnvironment(
      { run, environment: "prod" },
      { config, reportPrefix: PREFIX, openPort: () => Promise.reject(error), store },
    ).then(
      () => undefined,
      (caught: unknown) => caught as ReportError & { environment?: string },
    );

  it("is an EnvironmentFailedError (502) with the message cut at the bound, and nothing stored", async () => {
    // Prepare: a raw error far longer than the bound.
    const raw = new Error(`driver state: ${"x".repeat(5_000)}`);

    // Act
    const failure = await collectFailing(raw);

    // Assess: "unexpected error: <message>" cut to MAX_FAILURE_MESSAGE characters, the last one "…".
    expect(failure).toBeInstanceOf(EnvironmentFailedError);
    expect(failure).toMatchObject({ name: "EnvironmentFailedError", status: 502, environment: "prod" });
    expect(failure?.message).toHaveLength(MAX_FAILURE_MESSAGE);
    expect(failure?.message).toBe(
      `unexpected error: driver state: ${"x".repeat(MAX_FAILURE_MESSAGE - "unexpected error: driver state: ".length - 1)}…`,
    );
    expect((await store.list({ prefix: run.prefix, maxKeys: 10 })).objects).toEqual([]);
  });

  it("keeps a short message whole and never carries the entry's password", async () => {
    // Act: an error that quotes the connection string, password and all.
    const failure = await collectFailing(
      new Error(`connect failed for postgres://kong:${PASSWORD}@db.internal:5432/kong`),
    );

    // Assess
    expect(failure).toMatchObject({ name: "EnvironmentFailedError", status: 502 });
    expect(failure?.message.startsWith("unexpected error: connect failed for postgres://kong:")).toBe(true);
    expect(failure?.message.endsWith("@db.internal:5432/kong")).toBe(true);
    expect(failure?.message).not.toContain(PASSWORD);
    expect(failure?.message.length).toBeLessThan(MAX_FAILURE_MESSAGE);
  });
});
