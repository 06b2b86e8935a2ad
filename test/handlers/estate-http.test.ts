import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyEstateDigest } from "#lib/estate/estate-digest.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { EstateLink } from "#lib/use-cases/store-estate.ts";
import { createEstateAggregateHandler } from "../../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../../handlers/estate-collect.ts";
import { createEstateHttpHandler } from "../../handlers/estate-http.ts";
import { executeLocally, FUNCTION_ARNS, type LambdaHandler } from "../../local/step-functions.ts";
import { type EstateFixture, REPORT_BUCKET, startEstateFixture } from "../helpers/estate-fixture.ts";
import { testTargets } from "../helpers/kong-db.ts";
import {
  buildHttpApiEvent,
  buildLambdaContext,
  cognitoClaims,
  type HttpEventInput,
} from "../helpers/lambda-events.ts";
import { type LocalStepFunctions, startLocalStepFunctions } from "../helpers/local-step-functions.ts";
import { fetchTar } from "../helpers/untar.ts";

// GET /license/estate end to end: HTTP API v2 events behind the JWT authorizer → the real middy handler
// → the environments file in (local, SigV4-checking) S3 → two Kong databases through the local Data API
// endpoint. A small estate answers 200 with its link; a larger one starts the state machine (202), whose
// input then runs locally through the ASL with the real step handlers.

const STATE_MACHINE_ARN =
  "arn:aws:states:us-east-1:123456789012:stateMachine:kong-license-report-test-estate";

