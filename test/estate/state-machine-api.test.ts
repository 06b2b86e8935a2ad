import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { createKongApiPorts } from "#lib/compose/open-kong-api.ts";
import { openEnvironmentPort } from "#lib/compose/open-source.ts";
import type { EstateConfig, EstateDocument } from "#lib/estate/types.ts";
import { verifyEstate } from "#lib/estate/verify-estate.ts";
import type { ReportStore } from "#lib/store/report-store.ts";
import { aggregateEstate } from "#lib/use-cases/aggregate-estate.ts";
import { collectStoredEnvironment } from "#lib/use-cases/collect-stored-environment.ts";
import { parseConfiguredEnvironments } from "#lib/use-cases/estate-inputs.ts";
import type { EstateRun } from "#lib/use-cases/estate-run.ts";
import { type FakeServer, startFakeKongAdminApi } from "../../local/kong-admin-api.ts";
import {
  DISCRETE_RULES,
  DR_REPORT,
  KONNECT_TOKEN,
  konnectOrganisation,
  PROD_REPORT,
  PROD_REPORT_BYTES,
  PROD_TOKEN,
  prodNode,
} from "../../local/kong-api-sample.ts";
import { startFakeKonnect } from "../../local/konnect-api.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";
import { untar } from "../helpers/untar.ts";

// The estate state machine's steps with Admin API and Konnect environments (as on AWS: the file read
// with no environment variable, the token inline): the collect step stores Kong's bytes beside the
// report, the aggregate step puts them in the tar unchanged; a wrong token fails the item under
// ApiAccessError (the Map's Catch), never as zero.

const BUCKET = "reports";
const PREFIX = "license-reports/";
const NOW = new Date("2026-01-20T10:00:00Z");
const RUN_ID = "abcdef012345";
const run: EstateRun = {
  id: RUN_ID,
  as_of: "2026-01",
  time_zone: "UTC",
  format: "tar",
  include_details: false,
  prefix: `${PREFIX}estate/2026/01/${RUN_ID}/`,
  started_at: NOW.toISOString(),
};

describe("Estate steps with Kong's Admin API and Konnect", () => {
  let s3: LocalS3;
  let store: ReportStore;
  let config: EstateConfig;
  const servers: FakeServer[] = [];

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const prod = await startFakeKongAdminApi(prodNode());
    const konnect = await startFakeKonnect(konnectOrganisation());
    servers.push(prod, konnect);
    config = parseConfiguredEnvironments({
      fileName: "environments.json",
      text: JSON.stringify({
        environments: [
          { environment: "prod", admin_api: prod.url, admin_token: PROD_TOKEN, deployment: "enterprise" },
          {
            environment: "konnect",
            admin_api: konnect.url,
            admin_token: KONNECT_TOKEN,
            deployment: "konnect",
          },
          {
            environment: "locked",
            admin_api: prod.url,
            admin_token: "not-the-token-000",
            deployment: "enterprise",
          },
        ],
        discrete: DISCRETE_RULES,
      }),
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await s3?.close();
  });

  it("stores Kong's bytes and Konnect's counts, and aggregates them into a tar that keeps the bytes", async () => {
    const options = {
      config,
      reportPrefix: PREFIX,
      openPort: openEnvironmentPort,
      openApi: createKongApiPorts(),
      store,
    };

    const prod = await collectStoredEnvironment({ run, environment: "prod" }, options);
    const konnect = await collectStoredEnvironment({ run, environment: "konnect" }, options);
    const locked = await collectStoredEnvironment({ run, environment: "locked" }, options).then(
      () => undefined,
      (error: unknown) => error as Error & { status: number; environment: string },
    );

    expect(prod).toMatchObject({
      source: "admin_api",
      checksum: PROD_REPORT.checksum,
      services_count: 8,
      routes_count: 12,
    });
    expect(konnect).toEqual({
      environment: "konnect",
      status: "ok",
      source: "konnect",
      key: `${run.prefix}environments/konnect.json`,
      services_count: 6,
      routes_count: 0,
      discrete_services: 5,
    });
    // Failure is never zero: the item fails under the adapter's error, for the Map's Catch.
    expect(locked).toMatchObject({ name: "ApiAccessError", status: 502, environment: "locked" });
    expect(locked?.message).toMatch(/HTTP 401, the token was refused/);
    expect(locked?.message).not.toContain("not-the-token-000");

    const link = await aggregateEstate(
      {
        run,
        outcomes: [
          prod,
          konnect,
          {
            environment: "locked",
            status: "failed",
            failure: { Error: "ApiAccessError", Cause: JSON.stringify({ errorMessage: locked?.message }) },
          },
        ],
      },
      { reportPrefix: PREFIX, discreteRules: DISCRETE_RULES, store, urlTtlSeconds: 300, now: NOW },
    );

    const files = await untar(Buffer.from(await (await fetch(link.url)).arrayBuffer()));
    expect(files.get("environments/prod/response.json")?.equals(PROD_REPORT_BYTES)).toBe(true);
    expect(files.has("environments/konnect/response.json")).toBe(false);
    const estate = JSON.parse(String(files.get("estate.json"))) as EstateDocument;
    const reports = new Map([
      ["prod", new Map([["response.json", JSON.parse(PROD_REPORT_BYTES.toString("utf8")) as unknown]])],
    ]);
    expect(verifyEstate(estate as never, reports).valid).toBe(true);
    expect(estate.totals).toMatchObject({
      services_count: 14,
      environments_reported: 2,
      environments_entity_counts_only: 1,
    });
    expect(link.failed).toEqual([{ environment: "locked", error: locked?.message }]);
    // Not the DB-less sample: its report is never read here.
    expect(JSON.stringify(estate)).not.toContain(DR_REPORT.checksum as string);
  });
});
