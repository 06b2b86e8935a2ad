import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { listen } from "./listen.ts";

// What the local endpoints of AWS's JSON 1.1 services (Secrets Manager, SSM, EventBridge) share: the
// service's error as the SDK reads it (`x-amzn-errortype` and `__type`), the request body read whole,
// one JSON answer per request. Each endpoint keeps its own operations and its own error wording.

/** An error the service answers: its `__type`, message and HTTP status. */
export class ServiceFault extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

/**
 * Refuses a request not signed with SigV4 for `service` (the SDK's Authorization header), or signed
 * with another access key than `accessKeyId` when one is required, as the service answers.
 */
export function requireSignature(
  authorization: string,
  check: {
    readonly service: string;
    readonly accessKeyId?: string | undefined;
    readonly incompleteType: string;
  },
): void {
  const credential = new RegExp(
    `^AWS4-HMAC-SHA256 Credential=([^/]+)/\\d{8}/[^/]+/${check.service}/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`,
  ).exec(authorization);
  if (credential === null) {
    throw new ServiceFault(
      check.incompleteType,
      `The request must be signed with AWS Signature Version 4 for the ${check.service} service.`,
    );
  }
  if (check.accessKeyId !== undefined && credential[1] !== check.accessKeyId) {
    throw new ServiceFault(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  }
}

/** The body as JSON (an empty body is `{}`), or the service's SerializationException. */
export function parseJsonBody(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body || "{}") as Record<string, unknown>;
  } catch {
    throw new ServiceFault("SerializationException", "The request body is not JSON.");
  }
}

export interface AwsJsonServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** The `__type` of an unexpected failure (500), as the service names it. */
  readonly internalErrorType: string;
  /** The error document; default `{__type, message}` (services differ in the message's key). */
  readonly errorBody?: (fault: ServiceFault) => Record<string, unknown>;
}

export interface AwsJsonServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a JSON 1.1 endpoint whose `handle` answers each request or throws a ServiceFault. */
export async function startAwsJsonServer(
  handle: (request: IncomingMessage, body: string) => Record<string, unknown>,
  options: AwsJsonServerOptions,
): Promise<AwsJsonServer> {
  const errorBody =
    options.errorBody ?? ((fault: ServiceFault) => ({ __type: fault.type, message: fault.message }));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() };
      try {
        const answer = handle(request, Buffer.concat(chunks).toString("utf8"));
        response.writeHead(200, headers).end(JSON.stringify(answer));
      } catch (error) {
        const fault =
          error instanceof ServiceFault
            ? error
            : new ServiceFault(options.internalErrorType, String(error), 500);
        response
          .writeHead(fault.status, { ...headers, "x-amzn-errortype": fault.type })
          .end(JSON.stringify(errorBody(fault)));
      }
    });
  });
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host);
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
