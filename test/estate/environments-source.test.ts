import { PutObjectCommand } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnvironmentsText } from "#lib/aws/environments-source.ts";
import { ConfigError, TimeoutError } from "#lib/errors.ts";
import { type LocalS3, startLocalS3 } from "../helpers/local-s3.ts";

// Where the estate functions read ESTATE_ENVIRONMENTS: an S3 object (the local, SigV4-checking S3)
// or an SSM parameter. SSM has no local server here: the real SDK client answers from a canned HTTP
// handler (awsJson1_1, as the service words its answers and errors), which records the requests.

const BUCKET = "kong-config";
const FILE = '{"environments":[{"environment":"prod-eu","database_url":"postgres://kong@db:5432/kong"}]}';

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

interface SsmAnswer {
  readonly status: number;
  readonly errorType?: string;
  readonly body: Record<string, unknown>;
}

function cannedSsm(answer: SsmAnswer) {
  const requests: Array<{ target: unknown; body: unknown }> = [];
  const client = new SSMClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body: Uint8Array | string }) => {
        const text = Buffer.from(request.body).toString("utf8");
        requests.push({ target: request.headers["x-amz-target"], body: JSON.parse(text) });
        return {
          response: {
            statusCode: answer.status,
            headers: {
              "content-type": "application/x-amz-json-1.1",
              ...(answer.errorType === undefined ? {} : { "x-amzn-errortype": answer.errorType }),
            },
            body: Buffer.from(JSON.stringify(answer.body)),
          },
        };
      },
    } as never,
  });
  return { client, requests };
}

const unusedS3 = () => {
  throw new Error("S3 must not be used for an SSM location");
};
const unusedSsm = () => {
  throw new Error("SSM must not be used for an S3 location");
};

describe("readEnvironmentsText", () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
  });
  afterAll(async () => {
    await s3?.close();
  });

  const put = (key: string, body: string | Uint8Array) =>
    s3.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  it("reads the S3 object's text and names it s3://bucket/key", async () => {
    // Prepare
    await put("estate/environments.json", FILE);

    // Act
    const read = await readEnvironmentsText(
      { kind: "s3", bucket: BUCKET, key: "estate/environments.json" },
      { s3: () => s3.client(), ssm: unusedSsm },
    );

    // Assess
    expect(read).toEqual({ text: FILE, fileName: `s3://${BUCKET}/estate/environments.json` });
  });

  it("refuses an S3 object over 1 MiB without reading it, as a ConfigError naming ESTATE_ENVIRONMENTS", async () => {
    // Prepare: one byte over 1024 × 1024
    await put("estate/huge.json", new Uint8Array(1024 * 1024 + 1).fill(0x20));

    // Act
    const error = await rejectionOf(
      readEnvironmentsText(
        { kind: "s3", bucket: BUCKET, key: "estate/huge.json" },
        { s3: () => s3.client(), ssm: unusedSsm },
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe("ESTATE_ENVIRONMENTS");
    expect(error.message).toBe(
      `The environments file s3://${BUCKET}/estate/huge.json (ESTATE_ENVIRONMENTS) could not be read: it is larger than 1048576 bytes. Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).`,
    );
  });

  it("answers a read stopped by the deadline as a TimeoutError, not as a configuration problem", async () => {
    // Prepare
    await put("estate/environments.json", FILE);

    // Act
    const error = await rejectionOf(
      readEnvironmentsText(
        { kind: "s3", bucket: BUCKET, key: "estate/environments.json" },
        { s3: () => s3.client(), ssm: unusedSsm },
        { signal: AbortSignal.abort() },
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).status).toBe(504);
    expect(error.message).toBe(
      `The deadline was reached while reading the environments file s3://${BUCKET}/estate/environments.json (ESTATE_ENVIRONMENTS); nothing was collected. Retry later, or raise the function timeout if this repeats.`,
    );
  });

  it("reads an SSM parameter decrypted (SecureString) and names it ssm:/name", async () => {
    // Prepare
    const ssm = cannedSsm({
      status: 200,
      body: { Parameter: { Name: "/kong/estate", Type: "SecureString", Value: FILE, Version: 3 } },
    });

    // Act
    const read = await readEnvironmentsText(
      { kind: "ssm", name: "/kong/estate" },
      { s3: unusedS3, ssm: () => ssm.client },
    );
    ssm.client.destroy();

    // Assess
    expect(read).toEqual({ text: FILE, fileName: "ssm:/kong/estate" });
    expect(ssm.requests).toEqual([
      { target: "AmazonSSM.GetParameter", body: { Name: "/kong/estate", WithDecryption: true } },
    ]);
  });

  it.each([
    ["ParameterNotFound", 400, "", "no such parameter"],
    ["AccessDeniedException", 400, "User is not authorized to perform ssm:GetParameter", "access denied"],
    // Unknown errors: the name and the first line of the message, never more.
    [
      "InternalServerError",
      500,
      "Something broke.\nrequest id 1234, secret line",
      "InternalServerError: Something broke",
    ],
  ])("reports SSM's %s (%s) as a ConfigError: %s → %s", async (errorType, status, message, reason) => {
    // Prepare
    const ssm = cannedSsm({ status, errorType, body: { message } });

    // Act
    const error = await rejectionOf(
      readEnvironmentsText({ kind: "ssm", name: "/kong/estate" }, { s3: unusedS3, ssm: () => ssm.client }),
    );
    ssm.client.destroy();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe("ESTATE_ENVIRONMENTS");
    expect(error.message).toBe(
      `The environments file ssm:/kong/estate (ESTATE_ENVIRONMENTS) could not be read: ${reason}. Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).`,
    );
  });

  it("reports a client that cannot be built as unreadable, with what it threw", async () => {
    const error = await rejectionOf(
      readEnvironmentsText(
        { kind: "ssm", name: "/kong/estate" },
        {
          s3: unusedS3,
          ssm: () => {
            throw "no SSM endpoint";
          },
        },
      ),
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("could not be read: no SSM endpoint.");
  });
});
