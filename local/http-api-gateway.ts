import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  Context,
} from "aws-lambda";
import type { JWTPayload } from "jose";
import { listen } from "./listen.ts";

/**
 * A local stand-in for an API Gateway HTTP API stage with a JWT authorizer in front of one Lambda
 * function (payload format 2.0): route matching, the authorizer's 401s, the event and context the
 * function receives, the response mapping and the 30 s integration timeout. Loopback use only.
 */

/** The function behind the route, invoked as Lambda would: AWS's own event and context types. */
export type LocalFunction = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<unknown>;

export interface LocalHttpApiOptions {
  /**
   * Route keys such as "GET /license/report" or "ANY /license/report" (any other method on that path),
   * behind the JWT check; every other request answers API Gateway's 404.
   */
  readonly routes: readonly string[];
  /** Route keys without an authorizer (e.g. "OPTIONS /license/report"): the function answers them. */
  readonly publicRoutes?: readonly string[];
  /** Verifies a bearer token (the JWT authorizer); rejects when it is not acceptable. */
  readonly verifyToken: (token: string) => Promise<JWTPayload>;
  readonly invoke: LocalFunction;
  /** Routes served by another function (serverless.yml: one function per handler), by route key. */
  readonly functions?: Readonly<Record<string, LocalFunction>>;
  readonly functionName: string;
  /** Lambda timeout (serverless.yml: 28 s); the integration itself gives up after 30 s, as API Gateway does. */
  readonly functionTimeoutMs: number;
  readonly integrationTimeoutMs?: number;
  readonly host?: string;
  readonly port?: number;
  /** One JSON line per request, in the deployed stage's access-log format. */
  readonly accessLog?: (line: string) => void;
}

export interface LocalHttpApi {
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

const ACCOUNT_ID = "123456789012";

/** Starts the local HTTP API; resolves once it listens. */
export async function startLocalHttpApi(options: LocalHttpApiOptions): Promise<LocalHttpApi> {
  const host = options.host ?? "127.0.0.1";
  const integrationTimeoutMs = options.integrationTimeoutMs ?? 30_000;
  const routes = new Set(options.routes);
  const publicRoutes = new Set(options.publicRoutes ?? []);

  const server = createServer((request, response) => {
    const started = new Date();
    const requestId = randomUUID();
    answer(request, requestId, started)
      .catch((): Answer => ({ status: 500, headers: {}, body: json({ message: "Internal Server Error" }) }))
      .then((result) => {
        const headers: Record<string, string | string[]> = {
          "apigw-requestid": requestId,
          ...result.headers,
        };
        if (result.body.length > 0 && headers["content-type"] === undefined)
          headers["content-type"] = "application/json";
        response.writeHead(result.status, { ...headers, "content-length": String(result.body.length) });
        response.end(result.body);
        options.accessLog?.(
          JSON.stringify({
            requestId,
            ip: request.socket.remoteAddress ?? "",
            requestTime: started.toISOString(),
            httpMethod: request.method ?? "",
            routeKey: result.routeKey ?? "-",
            status: String(result.status),
            protocol: `HTTP/${request.httpVersion}`,
            responseLength: String(result.body.length),
          }),
        );
      });
  });

  async function answer(request: IncomingMessage, requestId: string, started: Date): Promise<Answer> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = (request.method ?? "GET").toUpperCase();
    // API Gateway's route selection: the exact method first, then ANY on the same path.
    const routeKey = [`${method} ${url.pathname}`, `ANY ${url.pathname}`].find(
      (key) => routes.has(key) || publicRoutes.has(key),
    );
    if (routeKey === undefined) return { status: 404, headers: {}, body: json({ message: "Not Found" }) };

    let payload: JWTPayload = {};
    if (!publicRoutes.has(routeKey)) {
      // The JWT authorizer: no token or a bad one never reaches the function.
      const token = readBearerToken(request.headers.authorization);
      if (token === undefined) return unauthorized(routeKey);
      try {
        payload = await options.verifyToken(token);
      } catch (error) {
        return unauthorized(routeKey, error instanceof Error ? error.message : "invalid token");
      }
    }

    const body = await readBody(request);
    const authorized = !publicRoutes.has(routeKey);
    const event = buildEvent({
      request,
      url,
      method,
      routeKey,
      requestId,
      started,
      payload,
      authorized,
      body,
    });
    const context = createContext(options.functionName, requestId, options.functionTimeoutMs);
    const result = await withTimeout(
      (options.functions?.[routeKey] ?? options.invoke)(event, context),
      integrationTimeoutMs,
    );
    if (result === timedOut) {
      return { status: 503, headers: {}, body: json({ message: "Service Unavailable" }), routeKey };
    }
    return { ...mapResult(result), routeKey };
  }

