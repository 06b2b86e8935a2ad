import { randomUUID } from "node:crypto";
import type { Context, ScheduledEvent } from "aws-lambda";
import { SignJWT } from "jose";
import type { HttpApiEvent } from "#lib/http/http-api-event.ts";
import { toAuthorizerContext } from "../../local/http-api-gateway.ts";

/**
 * A token's claims as the identity provider signs them (JSON); the event's authorizer context holds
 * them as HTTP API passes them on (every value a string: lists as "[a b]", objects as Go's map[k:v]).
 */
export type Claims = Record<string, unknown>;

export interface HttpEventInput {
  readonly method?: string;
  readonly path?: string;
  /** Raw query string without "?", e.g. "format=tar&redirect=true". */
  readonly query?: string;
  /** undefined: an admin's claims; null: no authorizer context at all. */
  readonly claims?: Claims | null;
  /** `requestContext.authorizer.jwt.scopes` (HTTP API fills it from the token's scope claim). */
  readonly scopes?: readonly string[] | null;
  readonly stage?: string;
}

const SIGNING_KEY = new TextEncoder().encode("test-only-signing-key-not-a-secret-0123456789");

/** An access token's claims from a Cognito user pool, for a user of `groups`. */
export function cognitoClaims(groups: readonly string[], extra: Claims = {}): Claims {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: "5f4c2b1a-0000-4000-8000-00000000c0de",
    iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST",
    client_id: "3n4b5urk1ft4fl3mg5e62d9ado",
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: "access",
    scope: "openid email",
    auth_time: String(now - 60),
    exp: String(now + 3600),
    iat: String(now - 60),
    jti: randomUUID(),
    username: "platform-team",
    // API Gateway flattens a JSON array claim into "[a b]".
    ...(groups.length === 0 ? {} : { "cognito:groups": `[${groups.join(" ")}]` }),
    ...extra,
  };
}

/** A complete API Gateway HTTP API (payload 2.0) event, as Lambda receives it behind a JWT authorizer. */
export async function buildHttpApiEvent(input: HttpEventInput = {}): Promise<HttpApiEvent> {
  const method = input.method ?? "GET";
  const stage = input.stage ?? "$default";
  const path = input.path ?? "/license/report";
  const rawPath = stage === "$default" ? path : `/${stage}${path}`;
  const rawQueryString = input.query ?? "";
  const claims = input.claims === undefined ? cognitoClaims(["kong-admins"]) : input.claims;
  const token = await new SignJWT(claims ?? {})
    .setProtectedHeader({ alg: "HS256", kid: "test" })
    .sign(SIGNING_KEY);
  const queryStringParameters = toQueryParameters(rawQueryString);
  const now = new Date();
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath,
    rawQueryString,
    headers: {
      accept: "*/*",
      authorization: `Bearer ${token}`,
      "content-length": "0",
      host: "abc123defg.execute-api.us-east-1.amazonaws.com",
      "user-agent": "curl/8.5.0",
      "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      "x-forwarded-for": "203.0.113.10",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
    },
    ...(queryStringParameters === undefined ? {} : { queryStringParameters }),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123defg",
      ...(claims === null
        ? {}
        : {
            authorizer: {
              jwt: {
                claims: toAuthorizerContext(claims).claims,
                scopes: input.scopes === undefined ? null : input.scopes,
              },
            },
          }),
      domainName: "abc123defg.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123defg",
      http: {
        method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.10",
        userAgent: "curl/8.5.0",
      },
      requestId: `${randomUUID().slice(0, 8)}=`,
      routeKey: `${method} ${path}`,
      stage,
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  } as HttpApiEvent;
}

/** HTTP API joins a repeated parameter's values with commas. */
function toQueryParameters(raw: string): Record<string, string> | undefined {
  if (raw === "") return undefined;
  const joined: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    joined[name] = name in joined ? `${joined[name]},${value}` : value;
  }
  return joined;
}

/** An EventBridge scheduled-rule event. */
export function buildScheduledEvent(): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: "us-east-1",
    resources: ["arn:aws:events:us-east-1:123456789012:rule/kong-license-report-schedule"],
    detail: {},
  };
}

/** A Lambda context whose deadline is `remainingMs` from now. */
export function buildLambdaContext(remainingMs = 60_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    awsRequestId: randomUUID(),
    functionName: "kong-license-report-dev-http",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:kong-license-report-dev-http",
    memoryLimitInMB: "512",
    logGroupName: "/aws/lambda/kong-license-report-dev-http",
    logStreamName: "2026/10/05/[$LATEST]0123456789abcdef0123456789abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
