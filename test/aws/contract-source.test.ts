import { PutObjectCommand } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readContractText } from "#lib/aws/contract-source.ts";
import { createS3Client } from "#lib/aws/s3-report-store.ts";
import { createMonitoringPorts } from "#lib/compose/report-monitors.ts";
import { ConfigError, TimeoutError } from "#lib/errors.ts";
import { type SsmServer, startSsmServer } from "../../local/ssm.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";

// REPORT_CONTRACT read by the report functions at each run, from an S3 object (the local S3, which
// checks SigV4 signatures) or an SSM parameter (the local Parameter Store endpoint), through the real
// SDK clients.

const BUCKET = "kong-config";
const CONTRACT = {
  name: "ACME-2026",
  term: { start: "2026-01", end: "2026-12" },
  limits: { gateway_services: 25, api_requests_per_term: 40_000_000 },
  warn_at_percent: 75,
};
const TEXT = JSON.stringify(CONTRACT);
const ADVICE =
  "Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).";

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

function expectUnreadable(error: Error, where: string, reason: string): void {
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).variable).toBe("REPORT_CONTRACT");
  expect((error as ConfigError).status).toBe(500);
  expect(error.message).toBe(
    `The contract ${where} (REPORT_CONTRACT) could not be read: ${reason}. ${ADVICE}`,
  );
}

describe("Adapter: readContractText", () => {
  let s3: LocalS3;
  let ssm: SsmServer;
  const ssmClients: SSMClient[] = [];

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    ssm = await startSsmServer({ accessKeyId: "AKIDLOCAL" });
  });
  afterAll(async () => {
    for (const client of ssmClients) client.destroy();
    await ssm?.close();
    await s3?.close();
  });

  const put = (key: string, body: string | Uint8Array) =>
    s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const ssmClient = (accessKeyId = "AKIDLOCAL") => {
    const client = new SSMClient({
      endpoint: ssm.url,
      region: "us-east-1",
      credentials: { accessKeyId, secretAccessKey: "local-secret" },
      maxAttempts: 1, // a throttle is answered once, not retried by the test's client
    });
    ssmClients.push(client);
    return client;
  };
  const noSsm = () => {
    throw new Error("SSM must not be used for an S3 location");
  };
  const noS3 = () => {
    throw new Error("S3 must not be used for an SSM location");
  };
  const fromS3 = (key: string, client = () => s3.client(), signal?: AbortSignal) =>
    readContractText(
      { kind: "s3", bucket: BUCKET, key },
      { s3: client, ssm: noSsm },
      signal === undefined ? {} : { signal },
    );
  const fromSsm = (name: string, client = () => ssmClient()) =>
    readContractText({ kind: "ssm", name }, { s3: noS3, ssm: client });

  describe("from S3", () => {
    it("reads the object's text as it is", async () => {
      await put("kong/contract.json", TEXT);

      expect(await fromS3("kong/contract.json")).toBe(TEXT);
    });

    it("reads a file of exactly 64 KiB, and refuses one byte more without reading it", async () => {
      // The contract padded with spaces to 65,536 bytes: still a contract.
      await put("kong/padded.json", TEXT.padEnd(64 * 1024, " "));
      await put("kong/huge.json", TEXT.padEnd(64 * 1024 + 1, " "));

      expect((await fromS3("kong/padded.json")).length).toBe(65_536);
      expectUnreadable(
        await rejectionOf(fromS3("kong/huge.json")),
        `s3://${BUCKET}/kong/huge.json`,
        "it is larger than 65536 bytes",
      );
    });

    it("says there is no such object, or no such bucket", async () => {
      expectUnreadable(
        await rejectionOf(fromS3("kong/missing.json")),
        `s3://${BUCKET}/kong/missing.json`,
        "no such object",
      );
      expectUnreadable(
        await rejectionOf(
          readContractText(
            { kind: "s3", bucket: "no-such-bucket", key: "c.json" },
            { s3: () => s3.client(), ssm: noSsm },
          ),
        ),
        "s3://no-such-bucket/c.json",
        "no such bucket",
      );
    });

    it("says S3 refused the credentials, without echoing them", async () => {
      await put("kong/contract.json", TEXT);
      const wrongSecret = () =>
        createS3Client({
          endpoint: s3.endpoint,
          region: "us-east-1",
          credentials: { accessKeyId: S3RVER_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" },
          maxAttempts: 1,
        });

      const error = await rejectionOf(fromS3("kong/contract.json", wrongSecret));

      expectUnreadable(
        error,
        `s3://${BUCKET}/kong/contract.json`,
        "SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method",
      );
      expect(error.message).not.toContain("not-the-secret");
    });

    it("answers a read stopped by the deadline as a TimeoutError, not as a configuration problem", async () => {
      await put("kong/contract.json", TEXT);

      const error = await rejectionOf(fromS3("kong/contract.json", () => s3.client(), AbortSignal.abort()));

      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).status).toBe(504);
      expect(error.message).toBe(
        `The deadline was reached while reading the contract s3://${BUCKET}/kong/contract.json (REPORT_CONTRACT); nothing was stored. Retry later, or raise the function timeout if this repeats.`,
      );
    });
  });

  describe("from SSM", () => {
    it("reads a String parameter, and a SecureString decrypted", async () => {
      ssm.putParameter("/kong/contract", TEXT);
      ssm.putParameter("/kong/secure-contract", TEXT, "SecureString");

      expect(await fromSsm("/kong/contract")).toBe(TEXT);
      // Without WithDecryption, SSM would answer the ciphertext.
      expect(await fromSsm("/kong/secure-contract")).toBe(TEXT);
    });

    it("reads the parameter's latest version", async () => {
      ssm.putParameter("/kong/edited", '{"name": "v1", "limits": {}}');
      ssm.putParameter("/kong/edited", '{"name": "v2", "limits": {}}');

      expect(await fromSsm("/kong/edited")).toBe('{"name": "v2", "limits": {}}');
    });

    it("says there is no such parameter", async () => {
      expectUnreadable(await rejectionOf(fromSsm("/kong/missing")), "ssm:/kong/missing", "no such parameter");
    });

    it("says access was denied when the role may not read the parameter", async () => {
      ssm.putParameter("/kong/private", TEXT);
      ssm.deny("/kong/private");

      expectUnreadable(await rejectionOf(fromSsm("/kong/private")), "ssm:/kong/private", "access denied");
    });

    it("names what SSM answered otherwise: a throttle, credentials it does not know", async () => {
      ssm.putParameter("/kong/contract", TEXT);
      ssm.failNext("ThrottlingException", "Rate exceeded");

      expectUnreadable(
        await rejectionOf(fromSsm("/kong/contract")),
        "ssm:/kong/contract",
        "ThrottlingException: Rate exceeded",
      );
      expectUnreadable(
        await rejectionOf(fromSsm("/kong/contract", () => ssmClient("AKIDOTHER"))),
        "ssm:/kong/contract",
        "UnrecognizedClientException: The security token included in the request is invalid",
      );
    });

    it("says what is missing when the function has no region", async () => {
      const noRegion = () => {
        const client = new SSMClient({
          endpoint: ssm.url,
          credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
        });
        ssmClients.push(client);
        return client;
      };

      // The SDK's words; on Lambda AWS_REGION is always set.
      expectUnreadable(
        await rejectionOf(withoutRegion(() => fromSsm("/kong/contract", noRegion))),
        "ssm:/kong/contract",
        "Error: Region is missing",
      );
    });
  });
});

