import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { parseJsonBody, requireSignature, ServiceFault, startAwsJsonServer } from "./aws-json-server.ts";

/**
 * A local Amazon EventBridge endpoint: PutEvents in the service's JSON 1.1 protocol (`POST /`,
 * `X-Amz-Target: AWSEvents.PutEvents`, `application/x-amz-json-1.1`), so the real
 * `@aws-sdk/client-eventbridge` client can be pointed at it (`AWS_ENDPOINT_URL_EVENTBRIDGE` or the
 * client's `endpoint`). Like the service it refuses a bus that does not exist for the whole request,
 * and an entry it cannot take (MalformedDetail, or one refused on purpose) in the answer's Entries
 * with a FailedEntryCount, under HTTP 200. It checks that each call is SigV4-signed for the events
 * service, with `accessKeyId` when given, but not the signature itself: loopback use only, as the
 * local Secrets Manager and KMS endpoints.
 */
export interface EventBridgeServerOptions {
  /** Buses that exist besides `default`. */
  readonly buses?: readonly string[];
  /** When set, a call signed with another access key answers UnrecognizedClientException. */
  readonly accessKeyId?: string;
  /** Default us-east-1 and 000000000000: the buses' ARNs. */
  readonly region?: string;
  readonly account?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** An event the endpoint accepted, as a rule on its bus would see it. */
export interface ReceivedEvent {
  readonly id: string;
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  /** The entry's Time, or when it was received. */
  readonly time: Date;
}

export interface EventBridgeServer {
  /** http://host:port, for AWS_ENDPOINT_URL_EVENTBRIDGE or the client's `endpoint`. */
  readonly url: string;
  /** Events accepted so far, in order. */
  readonly events: readonly ReceivedEvent[];
  /** Requests received with their headers, accepted or not. */
  readonly requests: ReadonlyArray<{ readonly target: string; readonly authorization: string }>;
  /** Forgets the events accepted so far. */
  clearEvents(): void;
  /** The next `count` entries are refused in the answer (e.g. NotAuthorizedForSourceException). */
  refuseEntries(errorCode: string, errorMessage: string, count?: number): void;
  /** The next `count` requests answer this error (e.g. ThrottlingException, 400), as EventBridge can. */
  failNext(
    type: string,
    message: string,
    options?: { readonly status?: number; readonly count?: number },
  ): void;
  close(): Promise<void>;
}

/** EventBridge's limits: 10 entries per call, 256 KB per call. */
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

/** Starts the endpoint on a free port; resolves once it listens. */
export async function startEventBridgeServer(
  options: EventBridgeServerOptions = {},
): Promise<EventBridgeServer> {
  const region = options.region ?? "us-east-1";
  const account = options.account ?? "000000000000";
  const buses = new Set(["default", ...(options.buses ?? [])]);
  const events: ReceivedEvent[] = [];
  const requests: Array<{ target: string; authorization: string }> = [];
  const refusals: Array<{ code: string; message: string }> = [];
  const faults: ServiceFault[] = [];

  /** A bus name, or the ARN of one of this account and region, to its name. */
  const busOf = (value: unknown): string => {
    const text = typeof value === "string" && value !== "" ? value : "default";
    const arn = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/.exec(text);
    const name = arn === null ? text : arn[1] === region && arn[2] === account ? (arn[3] ?? "") : undefined;
    if (name === undefined || !buses.has(name)) {
      throw new ServiceFault(
        "ResourceNotFoundException",
        `Event bus ${arn === null ? text : (arn[3] ?? text)} does not exist.`,
      );
    }
    return name;
  };

  const putEvents = (request: Record<string, unknown>, size: number): Record<string, unknown> => {
    const entries = request.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new ServiceFault(
        "ValidationException",
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    }
    if (size > MAX_BYTES) {
      throw new ServiceFault(
        "ValidationException",
        `Total size of the entries in the request is over the limit.`,
      );
    }
    // Every bus is looked up first: one that does not exist refuses the whole call.
    const named = entries.map((entry: Record<string, unknown>) => ({
      entry,
      bus: busOf(entry.EventBusName),
    }));
    let failed = 0;
    const answers = named.map(({ entry, bus }) => {
      const refusal = refusals.shift();
      const detail = parseDetail(entry.Detail);
      const problem =
        refusal ??
        (typeof entry.Source !== "string" || entry.Source === ""
          ? {
              code: "InvalidArgument",
              message: "Parameter Source is not valid. Reason: Source is a required argument.",
            }
          : typeof entry.DetailType !== "string" || entry.DetailType === ""
            ? {
                code: "InvalidArgument",
                message: "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
              }
            : detail === undefined
              ? { code: "MalformedDetail", message: "Detail is malformed." }
              : undefined);
      if (problem !== undefined) {
        failed += 1;
        return { ErrorCode: problem.code, ErrorMessage: problem.message };
      }
      const id = randomUUID();
      events.push({
        id,
        bus,
        source: entry.Source as string,
        detailType: entry.DetailType as string,
        detail,
        // awsJson1_1 sends a timestamp as epoch seconds.
        time: typeof entry.Time === "number" ? new Date(entry.Time * 1000) : new Date(),
      });
      return { EventId: id };
    });
    return { FailedEntryCount: failed, Entries: answers };
  };

  const handle = (request: IncomingMessage, body: string): Record<string, unknown> => {
    const authorization = String(request.headers.authorization ?? "");
    const target = String(request.headers["x-amz-target"] ?? "");
    requests.push({ target, authorization });
    requireSignature(authorization, {
      service: "events",
      accessKeyId: options.accessKeyId,
      incompleteType: "IncompleteSignatureException",
    });
    if (request.method !== "POST" || target !== "AWSEvents.PutEvents") {
      throw new ServiceFault(
        "UnknownOperationException",
        `${target || "(no X-Amz-Target)"} is not emulated here.`,
      );
    }
    const fault = faults.shift();
    if (fault !== undefined) throw fault;
    return putEvents(parseJsonBody(body), Buffer.byteLength(body));
  };

  const server = await startAwsJsonServer(handle, {
    host: options.host,
    internalErrorType: "InternalException",
  });
  return {
    url: server.url,
    events,
    requests,
    clearEvents() {
      events.length = 0;
    },
    refuseEntries(errorCode, errorMessage, count = 1) {
      for (let i = 0; i < count; i += 1) refusals.push({ code: errorCode, message: errorMessage });
    },
    failNext(type, message, failOptions = {}) {
      for (let i = 0; i < (failOptions.count ?? 1); i += 1) {
        faults.push(new ServiceFault(type, message, failOptions.status ?? 400));
      }
    },
    close: server.close,
  };
}

/** An entry's Detail: a JSON object, as EventBridge requires; undefined when it is not one. */
function parseDetail(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
