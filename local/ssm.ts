import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { parseJsonBody, requireSignature, ServiceFault, startAwsJsonServer } from "./aws-json-server.ts";

/**
 * A local SSM Parameter Store endpoint: GetParameter in the service's JSON 1.1 protocol (`POST /`,
 * `X-Amz-Target: AmazonSSM.GetParameter`, `application/x-amz-json-1.1`), with the service's error
 * types, so the real `@aws-sdk/client-ssm` client can be pointed at it (`AWS_ENDPOINT_URL_SSM` or
 * the client's `endpoint`). A SecureString is answered as SSM does: its plaintext only with
 * WithDecryption, else an opaque base64 blob. It checks that each call is SigV4-signed for the ssm
 * service, with `accessKeyId` when given, but not the signature itself: loopback use only, as the
 * local Secrets Manager and KMS endpoints.
 */
export interface SsmServerOptions {
  /** When set, a call signed with another access key answers UnrecognizedClientException. */
  readonly accessKeyId?: string;
  /** Default us-east-1 and 000000000000: the parameters' ARNs. */
  readonly region?: string;
  readonly account?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export type ParameterType = "String" | "StringList" | "SecureString";

export interface SsmServer {
  /** http://host:port, for AWS_ENDPOINT_URL_SSM or the client's `endpoint`. */
  readonly url: string;
  /** Stores (or overwrites) a parameter, as `aws ssm put-parameter --overwrite`: its version goes up. */
  putParameter(name: string, value: string, type?: ParameterType): void;
  /** Reads of this parameter answer AccessDeniedException, as without ssm:GetParameter on it. */
  deny(name: string): void;
  /** The next request answers this error (e.g. ThrottlingException, 400), as SSM can. */
  failNext(type: string, message: string, status?: number): void;
  /** GetParameter calls answered, per parameter name (successful or not). */
  reads(name: string): number;
  close(): Promise<void>;
}

interface StoredParameter {
  readonly value: string;
  readonly type: ParameterType;
  readonly version: number;
  readonly modified: number;
}

/** Starts the endpoint on a free port; resolves once it listens. */
export async function startSsmServer(options: SsmServerOptions = {}): Promise<SsmServer> {
  const region = options.region ?? "us-east-1";
  const account = options.account ?? "000000000000";
  const parameters = new Map<string, StoredParameter>();
  const denied = new Set<string>();
  const reads = new Map<string, number>();
  let nextFault: ServiceFault | undefined;
  const arnOf = (name: string) =>
    `arn:aws:ssm:${region}:${account}:parameter${name.startsWith("/") ? "" : "/"}${name}`;

  const getParameter = (request: Record<string, unknown>): Record<string, unknown> => {
    const name = request.Name;
    if (typeof name !== "string" || name === "") {
      throw new ServiceFault(
        "ValidationException",
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
      );
    }
    reads.set(name, (reads.get(name) ?? 0) + 1);
    if (denied.has(name)) {
      throw new ServiceFault(
        "AccessDeniedException",
        `User: arn:aws:sts::${account}:assumed-role/local/local is not authorized to perform: ssm:GetParameter on resource: ${arnOf(name)} because no identity-based policy allows the ssm:GetParameter action`,
      );
    }
    const parameter = parameters.get(name);
    // SSM's ParameterNotFound carries no message.
    if (parameter === undefined) throw new ServiceFault("ParameterNotFound", "");
    const decrypt = request.WithDecryption === true;
    return {
      Parameter: {
        Name: name,
        Type: parameter.type,
        Value:
          parameter.type === "SecureString" && !decrypt
            ? Buffer.from(`local-kms-ciphertext:${randomUUID()}`).toString("base64")
            : parameter.value,
        Version: parameter.version,
        LastModifiedDate: parameter.modified,
        ARN: arnOf(name),
        DataType: "text",
      },
    };
  };

  const handle = (request: IncomingMessage, body: string): Record<string, unknown> => {
    requireSignature(String(request.headers.authorization ?? ""), {
      service: "ssm",
      accessKeyId: options.accessKeyId,
      incompleteType: "IncompleteSignatureException",
    });
    const target = request.headers["x-amz-target"];
    if (request.method !== "POST" || target !== "AmazonSSM.GetParameter") {
      throw new ServiceFault("UnknownOperationException", `${String(target)} is not emulated here.`);
    }
    const fault = nextFault;
    nextFault = undefined;
    if (fault !== undefined) throw fault;
    return getParameter(parseJsonBody(body));
  };

  const server = await startAwsJsonServer(handle, {
    host: options.host,
    internalErrorType: "InternalServerError",
    errorBody: (fault) => ({
      __type: fault.type,
      ...(fault.message === "" ? {} : { message: fault.message }),
    }),
  });
  return {
    url: server.url,
    putParameter(name, value, type = "String") {
      parameters.set(name, {
        value,
        type,
        version: (parameters.get(name)?.version ?? 0) + 1,
        modified: Math.floor(Date.now() / 1000),
      });
    },
    deny: (name) => denied.add(name),
    failNext(type, message, status = 400) {
      nextFault = new ServiceFault(type, message, status);
    },
    reads: (name) => reads.get(name) ?? 0,
    close: server.close,
  };
}
