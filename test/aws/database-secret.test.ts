import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabaseSecretReader, type SecretLocation } from "#lib/aws/database-secret.ts";
import { DatabaseAccessError } from "#lib/errors.ts";
import { type SecretsManagerServer, startSecretsManagerServer } from "../../local/secrets-manager.ts";
import { rejectionOf } from "../data-api/harness.ts";
import { closedPort } from "../helpers/closed-port.ts";

// The secret reader of the direct PostgreSQL forms with the real @aws-sdk/client-secrets-manager
// against the local Secrets Manager endpoint (JSON 1.1, the service's error types). Node only.

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-db-AbCdEf";
const CREDENTIALS = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret-key" } as const;
const RDS_SECRET = {
  engine: "postgres",
  host: "kong.abc123.eu-west-1.rds.amazonaws.com",
  port: 5432,
  username: "kong_report",
  password: "p@ss-w0rd-never-shown",
  dbname: "kong",
};
const location = (secretArn = ARN): SecretLocation => ({
  secretArn,
  setting: "KONG_PG_SECRET_ARN",
  identity: "the function's role",
});

describe("Local Secrets Manager endpoint and the database secret reader", () => {
  let server: SecretsManagerServer;

  beforeAll(async () => {
    server = await startSecretsManagerServer({
      accessKeyId: CREDENTIALS.accessKeyId,
      secrets: { [ARN]: JSON.stringify(RDS_SECRET) },
    });
    vi.stubEnv("AWS_ACCESS_KEY_ID", CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", server.url);
  });

  // One test points the endpoint at a closed port.
  afterEach(() => {
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", server.url);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
  });

  it("answers GetSecretValue as the service does, to the SDK's own client", async () => {
    // Act
    const client = new SecretsManagerClient({
      region: "eu-west-1",
      endpoint: server.url,
      credentials: CREDENTIALS,
    });
    const answer = await client.send(new GetSecretValueCommand({ SecretId: ARN }));

    // Assess
    expect(answer).toMatchObject({
      ARN,
      Name: "kong-db",
      SecretString: JSON.stringify(RDS_SECRET),
      VersionStages: ["AWSCURRENT"],
    });
    expect(answer.CreatedDate).toBeInstanceOf(Date);
    expect(answer.VersionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a call signed with another access key, and names the SDK's error types", async () => {
    const stranger = new SecretsManagerClient({
      region: "eu-west-1",
      endpoint: server.url,
      credentials: { accessKeyId: "AKIDSTRANGER", secretAccessKey: "x" },
    });

    const refused = await rejectionOf(stranger.send(new GetSecretValueCommand({ SecretId: ARN })));
    const client = new SecretsManagerClient({
      region: "eu-west-1",
      endpoint: server.url,
      credentials: CREDENTIALS,
    });
    const missing = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: `${ARN}x` })));

    expect(refused.name).toBe("UnrecognizedClientException");
    expect(missing.name).toBe("ResourceNotFoundException");
    expect(missing.message).toBe("Secrets Manager can't find the specified secret.");
    expect((missing as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
  });

  it("reads the fields RDS writes, once, until told to forget them", async () => {
    // Prepare
    const reader = createDatabaseSecretReader();
    const before = server.reads(ARN);

    // Act
    const first = await reader.read(location());
    const second = await reader.read(location());
    reader.forget(location());
    const third = await reader.read(location());

    // Assess
    expect(first).toEqual(RDS_SECRET);
    expect(second).toBe(first);
    expect(third).toEqual(RDS_SECRET);
    expect(server.reads(ARN) - before).toBe(2);
  });

  it("accepts a port written as text and a secret without dbname or engine", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hand-written-Xy12Zz";
    server.putSecret(
      arn,
      JSON.stringify({ host: "db.internal", port: "6432", username: "u", password: "p" }),
    );

    const secret = await createDatabaseSecretReader().read(location(arn));

    expect(secret).toEqual({ host: "db.internal", port: 6432, username: "u", password: "p" });
  });

  it("does not keep a failed read: the next read asks again", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:late-Pp00Qq";
    const reader = createDatabaseSecretReader();

    const error = await rejectionOf(reader.read(location(arn)));
    server.putSecret(arn, JSON.stringify(RDS_SECRET));
    const secret = await reader.read(location(arn));

    expect(error.message).toBe(
      `Secrets Manager found no secret ${arn} (KONG_PG_SECRET_ARN; ResourceNotFoundException). Give the full ARN, with its 6-character suffix, in the secret's region.`,
    );
    expect(secret.username).toBe("kong_report");
  });

  it.each([
    [{ ...RDS_SECRET, port: 70000 }, '"port" is not a port number'],
    [{ ...RDS_SECRET, username: "" }, '"username" is not a non-empty string'],
    [{ ...RDS_SECRET, password: 42 }, '"password" is not a non-empty string'],
    [[RDS_SECRET], "is not a JSON object"],
  ])("refuses %j, naming the field, never a value", async (value, problem) => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bad-shape-Bb00Cc";
    server.putSecret(arn, JSON.stringify(value));

    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain("never-shown");
  });

  it("says Secrets Manager did not answer when nothing listens (private subnets without an endpoint)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", `http://127.0.0.1:${await closedPort()}`);

    const error = await rejectionOf(createDatabaseSecretReader().read(location()));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `Secrets Manager did not answer while reading the secret ${ARN} (KONG_PG_SECRET_ARN) (ECONNREFUSED). Check the network path to Secrets Manager: a function in private subnets needs an interface VPC endpoint for it or a NAT gateway (docs/deploy.md).`,
    );
  });
});
