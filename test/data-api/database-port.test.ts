import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { describeDatabase, openDatabasePort } from "#lib/compose/open-database-port.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { type StsServer, startStsServer } from "../../local/sts.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { openTestDatabase, type TestDatabase } from "../helpers/kong-db.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "./harness.ts";

// openDatabasePort as the Lambdas and the estate use it: the Data API port with the production
// client (region from the cluster ARN, another account's role assumed through STS), and the pg port
// opened lazily. STS is the local AssumeRole endpoint (awsQuery, as @aws-sdk/client-sts speaks it);
// the Data API is the local endpoint behind a proxy that shows how each request was signed.

const ROLE_ARN = "arn:aws:iam::210987654321:role/kong-license-report";
const BASE_KEY = "AKIDESTATEBASE";
const ASSUMED = { key: "ASIAASSUMEDROLE", secret: "assumed-secret", token: "assumed-session-token" };

describe("openDatabasePort (pglite)", () => {
  let db: TestDatabase;
  let server: DataApiServer;
  let proxy: FaultProxy;
  let sts: StsServer;
  let database: string;

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const schema = (await db.createFixture("SELECT 1")).schema;
    database = databaseNameOf(db);
    server = await startTestEndpoint(db, schema);
    proxy = await startFaultProxy(server.url);
    sts = await startStsServer({
      credentials: { accessKeyId: ASSUMED.key, secretAccessKey: ASSUMED.secret, sessionToken: ASSUMED.token },
    });
  });
  afterAll(async () => {
    await sts?.close();
    await proxy?.close();
    await server?.close();
    await db?.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    proxy.seen.length = 0;
    sts.calls.length = 0;
  });

  /** The base identity in the environment, as in Lambda; no region: the cluster ARN must give it. */
  const stubLambdaEnvironment = () => {
    for (const name of ["AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/klr-aws-config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/klr-aws-credentials");
    vi.stubEnv("AWS_ACCESS_KEY_ID", BASE_KEY);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "base-secret");
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.url);
  };
  const credentialOf = (authorization: unknown) =>
    /Credential=([^,]+)/.exec(String(authorization))?.[1]?.split("/");

  it("queries another account's cluster with the role it assumes (ExternalId, session name), in the cluster ARN's region", async () => {
    // Prepare
    stubLambdaEnvironment();
    const port = openDatabasePort({
      kind: "data-api",
      resourceArn: RESOURCE_ARN,
      secretArn: SECRET_ARN,
      database,
      endpoint: proxy.endpoint,
      roleArn: ROLE_ARN,
      externalId: "estate-42",
      settings: "environments-file",
    });

    // Act
    const rows = await port.query("SELECT 'ok' AS answer");
    await port.close();

    // Assess: one AssumeRole, signed by the base identity for STS in us-east-1 (the ARN's region)
    expect(rows).toEqual([{ answer: "ok" }]);
    expect(sts.calls.map((call) => call.params)).toEqual([
      {
        Action: "AssumeRole",
        Version: "2011-06-15",
        RoleArn: ROLE_ARN,
        RoleSessionName: "kong-license-report",
        ExternalId: "estate-42",
      },
    ]);
    expect(credentialOf(sts.calls[0]?.authorization)).toEqual([
      BASE_KEY,
      expect.stringMatching(/^\d{8}$/),
      "us-east-1",
      "sts",
      "aws4_request",
    ]);
    // The Data API call carries the assumed credentials, never the base ones.
    expect(proxy.seen).toHaveLength(1);
    expect(credentialOf(proxy.seen[0]?.headers.authorization)).toEqual([
      ASSUMED.key,
      expect.stringMatching(/^\d{8}$/),
      "us-east-1",
      "rds-data",
      "aws4_request",
    ]);
    expect(proxy.seen[0]?.headers["x-amz-security-token"]).toBe(ASSUMED.token);
  });

  it("uses the function's own identity without a role, and the configured region over the ARN's", async () => {
    // Prepare
    stubLambdaEnvironment();
    const port = openDatabasePort({
      kind: "data-api",
      resourceArn: RESOURCE_ARN,
      secretArn: SECRET_ARN,
      database,
      endpoint: proxy.endpoint,
      region: "eu-west-1",
      settings: "environments-file",
    });

    // Act
    const rows = await port.query("SELECT 'ok' AS answer");
    await port.close();

    // Assess
    expect(rows).toEqual([{ answer: "ok" }]);
    expect(sts.calls).toEqual([]);
    expect(credentialOf(proxy.seen[0]?.headers.authorization)?.slice(0, 3)).toEqual([
      BASE_KEY,
      expect.stringMatching(/^\d{8}$/),
      "eu-west-1",
    ]);
  });

  it("opens no PostgreSQL connection until the first query, so closing an unused port never connects", async () => {
    // Prepare: nothing listens at the URL; a connection attempt would fail.
    const tcp = await closedPort();
    const url = `postgres://kong:pw@127.0.0.1:${tcp}/kong`;
    const port = openDatabasePort({
      kind: "postgres",
      url,
      schema: "kong",
      statementTimeoutMs: 1_000,
      settings: "command-line",
    });

    // Act + Assess
    await expect(port.close()).resolves.toBeUndefined();
    expect(describeDatabase({ kind: "postgres", url, settings: "command-line" })).toBe(
      `PostgreSQL 127.0.0.1:${tcp}/kong as kong`,
    );
    expect(
      describeDatabase({
        kind: "data-api",
        resourceArn: RESOURCE_ARN,
        secretArn: SECRET_ARN,
        database: "kong",
        settings: "environment",
      }),
    ).toBe(`the RDS Data API (${RESOURCE_ARN}, database kong)`);
  });
});
