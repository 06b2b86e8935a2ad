import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "#lib/log.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import type { ScheduledTriggerEvent } from "#lib/triggers/scheduled-event.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import { createScheduledHandler } from "../../handlers/scheduled.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { DEMO_SEED, openTestDatabase, SCHEMAS, type TestDatabase } from "../helpers/kong-db.ts";
import { buildLambdaContext, buildScheduledEvent } from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { fetchTar } from "../helpers/untar.ts";

const BUCKET = "scheduled-reports";

describe("Handler: scheduled and console runs", () => {
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let logs: string[];
  let env: Record<string, string>;

  const invoke = (event: unknown, environment: Record<string, string> = env) =>
    createScheduledHandler({
      env: environment,
      logger: createLogger({ write: (line) => logs.push(line) }),
      // Lambda hands the function whatever JSON the caller sent: malformed events included.
    }).handler(event as ScheduledTriggerEvent, buildLambdaContext()) as Promise<LinkDocument>;

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const fixture = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    dataApi = await startTestEndpoint(db, fixture.schema);
    s3 = await startLocalS3([BUCKET]);
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    env = {
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: databaseNameOf(db),
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      REPORT_BUCKET: BUCKET,
      REPORT_TIME_ZONE: "Europe/Paris",
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
    await dataApi?.close();
    await db?.close();
  });

  beforeEach(() => {
    logs = [];
  });

  it("runs a console test event {format: tar, asOf} and returns the link document", async () => {
    // Act
    const link = await invoke({ format: "tar", asOf: "2026-10" });

    // Assess
    expect(link.format).toBe("tar");
    // A console run is ad hoc: kept as long as HTTP and CLI reports, not as long as scheduled ones.
    expect(link.key).toMatch(
      /^license-reports\/adhoc\/\d{13}\/[^/]+\/2026-10\/console\/[0-9a-f]{40}\/report-.*-[0-9a-f]{12}\.tar$/,
    );
    const files = await fetchTar(link.url);
    const report = JSON.parse(files.get("response.json")?.toString("utf8") ?? "") as Record<string, unknown>;
    expect(report.collector).toMatchObject({ as_of: "2026-10", time_zone: "Europe/Paris" });
    expect(computeChecksum(report)).toBe(link.checksum);
  });

  it("runs an EventBridge scheduled event as a tar (the default) and logs the link without its signature", async () => {
    // Act
    const link = await invoke(buildScheduledEvent());

    // Assess
    expect(link.format).toBe("tar");
    expect(link.key).toMatch(/^license-reports\/scheduled\/\d{13}\/[^/]+\/\d{4}-\d{2}\/schedule\//);
    expect((await fetch(link.url)).status).toBe(200);
    const logged = logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((r) => r.message === "report link");
    expect(logged).toMatchObject({ trigger: "schedule", link: { key: link.key, checksum: link.checksum } });
    const loggedUrl = String((logged?.link as Record<string, unknown> | undefined)?.url);
    expect(loggedUrl).toBe(`${link.url.slice(0, link.url.indexOf("?"))}?[query redacted]`);
    expect(logs.join("\n")).not.toContain("X-Amz-Signature=");
  });

  it("runs an empty invocation (null event) as a console run with the defaults: this month's tar", async () => {
    // Act
    const link = await invoke(null);

    // Assess
    expect(link.format).toBe("tar");
    expect(link.key).toMatch(/^license-reports\/adhoc\/\d{13}\/[^/]+\/\d{4}-\d{2}\/console\//);
    const requested = logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((record) => record.message === "report requested");
    expect(requested).toMatchObject({ trigger: "manual", format: "tar", details: true });
  });

  it.each([
    ["details", { format: "json", asOf: "2026-10", include: "details" }],
    ["[details]", { format: "json", asOf: "2026-10", include: ["details"] }],
    ["nothing", { format: "json", asOf: "2026-10" }],
  ])(
    "answers a JSON console run including %s with the report and, if asked, its details",
    async (included, event) => {
      // Act
      const link = await invoke(event);

      // Assess
      expect(link.format).toBe("json");
      const stored = (await (await fetch(link.url)).json()) as Record<string, unknown>;
      const { details, ...report } = stored;
      expect(computeChecksum(report)).toBe(link.checksum);
      expect(details !== undefined).toBe(included !== "nothing");
    },
  );

  it.each([
    [{ format: "zip" }, "BadParameterError", /Invalid format "zip": use json or tar/],
    [{ asOf: "2026-13" }, "BadParameterError", /asOf "2026-13".*YYYY-MM/],
    [{ asOf: "1999-01" }, "BadParameterError", /asOf "1999-01": the reporting month must be from 2015-01/],
    [{ format: "tar", key1: "value1" }, "BadParameterError", /Unknown field "key1".*Allowed: format/],
    [{ details: "no" }, "BadParameterError", /"details" must be a boolean/],
    ["tar", "BadParameterError", /must be a JSON object.*not string\./],
    [["tar"], "BadParameterError", /must be a JSON object.*not an array\./],
    [
      { key1: 1, key2: 2 },
      "BadParameterError",
      /^Unknown fields "key1", "key2" in the event\. Allowed: format/,
    ],
    [{ include: 5 }, "BadParameterError", /^Field "include" must be "details" or \["details"\], not 5\./],
    [{ include: ["details", 5] }, "BadParameterError", /^Field "include" must be .*, not \["details",5\]\./],
  ])("rejects the event %j with a clear error and no stack trace", async (event, name, message) => {
    // Act
    const failure = (await invoke(event).catch((error: unknown) => error)) as Error;

    // Assess
    expect(failure.name).toBe(name);
    expect(failure.message).toMatch(message);
    expect(failure.stack).toBe(`${failure.name}: ${failure.message}`);
    expect(logs.some((line) => line.includes('"report run failed"'))).toBe(true);
  });

  it("fails the invocation naming the variable when configuration is invalid", async () => {
    // Act
    const failure = (await invoke({}, { ...env, REPORT_URL_TTL_SECONDS: "999999999" }).catch(
      (e: unknown) => e,
    )) as Error;

    // Assess
    expect(failure.name).toBe("ConfigError");
    expect(failure.message).toMatch(
      /^REPORT_URL_TTL_SECONDS "999999999" is invalid: expected a whole number from 1 to 604800/,
    );
  });
});