  // Node's 5 s idle timeout races a client reusing a pooled socket after its event loop was busy
  // (tests that run the CLI synchronously): ECONNRESET on the next request. Keep idle sockets longer.
  server.keepAliveTimeout = 60_000;
  const port = await listen(server, host, options.port);
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  routeKey?: string;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function unauthorized(routeKey: string, reason?: string): Answer {
  const challenge =
    reason === undefined
      ? "Bearer"
      : `Bearer error="invalid_token" error_description="${reason.replaceAll('"', "'")}"`;
  return {
    status: 401,
    headers: { "www-authenticate": challenge },
    body: json({ message: "Unauthorized" }),
    routeKey,
  };
}

/** API Gateway takes the Authorization header's value, with or without the "Bearer " prefix. */
function readBearerToken(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (value === undefined || value === "") return undefined;
  return value.replace(/^Bearer\s+/i, "");
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function buildEvent(input: {
  request: IncomingMessage;
  url: URL;
  method: string;
  routeKey: string;
  requestId: string;
  started: Date;
  payload: JWTPayload;
  authorized: boolean;
  body: Buffer;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { request, url, method, routeKey, requestId, started, payload, authorized, body } = input;
  // Header names arrive lowercased; repeated headers are joined with commas; cookies get their own field.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === "cookie") continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const cookies = request.headers.cookie?.split(";").map((cookie) => cookie.trim());
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const domainName = request.headers.host ?? "localhost";
  // A route without an authorizer has no `authorizer` field, which AWS's JWT event type cannot express.
  const event = {
    version: "2.0",
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies === undefined ? {} : { cookies }),
    headers,
    ...(Object.keys(query).length === 0 ? {} : { queryStringParameters: query }),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: "local",
      ...(authorized ? { authorizer: { jwt: toAuthorizerContext(payload) } } : {}),
      domainName,
      domainPrefix: domainName.split(".")[0] ?? domainName,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: request.headers["user-agent"] ?? "",
      },
      requestId,
      routeKey,
      stage: "$default",
      time: formatRequestTime(started),
      timeEpoch: started.getTime(),
    },
    ...(body.length === 0 ? {} : { body: body.toString("base64") }),
    isBase64Encoded: body.length > 0,
  };
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/**
 * Claims as the JWT authorizer passes them: every value a string, arrays in API Gateway's "[a b]"
 * form (e.g. `cognito:groups`), objects in Go's `map[key:value …]` rendering (keys sorted, text
 * unquoted); scopes from the `scope` or `scp` claim.
 */
export function toAuthorizerContext(payload: JWTPayload): APIGatewayEventRequestContextJWTAuthorizer["jwt"] {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    claims[name] = renderClaim(value);
  }
  const rawScopes = payload.scope ?? payload.scp;
  const scopes = Array.isArray(rawScopes)
    ? rawScopes.map(String)
    : typeof rawScopes === "string"
      ? rawScopes.split(" ").filter((scope) => scope !== "")
      : [];
  return { claims, scopes: scopes.length === 0 ? null : scopes };
}

function renderClaim(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderClaim).join(" ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${renderClaim(item)}`).join(" ")}]`;
  }
  return String(value);
}

function createContext(functionName: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId: requestId,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: "1024",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Callback-era members of the type; async handlers never call them.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const timedOut = Symbol("timed out");

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The payload 2.0 response mapping: a `statusCode` object as given, anything else a 200 JSON body. */
function mapResult(result: unknown): Answer {
  if (result === null || typeof result !== "object" || !("statusCode" in result)) {
    return { status: 200, headers: { "content-type": "application/json" }, body: json(result ?? null) };
  }
  const response = result as {
    statusCode: number;
    headers?: Record<string, string | number | boolean>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (response.cookies !== undefined && response.cookies.length > 0) headers["set-cookie"] = response.cookies;
  const body = Buffer.from(response.body ?? "", response.isBase64Encoded === true ? "base64" : "utf8");
  return { status: response.statusCode, headers, body };
}

/** API Gateway's `requestContext.time` format: 28/Nov/2026:03:04:05 +0000. */
function formatRequestTime(date: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}
