import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { PGlite } from "@electric-sql/pglite";
import { listen } from "../listen.ts";
import type { DataApiBackend } from "./backend.ts";
import { createOperations, type Operations, requireString } from "./operations.ts";
import { createPgBackend } from "./pg-backend.ts";
import { createPgliteBackend } from "./pglite-backend.ts";
import { type DataApiErrorType, DataApiFault, isPgError, toDatabaseFault } from "./protocol.ts";

/**
 * A local RDS Data API endpoint: the service's JSON protocol over HTTP, backed by PostgreSQL (`pg`)
 * or PGlite, so the real `@aws-sdk/client-rds-data` client can be pointed at it
 * (`endpoint: url` or `AWS_ENDPOINT_URL_RDS_DATA`). Signatures are not verified: it is for
 * loopback use only.
 */
export interface DataApiServerOptions {
  readonly backend:
    | { readonly kind: "pg"; readonly connectionString: string }
    | { readonly kind: "pglite"; readonly db: PGlite };
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Schema that unqualified names resolve to (Kong's tables when not in `public`). */
  readonly searchPath?: string;
  /** When set, calls naming another cluster ARN answer AccessDeniedException. */
  readonly resourceArn?: string;
  /** When set, calls naming another secret ARN answer SecretsErrorException. */
  readonly secretArn?: string;
  /** When set, calls naming another database answer DatabaseErrorException (SQLSTATE 3D000). */
  readonly database?: string;
  /**
   * Default 45 000, the Data API's limit. PostgreSQL cancels the statement; PGlite cannot, so the
   * call answers StatementTimeoutException once the statement ends, its effects rolled back.
   */
  readonly statementTimeoutMs?: number;
  /** Default 1 MiB, the Data API's limit. */
  readonly maxResponseBytes?: number;
  /** Refuse uuid[], json[], jsonb[] and multidimensional arrays as the real service does (default true). */
  readonly strictArrays?: boolean;
  /** A transaction no call used for this long is rolled back (default 3 minutes). */
  readonly transactionIdleMs?: number;
  /** Faults present from the start, e.g. a cluster that is paused when the endpoint starts. */
  readonly faults?: { readonly resumingCalls?: number };
  /** Called with errors that are not the client's fault (a bug or a lost database connection). */
  readonly onInternalError?: (error: unknown) => void;
}

export interface DataApiServer {
  /** `http://host:port`, for the SDK's `endpoint` option. */
  readonly url: string;
  /** What answers the statements (never a password). */
  readonly backendDescription: string;
  close(): Promise<void>;
  /** HTTP requests received, successful or not. */
  calls(): number;
  /** Size in bytes of the largest successful response sent. */
  maxResponseBytes(): number;
  /**
   * The Aurora Serverless cluster auto-paused: the next `calls` requests answer
   * DatabaseResumingException, as a real cluster does while it resumes; later ones succeed.
   */
  pauseCluster(calls: number): void;
  /** The next `calls` requests answer this error type (throttling, 5xx, endpoint not enabled...). */
  failNext(type: DataApiErrorType, calls?: number, message?: string): void;
}

const MiB = 1024 * 1024;
const maxRequestBytes = 4 * MiB;

const operationByPath: Readonly<
  Record<string, { action: string; run: Exclude<keyof Operations, "abandonTransactions"> }>
> = {
  "/Execute": { action: "ExecuteStatement", run: "executeStatement" },
  "/BatchExecute": { action: "BatchExecuteStatement", run: "batchExecuteStatement" },
  "/BeginTransaction": { action: "BeginTransaction", run: "beginTransaction" },
  "/CommitTransaction": { action: "CommitTransaction", run: "commitTransaction" },
  "/RollbackTransaction": { action: "RollbackTransaction", run: "rollbackTransaction" },
};

const signedRequest = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/rds-data\/aws4_request/;

/** Starts the endpoint; resolves once it listens. */
export async function startDataApiServer(options: DataApiServerOptions): Promise<DataApiServer> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 45_000;
  const backend: DataApiBackend =
    options.backend.kind === "pg"
      ? createPgBackend({
          connectionString: options.backend.connectionString,
          statementTimeoutMs,
          ...(options.searchPath === undefined ? {} : { searchPath: options.searchPath }),
        })
      : createPgliteBackend({
          db: options.backend.db,
          ...(options.searchPath === undefined ? {} : { searchPath: options.searchPath }),
        });
  const responseLimit = options.maxResponseBytes ?? MiB;
  const operations = createOperations(backend, {
    statementTimeoutMs,
    maxResponseBytes: responseLimit,
    strictArrays: options.strictArrays ?? true,
    transactionIdleMs: options.transactionIdleMs ?? 180_000,
  });
  const pendingFaults: Array<{ type: DataApiErrorType; message: string | undefined; remaining: number }> = [];
  const pauseCluster = (calls: number) => {
    if (calls > 0)
      pendingFaults.push({ type: "DatabaseResumingException", message: undefined, remaining: calls });
  };
  pauseCluster(options.faults?.resumingCalls ?? 0);
  let calls = 0;
  let largestResponse = 0;

