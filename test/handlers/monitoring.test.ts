import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import type { Usage } from "#lib/report/usage-types.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import { createHttpHandler } from "../../handlers/http.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { DEMO_SEED, openTestDatabase, SCHEMAS, type TestDatabase } from "../helpers/kong-db.ts";
import { buildHttpApiEvent, buildLambdaContext } from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar } from "../helpers/untar.ts";

const BUCKET = "reports";
// The demo database: 21 services, 16 discrete services. 21 of 25 is 84 % (warn), 16 of 40 is 40 % (ok).
const CONTRACT = { name: "ACME-2026", limits: { gateway_services: 25, discrete_services: 40 } };

/** An EventBridge endpoint on loopback: records each PutEvents request and answers as AWS does. */
async function startEventBridge(): Promise<{
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }>;
  refuse: boolean;
  close(): Promise<void>;
}> {
  const state = {
    requests: [] as Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }>,
    refuse: false,
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      state.requests.push({
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      response.end(
        JSON.stringify(
          state.refuse
            ? {
                FailedEntryCount: 1,
                Entries: [{ ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "no" }],
              }
            : { FailedEntryCount: 0, Entries: [{ EventId: "11111111-2222-3333-4444-555555555555" }] },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get refuse() {
      return state.refuse;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("Handler: GET /license/report's metrics (EMF) and event", () => {
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let events: Awaited<ReturnType<typeof startEventBridge>>;
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
    events = await startEventBridge();
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
    events.requests.length = 0;
    events.refuse = false;
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
    expect(events.requests).toHaveLength(1);
    const [request] = events.requests;
    expect(request?.headers["x-amz-target"]).toBe("AWSEvents.PutEvents");
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/events\/aws4_request/,
    );
    const entry = (request?.body.Entries as Array<Record<string, unknown>> | undefined)?.[0];
    expect(entry).toMatchObject({
      EventBusName: "kong-reports",
      Source: "kong-license-report",
      DetailType: "License Report Generated",
    });
    const detail = JSON.parse(String(entry?.Detail)) as Record<string, unknown>;
    expect(detail).toMatchObject({
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
    events.refuse = true;
    const response = await call("format=json");
    expect(response.statusCode).toBe(200);
    const warning = records().find((record) => record.message === "report monitor failed");
    expect(JSON.stringify(warning)).toContain("refused the event: NotAuthorizedForSourceException");
    // A JSON report without details is still measured, from Kong's report alone.
    const emf = records().find((record) => "_aws" in record);
    expect(emf).toMatchObject({ GatewayServices: 21 });
    expect(emf).not.toHaveProperty("DiscreteServices");
  });
});
