import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createMonitoringPorts } from "#lib/compose/report-monitors.ts";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import type { CollectedReport } from "#lib/report/types.ts";
import type { Usage } from "#lib/report/usage-types.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import { notifyMonitors, type ReportObservation } from "#lib/use-cases/report-monitor.ts";
import { createHttpHandler } from "../../handlers/http.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { type EventBridgeServer, startEventBridgeServer } from "../../local/eventbridge.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { DEMO_SEED, openTestDatabase, SCHEMAS, type TestDatabase } from "../helpers/kong-db.ts";
import { buildHttpApiEvent, buildLambdaContext } from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { sampleMarch } from "../helpers/sample-report.ts";
import { fetchTar } from "../helpers/untar.ts";

const BUCKET = "reports";
// The demo database: 21 services, 16 discrete services. 21 of 25 is 84 % (warn), 16 of 40 is 40 % (ok).
const CONTRACT = { name: "ACME-2026", limits: { gateway_services: 25, discrete_services: 40 } };

describe("Handler: GET /license/report's metrics (EMF) and event", () => {
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let events: EventBridgeServer;
  let logs: string[];
  let env: Record<string, string>;

  const call = async (query: string) =>
    (await createHttpHandler({ env, logger: createLogger({ write: (line) => logs.push(line) }) }).handler(
      await buildHttpApiEvent({ query }),
      buildLambdaContext() as never,
    )) as HttpResponse;
  const records = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const fixture = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    dataApi = await startTestEndpoint(db, fixture.schema);
    s3 = await startLocalS3([BUCKET]);
    events = await startEventBridgeServer({ buses: ["kong-reports"] });
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ENDPOINT_URL_EVENTBRIDGE", events.url);
    await s3
      .client()
      .send(
        new PutObjectCommand({ Bucket: BUCKET, Key: "config/contract.json", Body: JSON.stringify(CONTRACT) }),
      );
    env = {
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: databaseNameOf(db),
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      REPORT_BUCKET: BUCKET,
      ADMIN_GROUPS: "kong-admins",
      CLUSTER_NAME: "prod-eu-1",
      REPORT_CONTRACT: `s3://${BUCKET}/config/contract.json`,
      REPORT_EVENT_BUS: "kong-reports",
    };
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await events?.close();
    await s3?.close();
    await dataApi?.close();
    await db?.close();
  });
  beforeEach(() => {
    logs = [];
    events.clearEvents();
  });

  it("writes EMF records in its own JSON log lines, and the values are the report's usage", async () => {
    // Act
    const response = await call("format=tar");

    // Assess
    expect(response.statusCode).toBe(200);
    const link = JSON.parse(response.body) as LinkDocument;
    const files = await fetchTar(link.url);
    const details = JSON.parse(files.get("details.json")?.toString("utf8") ?? "{}") as {
      usage: Usage;
      generated_at: string;
    };
    const usage = details.usage;
    const emf = records().filter((record) => "_aws" in record);
    expect(emf).toHaveLength(3); // the totals, then one ContractPercent per line (2 lines)
    const [totals, ...lines] = emf as Array<Record<string, unknown> & { _aws: Record<string, unknown> }>;
    const timestamp = Date.parse(details.generated_at);
    expect(totals?._aws).toStrictEqual({
      Timestamp: timestamp, // the report's generated_at
      CloudWatchMetrics: [
        {
          Namespace: "KongLicenseReport",
          Dimensions: [["Cluster"]],
          Metrics: [
            { Name: "GatewayServices", Unit: "Count" },
            { Name: "DiscreteServices", Unit: "Count" },
            { Name: "ApiRequestsMonth", Unit: "Count" },
            { Name: "AiModelHoursMonth", Unit: "Count" },
            { Name: "DaysToLicenseExpiry", Unit: "Count" },
            { Name: "ContractLinesAtWarnOrOver", Unit: "Count" },
          ],
        },
      ],
    });
    expect(totals).toMatchObject({
      level: "INFO",
      message: "usage metrics",
      Cluster: "prod-eu-1",
      GatewayServices: 21,
      DiscreteServices: 16,
      ApiRequestsMonth: usage.units.api_requests_month,
      AiModelHoursMonth: usage.units.ai_model_hours_month,
      DaysToLicenseExpiry: usage.license.days_to_expiry,
      ContractLinesAtWarnOrOver: 1, // gateway_services: 21 × 100 ≥ 80 × 25
    });
    expect(lines.map((line) => [line._aws.CloudWatchMetrics, line.Unit, line.ContractPercent])).toStrictEqual(
      [
        [
          [
            {
              Namespace: "KongLicenseReport",
              Dimensions: [["Cluster", "Unit"]],
              Metrics: [{ Name: "ContractPercent", Unit: "Percent" }],
            },
          ],
          "gateway_services",
          84, // 21 / 25
        ],
        [
          [
            {
              Namespace: "KongLicenseReport",
              Dimensions: [["Cluster", "Unit"]],
              Metrics: [{ Name: "ContractPercent", Unit: "Percent" }],
            },
          ],
          "discrete_services",
          40, // 16 / 40
        ],
      ],
    );
  });

  it("sends one signed `License Report Generated` event per stored report, with the units and statuses", async () => {
    // Act
    const response = await call("format=tar");

    // Assess
    const link = JSON.parse(response.body) as LinkDocument;
    expect(events.events).toHaveLength(1);
    const [event] = events.events;
    expect(events.requests.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/events\/aws4_request/,
    );
    expect(event).toMatchObject({
      bus: "kong-reports",
      source: "kong-license-report",
      detailType: "License Report Generated",
    });
    expect(event?.detail).toMatchObject({
      cluster: "prod-eu-1",
      cluster_segment: "prod-eu-1",
      bucket: BUCKET,
      key: link.key,
      checksum: link.checksum,
      generated_at: link.generated_at,
      trigger: "http",
      units: { gateway_services: 21, discrete_services: 16 },
      contract: {
        name: "ACME-2026",
        lines: [
          { unit: "gateway_services", status: "warn", percent: 84 },
          { unit: "discrete_services", status: "ok", percent: 40 },
        ],
      },
    });
    expect(records().find((record) => record.message === "report event sent")).toMatchObject({
      event_bus: "kong-reports",
      key: link.key,
    });
  });

  it("answers the report even when EventBridge refuses the event, and says so in a warning", async () => {
    events.refuseEntries("NotAuthorizedForSourceException", "no");
    const response = await call("format=json");
    expect(response.statusCode).toBe(200);
    const warning = records().find((record) => record.message === "report monitor failed");
    expect(JSON.stringify(warning)).toContain("refused the event: NotAuthorizedForSourceException");
    // A JSON report without details is still measured, from Kong's report alone.
    const emf = records().find((record) => "_aws" in record);
    expect(emf).toMatchObject({ GatewayServices: 21 });
    expect(emf).not.toHaveProperty("DiscreteServices");
  });

  it("names no cluster in the event without CLUSTER_NAME, only the segment its reports are kept under", async () => {
    const { CLUSTER_NAME: _label, ...unnamed } = env;
    const saved = env;
    env = unnamed;
    try {
      const response = await call("format=json");

      const link = JSON.parse(response.body) as LinkDocument;
      const segment = /\/(_src-[0-9a-f]{16})\//.exec(link.key)?.[1];
      expect(segment).toBeDefined();
      expect(events.events[0]?.detail).toMatchObject({
        cluster: null,
        cluster_segment: segment,
        key: link.key,
      });
      // The metrics' Cluster dimension falls back to the segment.
      expect(records().find((record) => "_aws" in record)).toMatchObject({ Cluster: segment });
    } finally {
      env = saved;
    }
  });
});