  const takeFault = (resourceArn: string): DataApiFault | undefined => {
    const next = pendingFaults[0];
    if (next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) pendingFaults.shift();
    return new DataApiFault(next.type, next.message ?? defaultFaultMessage(next.type, resourceArn));
  };

  // A refusal names what this endpoint serves: a mismatch here is a typo, not an IAM policy.
  const serves = [
    options.resourceArn === undefined ? undefined : `cluster ${options.resourceArn}`,
    options.secretArn === undefined ? undefined : `secret ${options.secretArn}`,
    options.database === undefined ? undefined : `database ${options.database}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  const expected = `This local endpoint serves only ${serves}; pass those (as it printed on start), or restart it with --resource-arn/--secret-arn for others`;

  const authorize = (action: string, request: Record<string, unknown>): string => {
    const resourceArn = requireString(request, "resourceArn");
    const secretArn = requireString(request, "secretArn");
    if (options.resourceArn !== undefined && resourceArn !== options.resourceArn) {
      throw new DataApiFault(
        "AccessDeniedException",
        `User: arn:aws:iam::000000000000:user/local is not authorized to perform: rds-data:${action} on resource: ${resourceArn}. ${expected}.`,
      );
    }
    if (options.secretArn !== undefined && secretArn !== options.secretArn) {
      throw new DataApiFault(
        "SecretsErrorException",
        `Secrets Manager can't find the specified secret ${secretArn}. ${expected}.`,
      );
    }
    const database = request.database;
    if (
      options.database !== undefined &&
      typeof database === "string" &&
      database !== "" &&
      database !== options.database
    ) {
      throw new DataApiFault(
        "DatabaseErrorException",
        `FATAL: database "${database}" does not exist. ${expected}; SQLState: 3D000`,
      );
    }
    if (request.schema !== undefined && request.schema !== null) {
      throw new DataApiFault("BadRequestException", "The schema parameter isn't supported.");
    }
    return resourceArn;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    calls += 1;
    const requestId = randomUUID();
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const operation = operationByPath[path];
      if (req.method !== "POST" || operation === undefined) {
        throw new DataApiFault("UnknownOperationException", `No operation at ${req.method ?? "?"} ${path}.`);
      }
      if (!signedRequest.test(req.headers.authorization ?? "")) {
        throw new DataApiFault("MissingAuthenticationTokenException", "Missing Authentication Token");
      }
      const request = parseBody(await readBody(req));
      const resourceArn = authorize(operation.action, request);
      const fault = takeFault(resourceArn);
      if (fault !== undefined) throw fault;
      const body = await operations[operation.run](request);
      const size = Buffer.byteLength(body);
      largestResponse = Math.max(largestResponse, size);
      res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": requestId });
      res.end(body);
    } catch (error) {
      const fault = toFault(error, options.onInternalError);
      res.writeHead(fault.status, {
        "content-type": "application/json",
        "x-amzn-errortype": fault.type,
        "x-amzn-requestid": requestId,
      });
      res.end(JSON.stringify({ message: fault.message, ...fault.extra }));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host, options.port);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    backendDescription: backend.description,
    async close() {
      await operations.abandonTransactions();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await backend.close();
    },
    calls: () => calls,
    maxResponseBytes: () => largestResponse,
    pauseCluster,
    failNext(type, count = 1, message) {
      if (count > 0) pendingFaults.push({ type, message, remaining: count });
    },
  };
}

function defaultFaultMessage(type: DataApiErrorType, resourceArn: string): string {
  switch (type) {
    case "DatabaseResumingException":
      return `The Aurora DB instance ${resourceArn} is resuming after being auto-paused. Please wait a few seconds and try again.`;
    case "HttpEndpointNotEnabledException":
      return `HttpEndpoint is not enabled for resource ${resourceArn}.`;
    case "ThrottlingException":
      return "Rate exceeded";
    default:
      return `${type} (injected by the local endpoint)`;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxRequestBytes)
      throw new DataApiFault("BadRequestException", "Request size exceeds the 4 MiB limit.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new DataApiFault("SerializationException", "The request body is not a JSON object.");
}

const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

function toFault(error: unknown, onInternalError: ((error: unknown) => void) | undefined): DataApiFault {
  if (error instanceof DataApiFault) return error;
  if (isPgError(error)) return toDatabaseFault(error);
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (
    (typeof code === "string" && unreachableCodes.has(code)) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return new DataApiFault("DatabaseUnavailableException", "The database is unavailable.");
  }
  onInternalError?.(error);
  return new DataApiFault("InternalServerErrorException", "An internal error occurred.");
}
