import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRdsAuthToken } from "#lib/aws/rds-auth-token.ts";
import { DatabaseAccessError } from "#lib/errors.ts";
import { type StsServer, startStsServer } from "../../local/sts.ts";
import { rejectionOf } from "../data-api/harness.ts";

// IAM database authentication tokens from the real @aws-sdk/rds-signer. A token is a SigV4 presigned
// `connect` URL without its scheme (RDS User Guide, "Connecting to your DB instance using IAM
// authentication"): `host:port/?Action=connect&DBUser=…&X-Amz-…`, valid 900 s, for the rds-db
// service in the database's region. Another account's role comes from the local STS endpoint.

const BASE = { accessKeyId: "AKIDLOCALBASE", secretAccessKey: "base-secret-never-shown" } as const;
const ASSUMED = {
  accessKeyId: "ASIALOCALASSUMED",
  secretAccessKey: "assumed-secret-never-shown",
  sessionToken: "assumed-session-token-never-shown",
} as const;
const ROLE_ARN = "arn:aws:iam::210987654321:role/kong-license-report-db";
const HOST = "kong.cluster-abc123.eu-central-1.rds.amazonaws.com";
const NOW = new Date("2026-12-01T10:00:00.000Z");

/** The token's query parameters, after checking the part before them. */
function parametersOf(token: string, hostAndPort: string): Record<string, string> {
  expect(token.startsWith(`${hostAndPort}/?`)).toBe(true);
  return Object.fromEntries(new URLSearchParams(token.slice(hostAndPort.length + 2)));
}

describe("createRdsAuthToken", () => {
  let sts: StsServer;

  beforeAll(async () => {
    sts = await startStsServer({ credentials: ASSUMED });
  });
  afterAll(async () => {
    await sts?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    sts.calls.length = 0;
  });

  /** The base identity in the environment, as in Lambda; STS local. */
  const stubBaseIdentity = () => {
    for (const name of ["AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/klr-aws-config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/klr-aws-credentials");
    vi.stubEnv("AWS_ACCESS_KEY_ID", BASE.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", BASE.secretAccessKey);
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.url);
  };

  it("makes the presigned connect URL RDS expects, for the rds-db service in the database's region", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const token = createRdsAuthToken({
      host: HOST,
      port: 5432,
      user: "kong_report",
      region: "eu-central-1",
      credentials: BASE,
    });

    const parameters = parametersOf(await token(), `${HOST}:5432`);

    expect(parameters).toEqual({
      Action: "connect",
      DBUser: "kong_report",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": `${BASE.accessKeyId}/20261201/eu-central-1/rds-db/aws4_request`,
      "X-Amz-Date": "20261201T100000Z",
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(sts.calls).toEqual([]);
  });

  it("makes a new token for each connection, dated when it is made", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const token = createRdsAuthToken({
      host: HOST,
      port: 5432,
      user: "u",
      region: "eu-central-1",
      credentials: BASE,
    });

    const first = parametersOf(await token(), `${HOST}:5432`);
    vi.setSystemTime(new Date(NOW.getTime() + 16 * 60_000));
    const second = parametersOf(await token(), `${HOST}:5432`);

    expect(first["X-Amz-Date"]).toBe("20261201T100000Z");
    expect(second["X-Amz-Date"]).toBe("20261201T101600Z");
    expect(second["X-Amz-Signature"]).not.toBe(first["X-Amz-Signature"]);
  });

  it("signs with the role it assumes in the database's account (external ID, the database's region)", async () => {
    stubBaseIdentity();
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const token = createRdsAuthToken({
      host: HOST,
      port: 6432,
      user: "kong_report",
      region: "eu-central-1",
      roleArn: ROLE_ARN,
      externalId: "estate-7",
    });

    const parameters = parametersOf(await token(), `${HOST}:6432`);

    expect(sts.calls.map((call) => call.params)).toEqual([
      {
        Action: "AssumeRole",
        Version: "2011-06-15",
        RoleArn: ROLE_ARN,
        RoleSessionName: "kong-license-report",
        ExternalId: "estate-7",
      },
    ]);
    expect(sts.calls[0]?.authorization).toContain(
      `Credential=${BASE.accessKeyId}/20261201/eu-central-1/sts/`,
    );
    // The token carries the role's temporary credentials, never the base identity's.
    expect(parameters["X-Amz-Credential"]).toBe(
      `${ASSUMED.accessKeyId}/20261201/eu-central-1/rds-db/aws4_request`,
    );
    expect(parameters["X-Amz-Security-Token"]).toBe(ASSUMED.sessionToken);
  });

  it("says which role could not be assumed, without a secret, when STS refuses it", async () => {
    stubBaseIdentity();
    const role = "arn:aws:iam::210987654321:role/not-trusting-us";
    sts.refuse(role);
    const token = createRdsAuthToken({
      host: HOST,
      port: 5432,
      user: "kong_report",
      region: "eu-central-1",
      roleArn: role,
    });

    const error = await rejectionOf(token());

    expect(sts.calls.map((call) => call.params.ExternalId)).toEqual([undefined]);
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `Could not make an IAM authentication token for kong_report at ${HOST}:5432 (AccessDenied: User: arn:aws:sts::000000000000:assumed-role/local/local is not authorized to perform: sts:AssumeRole on resource: ${role}): signing it needs AWS credentials (on AWS the function's role; elsewhere AWS_PROFILE or the access keys) allowed to assume ${role}.`,
    );
    expect(error.message).not.toMatch(/never-shown|X-Amz-Signature/);
  });
});