describe("Composition: the report functions' monitors (createMonitoringPorts)", () => {
  let events: EventBridgeServer;
  let logs: string[];
  const logger = createLogger({ write: (line) => logs.push(line) });

  beforeAll(async () => {
    events = await startEventBridgeServer({ buses: ["kong-reports"] });
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ENDPOINT_URL_EVENTBRIDGE", events.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await events?.close();
  });
  beforeEach(() => {
    logs = [];
    events.clearEvents();
  });

  // The sample report: 2025-03, 12 services, made 2025-04-01, the license expiring 2026-01-31, no details.usage.
  const observationOf = (collected: CollectedReport, stored: boolean): ReportObservation => ({
    collected,
    cluster: { segment: "_src-0123456789abcdef" },
    trigger: "console",
    bucket: "reports",
    key: "adhoc/_src-0123456789abcdef/2025-03/report.json",
    stored,
  });

  it("sends no event for a report this run did not store (a retried schedule found it), but still measures it", async () => {
    const ports = createMonitoringPorts({ eventBus: "kong-reports" });

    await notifyMonitors(ports.monitors, observationOf(sampleMarch(), false), { logger });

    expect(events.events).toHaveLength(0);
    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ message: "usage metrics", GatewayServices: 12 }),
    );
  });

  it("describes a report without usage from Kong's report alone: no units, no contract, the expiry", async () => {
    const collected = sampleMarch();
    const ports = createMonitoringPorts({ eventBus: "kong-reports" });

    await notifyMonitors(ports.monitors, observationOf(collected, true), {
      logger,
      signal: AbortSignal.timeout(10_000),
    });

    expect(events.events.map((event) => event.detail)).toStrictEqual([
      {
        cluster: null, // no label: only the source's segment
        cluster_segment: "_src-0123456789abcdef",
        as_of: "2025-03",
        bucket: "reports",
        key: "adhoc/_src-0123456789abcdef/2025-03/report.json",
        checksum: collected.report.checksum,
        generated_at: "2025-04-01T00:00:00.000Z",
        trigger: "console",
        units: null,
        // 2025-04-01 → 2026-01-31: 275 days to 2026-01-01, + 30.
        license: { expires: "2026-01-31", days_to_expiry: 305 },
        contract: null,
      },
    ]);
  });

  it("gives the units and no contract when the report was held against none", async () => {
    const collected = sampleMarch();
    const units = {
      gateway_services: 12,
      discrete_services: 8,
      api_requests_month: 512_345,
      api_requests_term: null,
      ai_model_hours_month: null,
    };
    collected.details.usage = {
      as_of: "2025-03",
      units,
      license: {
        expires: "2026-01-31",
        days_to_expiry: 305,
        customer: null,
        product_subscription: null,
        support_plan: null,
        dataplanes: { licensed: null, connected: 0 },
        admin_seats: { licensed: null, rbac_users: 2 },
      },
      contract: null,
      forecast: [],
      notes: [],
    };

    await notifyMonitors(
      createMonitoringPorts({ eventBus: "kong-reports" }).monitors,
      observationOf(collected, true),
      {
        logger,
      },
    );

    expect(events.events[0]?.detail).toMatchObject({ units, contract: null });
  });
});
