import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createEventBridgeClient,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  putReportEvent,
  type ReportGeneratedDetail,
} from "#lib/aws/report-events.ts";
import { type EventBridgeServer, startEventBridgeServer } from "../../local/eventbridge.ts";

// `License Report Generated` put on a bus through the real @aws-sdk/client-eventbridge client, built
// as the functions build it (region, credentials and endpoint from the environment), against the
// local EventBridge endpoint.

const DETAIL: ReportGeneratedDetail = {
  cluster: "prod-eu-1",
  cluster_segment: "prod-eu-1",
  as_of: "2026-10",
  bucket: "reports",
  key: "reports/prod-eu-1/2026-10/report.tar",
  checksum: "0123456789abcdef0123456789abcdef01234567",
  generated_at: "2026-11-01T00:00:05.000Z",
  trigger: "schedule",
  units: { gateway_services: 21, discrete_services: 16, api_requests_month: null },
  license: { expires: "2027-01-31", days_to_expiry: 91 },
  contract: { name: "ACME-2026", lines: [{ unit: "gateway_services", status: "warn", percent: 84 }] },
};

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

describe("Adapter: putReportEvent", () => {
  let events: EventBridgeServer;
  let client: EventBridgeClient;

  beforeAll(async () => {
    events = await startEventBridgeServer({ buses: ["kong-reports"], accessKeyId: "AKIDLOCAL" });
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ENDPOINT_URL_EVENTBRIDGE", events.url);
    client = createEventBridgeClient();
  });
  afterAll(async () => {
    client?.destroy();
    vi.unstubAllEnvs();
    await events?.close();
  });
  afterEach(() => {
    events.clearEvents();
  });

  it("puts one signed event whose source, detail-type, time and detail a rule can match on", async () => {
    await putReportEvent(client, "kong-reports", DETAIL);

    expect(events.requests.at(-1)?.target).toBe("AWSEvents.PutEvents");
    expect(events.requests.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/us-east-1\/events\/aws4_request/,
    );
    expect(events.events).toHaveLength(1);
    expect(events.events[0]).toMatchObject({
      bus: "kong-reports",
      source: "kong-license-report",
      detailType: "License Report Generated",
      detail: DETAIL, // the whole detail, as JSON
      time: new Date("2026-11-01T00:00:05.000Z"), // the report's generated_at, not the sending time
    });
    expect([EVENT_SOURCE, EVENT_DETAIL_TYPE]).toStrictEqual([
      "kong-license-report",
      "License Report Generated",
    ]);
  });

  it("puts it on a bus named by its ARN, with a deadline", async () => {
    await putReportEvent(client, "arn:aws:events:us-east-1:000000000000:event-bus/kong-reports", DETAIL, {
      signal: AbortSignal.timeout(10_000),
    });

    expect(events.events.map((event) => event.bus)).toStrictEqual(["kong-reports"]);
  });

  it("fails naming the bus when it does not exist", async () => {
    const error = await rejectionOf(putReportEvent(client, "kong-missing", DETAIL));

    expect(error.message).toBe(
      "PutEvents to kong-missing failed: ResourceNotFoundException: Event bus kong-missing does not exist",
    );
    expect(events.events).toHaveLength(0);
  });

  it("fails when EventBridge answers 200 but refused the entry (FailedEntryCount)", async () => {
    events.refuseEntries(
      "NotAuthorizedForSourceException",
      "Not authorized for the source.\nRequest id 1234",
    );

    const error = await rejectionOf(putReportEvent(client, "kong-reports", DETAIL));

    // The code and the first line of the message, without its final period.
    expect(error.message).toBe(
      "PutEvents to kong-reports refused the event: NotAuthorizedForSourceException: Not authorized for the source",
    );
    expect(events.events).toHaveLength(0);
  });

  it("lets the SDK retry a throttle, and fails once its attempts are spent", async () => {
    // Once: the SDK's retry gets the event through.
    events.failNext("ThrottlingException", "Rate exceeded");
    await putReportEvent(client, "kong-reports", DETAIL);
    expect(events.events).toHaveLength(1);

    // On every one of the SDK's 3 attempts.
    events.failNext("ThrottlingException", "Rate exceeded", { count: 3 });
    const error = await rejectionOf(putReportEvent(client, "kong-reports", DETAIL));

    expect(error.message).toBe("PutEvents to kong-reports failed: ThrottlingException: Rate exceeded");
    expect(events.events).toHaveLength(1);
  });

  it("fails on credentials EventBridge does not know, without echoing the secret", async () => {
    const stranger = new EventBridgeClient({
      endpoint: events.url,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDOTHER", secretAccessKey: "other-secret" },
    });

    const error = await rejectionOf(putReportEvent(stranger, "kong-reports", DETAIL));
    stranger.destroy();

    expect(error.message).toBe(
      "PutEvents to kong-reports failed: UnrecognizedClientException: The security token included in the request is invalid",
    );
    expect(error.message).not.toContain("other-secret");
  });

  it("fails at the deadline without sending", async () => {
    const before = events.requests.length;

    const error = await rejectionOf(
      putReportEvent(client, "kong-reports", DETAIL, { signal: AbortSignal.abort() }),
    );

    expect(error.message).toMatch(/^PutEvents to kong-reports failed: AbortError: /);
    expect(events.requests.length).toBe(before);
  });
});