describe.each(testTargets())("Handler: GET /license/estate on %s", (target) => {
  let fixture: EstateFixture;
  let stepFunctions: LocalStepFunctions;
  let logs: string[];

  const call = async (input: HttpEventInput, env: Record<string, string> = {}) => {
    const { handler } = createEstateHttpHandler({
      env: {
        ...fixture.env,
        ADMIN_GROUPS: "kong-admins",
        ESTATE_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
        ...env,
      },
      logger: createLogger({ write: (line) => logs.push(line) }),
      deadline: { marginMs: 1_000, cleanupMs: 500 },
    });
    const event = await buildHttpApiEvent({ path: "/license/estate", ...input });
    return (await handler(event, buildLambdaContext(28_000) as never)) as HttpResponse;
  };
  const bodyOf = (response: HttpResponse) => JSON.parse(response.body) as Record<string, unknown>;

  beforeAll(async () => {
    fixture = await startEstateFixture(target, ["demo", "t2"]);
    stepFunctions = await startLocalStepFunctions(STATE_MACHINE_ARN);
    // The SFN client reads its endpoint as in Lambda, from the environment (unstubbed by fixture.close).
    vi.stubEnv("AWS_ENDPOINT_URL_SFN", stepFunctions.url);
    // One PGlite (or PostgreSQL) database loading two Kong fixtures: slow on a busy 2-core runner.
  }, 180_000);

  afterAll(async () => {
    await stepFunctions?.close();
    await fixture?.close();
  });

  beforeEach(async () => {
    logs = [];
    stepFunctions.started.length = 0;
    await fixture.writeEnvironments({
      environments: [
        { environment: "prod-eu", data_api: fixture.dataApi("demo") },
        { environment: "staging", data_api: fixture.dataApi("t2") },
      ],
    });
  });

  it("answers an admin 200 with the link to a verifiable estate tar, collected in-process", async () => {
    // Act
    const response = await call({ query: "format=tar" });

    // Assess
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const link = bodyOf(response) as unknown as EstateLink;
    expect(link).toMatchObject({
      bucket: REPORT_BUCKET,
      format: "tar",
      environments: 2,
      environments_reported: 2,
      failed: [],
    });
    expect(stepFunctions.started).toEqual([]);
    const files = await fetchTar(link.url);
    const estate = JSON.parse(files.get("estate.json")?.toString("utf8") ?? "") as EstateDocument;
    expect(verifyEstateDigest(estate as never).valid).toBe(true);
    expect(estate.digest).toBe(link.digest);
    for (const name of ["prod-eu", "staging"]) {
      expect(
        verifyReport(JSON.parse(files.get(`environments/${name}/response.json`)?.toString("utf8") ?? ""))
          .valid,
      ).toBe(true);
    }
    // Demo (21 services, 40 routes) + T2 (1 service, 4 routes), as the fixtures document them.
    expect(estate.totals).toMatchObject({ services_count: 22, routes_count: 44, environments_reported: 2 });
    // The access log names the caller and never the signed URL.
    expect(logs.join("\n")).not.toContain("X-Amz-Signature");
  });

  it("refuses a signed-in viewer with 403 and collects nothing", async () => {
    // Prepare
    const before = await fixture.s3.listKeys(REPORT_BUCKET);

    // Act
    const response = await call({ query: "format=json", claims: cognitoClaims(["kong-viewers"]) });

    // Assess
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response).message).toMatch(/not a report admin/);
    expect(await fixture.s3.listKeys(REPORT_BUCKET)).toEqual(before);
    expect(stepFunctions.started).toEqual([]);
  });

  it("starts the state machine for an estate larger than ESTATE_INLINE_MAX and answers 202 with the execution", async () => {
    // Act
    const response = await call({ query: "format=tar&as_of=2026-10" }, { ESTATE_INLINE_MAX: "1" });

    // Assess: 202, the execution to follow, and the state machine got the request.
    expect(response.statusCode, response.body).toBe(202);
    const body = bodyOf(response);
    expect(stepFunctions.started).toHaveLength(1);
    const [started] = stepFunctions.started;
    expect(started?.input).toEqual({ format: "tar", as_of: "2026-10", include_details: false });
    expect(body).toMatchObject({ status: "started", environments: 2, execution_arn: started?.executionArn });
    expect(String(body.message)).toContain("ESTATE_INLINE_MAX");
    expect(String(body.console_url)).toContain(encodeURI(String(started?.executionArn)));

    // That input, run through the ASL with the real step handlers, gives the estate.
    const logger = createLogger({ write: () => undefined });
    const functions = {
      [FUNCTION_ARNS.EstateCollectFunctionArn]: createEstateCollectHandler({ env: fixture.env, logger })
        .handler as LambdaHandler,
      [FUNCTION_ARNS.EstateAggregateFunctionArn]: createEstateAggregateHandler({ env: fixture.env, logger })
        .handler as LambdaHandler,
    };
    const { output } = await executeLocally(functions, started?.input);
    expect(output).toMatchObject({
      format: "tar",
      as_of: "2026-10",
      environments: 2,
      environments_reported: 2,
    });
  });

  it("runs in-process when no state machine is configured, whatever the size", async () => {
    // Act
    const response = await call(
      { query: "format=json" },
      { ESTATE_INLINE_MAX: "1", ESTATE_STATE_MACHINE_ARN: "" },
    );

    // Assess
    expect(response.statusCode, response.body).toBe(200);
    expect(bodyOf(response)).toMatchObject({ format: "json", environments: 2 });
    expect(stepFunctions.started).toEqual([]);
  });

  it("answers 400 for an unknown or bad query parameter and 405 for another method", async () => {
    const unknown = await call({ query: "fromat=tar" });
    const bad = await call({ query: "as_of=2026-13" });
    const post = await call({ method: "POST" });

    expect(unknown.statusCode).toBe(400);
    expect(bodyOf(unknown).message).toBe(
      'Unknown query parameter "fromat". Allowed: format=json|tar, as_of=YYYY-MM, include=details.',
    );
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).message).toMatch(/as_of/);
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe("GET, OPTIONS");
  });

  it("answers 500 naming ESTATE_ENVIRONMENTS and the entry when the environments file is wrong, without echoing secrets", async () => {
    // Prepare
    await fixture.writeEnvironments({
      environments: [
        { environment: "prod-eu", data_api: fixture.dataApi("demo") },
        { environment: "prod-eu", database_url: "postgres://kong:s3cr3t-pw@db.internal:5432/kong" },
      ],
    });

    // Act
    const response = await call({ query: "format=json" });

    // Assess
    expect(response.statusCode).toBe(500);
    const message = String(bodyOf(response).message);
    expect(message).toContain("s3://kong-config/estate/environments.json");
    expect(message).toContain("prod-eu");
    expect(message).not.toContain("s3cr3t-pw");
  });

  it("answers 500 naming ESTATE_ENVIRONMENTS when the file does not exist", async () => {
    const response = await call(
      { query: "format=json" },
      { ESTATE_ENVIRONMENTS: "s3://kong-config/estate/missing.json" },
    );

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response).message).toBe(
      "The environments file s3://kong-config/estate/missing.json (ESTATE_ENVIRONMENTS) could not be read: no such object. Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).",
    );
  });
});