/** Runs `work` with AWS_REGION and AWS_DEFAULT_REGION unset, as on a machine without a region configured. */
async function withoutRegion<T>(work: () => Promise<T>): Promise<T> {
  vi.stubEnv("AWS_REGION", undefined);
  vi.stubEnv("AWS_DEFAULT_REGION", undefined);
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/aws-config");
  try {
    return await work();
  } finally {
    vi.unstubAllEnvs();
  }
}

describe("Composition: createMonitoringPorts's loadContract (REPORT_CONTRACT)", () => {
  let s3: LocalS3;
  let ssm: SsmServer;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    ssm = await startSsmServer();
    // The functions' clients take their credentials, region and SSM endpoint from the environment.
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ENDPOINT_URL_SSM", ssm.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await ssm?.close();
    await s3?.close();
  });

  const put = (key: string, body: string) =>
    s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  it("has no contract without REPORT_CONTRACT, and passes the tag prefix on", async () => {
    const ports = createMonitoringPorts({ tagPrefix: "owner:" }, s3.endpoint);

    expect(await ports.loadContract()).toBeUndefined();
    expect(ports.tagPrefix).toBe("owner:");
    expect(ports.monitors).toHaveLength(1); // the metrics; no event without REPORT_EVENT_BUS
    expect(createMonitoringPorts({})).not.toHaveProperty("tagPrefix");
  });

  it("reads and validates the contract at each run, so an edited one applies at once", async () => {
    const ports = createMonitoringPorts(
      { contract: { kind: "s3", bucket: BUCKET, key: "run/contract.json" } },
      s3.endpoint,
    );
    await put("run/contract.json", TEXT);
    const first = await ports.loadContract(AbortSignal.timeout(10_000));
    await put("run/contract.json", JSON.stringify({ ...CONTRACT, limits: { gateway_services: 30 } }));
    const second = await ports.loadContract();

    expect(first).toStrictEqual(CONTRACT);
    expect(second).toStrictEqual({ ...CONTRACT, limits: { gateway_services: 30 } });
  });

  it("reads an SSM parameter through the endpoint the environment names", async () => {
    ssm.putParameter("/kong/contract", TEXT, "SecureString");
    const ports = createMonitoringPorts({ contract: { kind: "ssm", name: "/kong/contract" } });

    expect(await ports.loadContract()).toStrictEqual(CONTRACT);
    expect(ssm.reads("/kong/contract")).toBe(1);
  });

  it("refuses a contract that is not valid as a ConfigError naming REPORT_CONTRACT and the key", async () => {
    await put("run/bad.json", '{"name": "ACME", "limits": {"gateway_services": 0}}');
    const ports = createMonitoringPorts(
      { contract: { kind: "s3", bucket: BUCKET, key: "run/bad.json" } },
      s3.endpoint,
    );

    const error = await rejectionOf(ports.loadContract());

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe("REPORT_CONTRACT");
    expect(error.message).toBe(
      'REPORT_CONTRACT: "limits.gateway_services" must be a whole number of at least 1 (got 0).',
    );
  });

  it("refuses an unreadable contract as it was read: no such object", async () => {
    const ports = createMonitoringPorts(
      { contract: { kind: "s3", bucket: BUCKET, key: "run/none.json" } },
      s3.endpoint,
    );

    expectUnreadable(
      await rejectionOf(ports.loadContract()),
      `s3://${BUCKET}/run/none.json`,
      "no such object",
    );
  });
});
