import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabaseSecretReader, type SecretLocation } from "#lib/aws/database-secret.ts";
import { DatabaseAccessError, TimeoutError } from "#lib/errors.ts";
import { type SecretsManagerServer, startSecretsManagerServer } from "../../local/secrets-manager.ts";
import { type StsServer, startStsServer } from "../../local/sts.ts";
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

  // AWS's secret formats (Secrets Manager User Guide, "JSON structure of AWS Secrets Manager secrets"):
  // an RDS-managed master user secret holds only username and password; the credentials secret of an
  // RDS PostgreSQL database holds engine, host, username, password, dbname and port (a number).
  it("reads an RDS-managed master user secret, which holds only username and password", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0f1e2d3c-Mm11Nn";
    server.putSecret(arn, JSON.stringify({ username: "postgres", password: "m4ster-never-shown" }));

    const secret = await createDatabaseSecretReader().read(location(arn));

    expect(secret).toEqual({ username: "postgres", password: "m4ster-never-shown" });
  });

  it.each(["postgres", "aurora-postgresql", "PostgreSQL"])(
    "accepts the engine %j (RDS and Aurora PostgreSQL)",
    async (engine) => {
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:engine-Ee00Ff";
      server.putSecret(arn, JSON.stringify({ ...RDS_SECRET, engine }));

      const secret = await createDatabaseSecretReader().read(location(arn));

      expect(secret).toEqual({ ...RDS_SECRET, engine });
    },
  );

  const where = (arn: string) => `The secret ${arn} (KONG_PG_SECRET_ARN)`;
  const format =
    'the JSON RDS writes: {"engine": "postgres", "host": "…", "port": 5432, "username": "…", "password": "…", "dbname": "kong"} (dbname optional)';

  it.each([
    [
      "a MySQL secret",
      { ...RDS_SECRET, engine: "mysql", port: 3306 },
      ['"engine" is "mysql", not PostgreSQL'],
    ],
    ["an empty object", {}, ['"username" is missing', '"password" is missing']],
    [
      "null fields",
      { ...RDS_SECRET, username: null, password: null },
      ['"username" is missing', '"password" is missing'],
    ],
    [
      "fields of the wrong type",
      { ...RDS_SECRET, host: 5432, dbname: ["kong"], engine: true },
      [
        '"host" is not a non-empty string',
        '"dbname" is not a non-empty string',
        '"engine" is not a non-empty string',
      ],
    ],
    [
      "a port that is not a number",
      { ...RDS_SECRET, port: "fivefourthreetwo" },
      ['"port" is not a port number'],
    ],
    ["a fractional port", { ...RDS_SECRET, port: 5432.5 }, ['"port" is not a port number']],
    ["port 0", { ...RDS_SECRET, port: 0 }, ['"port" is not a port number']],
  ])("refuses %s, naming every wrong field and no value", async (_, value, problems) => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:wrong-Gg00Hh";
    server.putSecret(arn, JSON.stringify(value));

    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(`${where(arn)} is not usable: ${problems.join("; ")}. Expected ${format}.`);
    expect(error.message).not.toContain("never-shown");
  });

  it("refuses a secret that is not JSON (key=value text) without quoting it", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:text-Jj00Kk";
    server.putSecret(arn, "username=kong password=plain-never-shown");

    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(`${where(arn)} is not JSON; expected ${format}.`);
  });

  it("refuses a binary secret (SecretBinary, no SecretString) without decoding it", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:binary-Ll00Mm";
    server.putBinarySecret(arn, Buffer.from(JSON.stringify(RDS_SECRET), "utf8"));

    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(`${where(arn)} holds no text (a binary secret?); expected ${format}.`);
    expect(error.message).not.toContain("never-shown");
  });

  it("keeps a secret per container: each reader reads once, concurrent first reads share one call", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cached-Nn00Oo";
    server.putSecret(arn, JSON.stringify(RDS_SECRET));
    const container = createDatabaseSecretReader();
    const other = createDatabaseSecretReader();

    const [first, second] = await Promise.all([container.read(location(arn)), container.read(location(arn))]);
    await container.read(location(arn));
    await other.read(location(arn));

    expect(first).toEqual(RDS_SECRET);
    expect(second).toBe(first);
    expect(server.reads(arn)).toBe(2);
  });

  it("reads a rotated secret only once told to forget the old one", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rotated-Pp00Qq";
    server.putSecret(arn, JSON.stringify(RDS_SECRET));
    const reader = createDatabaseSecretReader();
    await reader.read(location(arn));
    server.putSecret(arn, JSON.stringify({ ...RDS_SECRET, password: "r0tated-never-shown" }));

    const stale = await reader.read(location(arn));
    reader.forget(location(arn));
    const fresh = await reader.read(location(arn));

    expect(stale.password).toBe(RDS_SECRET.password);
    expect(fresh.password).toBe("r0tated-never-shown");
  });

  it("retries a throttled read once (two attempts), then says the service throttled it", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:throttled-Rr00Ss";
    server.putSecret(arn, JSON.stringify(RDS_SECRET));

    server.throttle(1);
    const secret = await createDatabaseSecretReader().read(location(arn));
    const readsAfterOne = server.reads(arn);
    server.throttle(2);
    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));
    server.throttle(0);

    expect(secret).toEqual(RDS_SECRET);
    expect(readsAfterOne).toBe(2);
    expect(server.reads(arn)).toBe(4);
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `Reading the secret ${arn} (KONG_PG_SECRET_ARN) from Secrets Manager failed (ThrottlingException: Rate exceeded).`,
    );
  });

  it("tells the function's role to be allowed secretsmanager:GetSecretValue when access is denied", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:denied-Tt00Uu";
    server.putSecret(arn, JSON.stringify(RDS_SECRET));
    server.deny(arn);

    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `Secrets Manager refused to read the secret ${arn} (KONG_PG_SECRET_ARN) (AccessDeniedException): the function's role must be allowed secretsmanager:GetSecretValue on it.`,
    );
    expect(error.message).not.toContain("never-shown");
  });

  it("tells the reader to be allowed kms:Decrypt when the secret's KMS key refuses it", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cmk-Vv00Ww";
    server.putSecret(arn, JSON.stringify(RDS_SECRET));
    server.refuseDecryption(arn);

    const error = await rejectionOf(
      createDatabaseSecretReader().read({ ...location(arn), identity: "the credentials in use" }),
    );

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `Secrets Manager could not decrypt the secret ${arn} (KONG_PG_SECRET_ARN) (DecryptionFailure): a customer-managed KMS key must allow the credentials in use kms:Decrypt (via Secrets Manager).`,
    );
  });

  it("asks whether a secret is scheduled for deletion when the service will not answer for it", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:deleted-Xx00Yy";
    server.putSecret(arn, JSON.stringify(RDS_SECRET));
    server.scheduleDeletion(arn);

    const error = await rejectionOf(createDatabaseSecretReader().read(location(arn)));

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `Secrets Manager cannot answer for the secret ${arn} (KONG_PG_SECRET_ARN) (InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion); is it scheduled for deletion?`,
    );
  });

  it("reports a read stopped by the deadline as a timeout, not as a database access problem", async () => {
    const reader = createDatabaseSecretReader();
    const before = server.reads(ARN);

    const error = await rejectionOf(reader.read(location(), { signal: AbortSignal.abort() }));
    const after = await reader.read(location());

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `The deadline was reached while reading the secret ${ARN} (KONG_PG_SECRET_ARN) from Secrets Manager; nothing was read.`,
    );
    // The stopped read was not kept: the next one asks the service.
    expect(after).toEqual(RDS_SECRET);
    expect(server.reads(ARN) - before).toBe(1);
  });

  it("keeps the newer read when a forgotten read fails after it started", async () => {
    const reader = createDatabaseSecretReader();
    const before = server.reads(ARN);

    // A read stopped by its deadline, forgotten (a refused password), then read again at once.
    const stopped = reader.read(location(), { signal: AbortSignal.abort() });
    reader.forget(location());
    const newer = reader.read(location());
    await rejectionOf(stopped);
    const [first, again] = await Promise.all([newer, reader.read(location())]);

    // The stopped read's failure did not drop the newer one: no third call.
    expect(again).toBe(first);
    expect(first).toEqual(RDS_SECRET);
    expect(server.reads(ARN) - before).toBe(1);
  });

  describe("a secret in another account, read with the role it names", () => {
    const ROLE_ARN = "arn:aws:iam::210987654321:role/kong-license-report";
    const ASSUMED = {
      accessKeyId: "ASIAASSUMEDROLE",
      secretAccessKey: "assumed-secret",
      sessionToken: "assumed-token",
    };
    const OTHER_ARN = "arn:aws:secretsmanager:us-east-2:210987654321:secret:kong-db-Zz11Aa";
    let sts: StsServer;
    let otherAccount: SecretsManagerServer;

    beforeAll(async () => {
      sts = await startStsServer({ credentials: ASSUMED });
      // The other account's endpoint accepts only the assumed role's credentials.
      otherAccount = await startSecretsManagerServer({
        accessKeyId: ASSUMED.accessKeyId,
        secrets: { [OTHER_ARN]: JSON.stringify(RDS_SECRET) },
      });
    });
    afterAll(async () => {
      await otherAccount?.close();
      await sts?.close();
    });
    afterEach(() => {
      sts.calls.length = 0;
    });

    const roleLocation = (): SecretLocation => ({
      ...location(OTHER_ARN),
      roleArn: ROLE_ARN,
      externalId: "estate-42",
    });

    it("assumes the role (with its external ID, in the secret's region) and reads with its credentials", async () => {
      vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.url);
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", otherAccount.url);

      const secret = await createDatabaseSecretReader().read(roleLocation());

      expect(secret).toEqual(RDS_SECRET);
      expect(sts.calls.map((call) => call.params)).toEqual([
        {
          Action: "AssumeRole",
          Version: "2011-06-15",
          RoleArn: ROLE_ARN,
          RoleSessionName: "kong-license-report",
          ExternalId: "estate-42",
        },
      ]);
      expect(/Credential=([^,]+)/.exec(sts.calls[0]?.authorization ?? "")?.[1]?.split("/")).toEqual([
        CREDENTIALS.accessKeyId,
        expect.stringMatching(/^\d{8}$/),
        "us-east-2",
        "sts",
        "aws4_request",
      ]);
    });

    it("keeps the secret per role: the same ARN read with and without the role is read twice", async () => {
      vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.url);
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", otherAccount.url);
      const reader = createDatabaseSecretReader();
      const before = otherAccount.reads(OTHER_ARN);

      await reader.read(roleLocation());
      await reader.read(roleLocation());
      // Without the role the call is signed with the base key, which that account does not know.
      const error = await rejectionOf(reader.read(location(OTHER_ARN)));

      expect(otherAccount.reads(OTHER_ARN) - before).toBe(1);
      expect(error.message).toBe(
        `Secrets Manager refused to read the secret ${OTHER_ARN} (KONG_PG_SECRET_ARN) (UnrecognizedClientException): the function's role must be allowed secretsmanager:GetSecretValue on it.`,
      );
    });

    it("names the role, not the function's own, when that account denies the read", async () => {
      vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.url);
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", otherAccount.url);
      const arn = "arn:aws:secretsmanager:us-east-2:210987654321:secret:denied-Bb11Cc";
      otherAccount.putSecret(arn, JSON.stringify(RDS_SECRET));
      otherAccount.deny(arn);

      const error = await rejectionOf(
        createDatabaseSecretReader().read({ ...roleLocation(), secretArn: arn }),
      );

      expect(error.message).toBe(
        `Secrets Manager refused to read the secret ${arn} (KONG_PG_SECRET_ARN) (AccessDeniedException): the role ${ROLE_ARN} must be allowed secretsmanager:GetSecretValue on it.`,
      );
      expect(error.message).not.toContain(ASSUMED.secretAccessKey);
      expect(error.message).not.toContain(ASSUMED.sessionToken);
    });

    it("names the role (assumed without an external ID) when that account's KMS key refuses to decrypt", async () => {
      vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.url);
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", otherAccount.url);
      const arn = "arn:aws:secretsmanager:us-east-2:210987654321:secret:cmk-Dd11Ee";
      otherAccount.putSecret(arn, JSON.stringify(RDS_SECRET));
      otherAccount.refuseDecryption(arn);

      const error = await rejectionOf(
        createDatabaseSecretReader().read({ ...location(arn), roleArn: ROLE_ARN }),
      );

      expect(sts.calls.map((call) => call.params.ExternalId)).toEqual([undefined]);
      expect(error.message).toBe(
        `Secrets Manager could not decrypt the secret ${arn} (KONG_PG_SECRET_ARN) (DecryptionFailure): a customer-managed KMS key must allow the role ${ROLE_ARN} kms:Decrypt (via Secrets Manager).`,
      );
    });
  });
});
