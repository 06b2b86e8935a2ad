import { SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { readSecretReference } from "#lib/aws/secret-reference.ts";
import { ApiAccessError, TimeoutError } from "#lib/errors.ts";

// An admin_token kept out of the environments file on AWS: an SSM parameter, or a Secrets Manager
// secret read through Parameter Store's /aws/reference/secretsmanager/ path. SSM has no local server
// here: the real SDK client answers from a canned HTTP handler (awsJson1_1, as the service words its
// answers and errors), which records the requests, as in environments-source.test.ts.

interface SsmAnswer {
  readonly status: number;
  readonly errorType?: string;
  readonly body: Record<string, unknown>;
}

function cannedSsm(answer: SsmAnswer) {
  const requests: unknown[] = [];
  const client = new SSMClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body: Uint8Array | string }, options?: { abortSignal?: AbortSignal }) => {
        // As the SDK's own handler: an aborted call never answers.
        if (options?.abortSignal?.aborted === true)
          throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
        requests.push(JSON.parse(Buffer.from(request.body).toString("utf8")));
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
  return { ssm: () => client, requests };
}

const found = (value: string): SsmAnswer => ({
  status: 200,
  body: { Parameter: { Name: "x", Type: "SecureString", Value: value } },
});

async function rejectionOf(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

describe("readSecretReference", () => {
  it("reads an SSM SecureString, decrypted", async () => {
    const { ssm, requests } = cannedSsm(found("kong-admin-token-from-ssm"));
    expect(await readSecretReference({ kind: "ssm", name: "/kong/prod/admin-token" }, ssm)).toBe(
      "kong-admin-token-from-ssm",
    );
    expect(requests).toEqual([{ Name: "/kong/prod/admin-token", WithDecryption: true }]);
  });

  it("reads a Secrets Manager secret through /aws/reference/secretsmanager/, the whole string or one JSON key", async () => {
    const plain = cannedSsm(found("kpat_plainSecretValue"));
    expect(await readSecretReference({ kind: "secretsmanager", id: "konnect/pat" }, plain.ssm)).toBe(
      "kpat_plainSecretValue",
    );
    expect(plain.requests).toEqual([
      { Name: "/aws/reference/secretsmanager/konnect/pat", WithDecryption: true },
    ]);
    const json = cannedSsm(found(JSON.stringify({ token: "kpat_fromJson", other: 1 })));
    expect(
      await readSecretReference({ kind: "secretsmanager", id: "konnect/pat", jsonKey: "token" }, json.ssm),
    ).toBe("kpat_fromJson");
    const wrongKey = cannedSsm(found(JSON.stringify({ other: 1 })));
    expect(
      (
        await rejectionOf(
          readSecretReference({ kind: "secretsmanager", id: "konnect/pat", jsonKey: "token" }, wrongKey.ssm),
        )
      ).message,
    ).toBe(
      'admin_token {"secretsmanager": "konnect/pat"}: the secret is not a JSON object with a string "token" (json_key).',
    );
  });

  it.each([
    [
      { status: 400, errorType: "ParameterNotFound", body: { message: "x" } },
      "ssm",
      'admin_token {"ssm": "/kong/x"} could not be read: no such parameter.',
    ],
    [
      { status: 400, errorType: "ParameterNotFound", body: { message: "x" } },
      "secretsmanager",
      'admin_token {"secretsmanager": "kong/x"} could not be read: no such secret.',
    ],
    [
      { status: 400, errorType: "AccessDeniedException", body: { message: "User is not authorized" } },
      "ssm",
      'admin_token {"ssm": "/kong/x"} could not be read: access denied: the function\'s role needs ssm:GetParameter on the parameter (and kms:Decrypt on its key), which the deployment grants under its estateTokenParameterPath (and estateTokenKmsKeyArn).',
    ],
    [
      { status: 400, errorType: "AccessDeniedException", body: { message: "User is not authorized" } },
      "secretsmanager",
      'admin_token {"secretsmanager": "kong/x"} could not be read: access denied: the function\'s role needs ssm:GetParameter on /aws/reference/secretsmanager/* and secretsmanager:GetSecretValue on the secret, which the deployment grants for the secret names under its estateTokenSecretPrefix (refer to the secret by name).',
    ],
    [
      { status: 400, errorType: "ThrottlingException", body: { message: "Rate exceeded." } },
      "ssm",
      'admin_token {"ssm": "/kong/x"} could not be read: ThrottlingException: Rate exceeded.',
    ],
    [
      { status: 200, body: { Parameter: { Name: "x", Value: "" } } },
      "ssm",
      'admin_token {"ssm": "/kong/x"} is empty.',
    ],
  ] as const)("fails as %j names it (%s)", async (answer, kind, message) => {
    const { ssm } = cannedSsm(answer);
    const reference =
      kind === "ssm" ? ({ kind, name: "/kong/x" } as const) : ({ kind, id: "kong/x" } as const);
    const error = await rejectionOf(readSecretReference(reference, ssm));
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error.message).toBe(message);
  });

  it("stops at the deadline as a timeout", async () => {
    const controller = new AbortController();
    controller.abort();
    const { ssm } = cannedSsm(found("never"));
    const error = await rejectionOf(
      readSecretReference({ kind: "ssm", name: "/kong/x" }, ssm, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });
});
