import type { AdminPolicy } from "../config/admin.ts";
import { ForbiddenError, NotAuthenticatedError } from "../errors.ts";
import type { JwtAuthorizerContext } from "./http-api-event.ts";

/** Who called, and which group or scope made them an admin (for the access log). */
export interface AdminCaller {
  readonly subject: string;
  readonly grantedBy: string;
}

/** The authorizer context as it may reach the function: AWS's shape, parts missing on a misrouted call. */
export type ArrivingAuthorizer =
  | { readonly jwt?: Partial<JwtAuthorizerContext["jwt"]> | null }
  | null
  | undefined;

const SCOPE_CLAIMS = ["scope", "scp"] as const;

/**
 * Requires verified JWT claims (401 without) holding one of the admin groups or scopes (403 otherwise).
 * The JWT authorizer has checked the signature, issuer, audience and expiry before the function runs.
 * `authorization` is the request's Authorization header: the token the authorizer verified, whose
 * JSON payload is where nested claim paths are read (see readTokenClaims).
 */
export function authorizeAdmin(
  authorizer: ArrivingAuthorizer,
  policy: AdminPolicy,
  authorization?: string,
): AdminCaller {
  const claims = authorizer?.jwt?.claims;
  if (claims === undefined || claims === null || Object.keys(claims).length === 0) {
    throw new NotAuthenticatedError(
      "No verified token reached the function. Call GET /license/report through the API Gateway route that has the JWT authorizer, with the header 'Authorization: Bearer <token>' from your identity provider (Cognito by default).",
    );
  }
  const subject = readString(claims.sub) ?? readString(claims.username) ?? "(no sub claim)";
  const token = readTokenClaims(authorization, claims);
  const groups = policy.groupClaims.flatMap((path) => readClaimList(readClaimPath(claims, path, token)));
  const scopes = [
    ...(authorizer?.jwt?.scopes ?? []),
    ...SCOPE_CLAIMS.flatMap((name) => readClaimList(claims[name])),
  ];
  const group = policy.groups.find((name) => groups.includes(name));
  if (group !== undefined) return { subject, grantedBy: `group:${group}` };
  const scope = policy.scopes.find((name) => scopes.includes(name));
  if (scope !== undefined) return { subject, grantedBy: `scope:${scope}` };
  throw new ForbiddenError(`The caller ${subject} is not a report admin. ${describePolicy(policy)}`);
}

function describePolicy(policy: AdminPolicy): string {
  const needs = [
    policy.groups.length === 0 ? undefined : `membership of one of the groups ${policy.groups.join(", ")}`,
    policy.scopes.length === 0 ? undefined : `one of the scopes ${policy.scopes.join(", ")}`,
  ].filter((part) => part !== undefined);
  return `The token needs ${needs.join(" or ")} (group claim ${policy.groupClaims.join(", ")}; scope claims scope, scp). Ask your identity provider's administrator for access, then sign in again for a fresh token.`;
}

/**
 * The value at a claim path: the whole name first (claim names may hold dots, e.g. a namespaced
 * https://example.com/groups), else one dot-separated step at a time into nested objects, read from
 * JSON only: the verified token's payload, a real object, or JSON text. HTTP API's JWT authorizer
 * hands a nested claim over as Go's `map[k:v …]` rendering, which prints text unquoted, so a sibling
 * value holding " roles:[kong-admins]" would read as a key of its own: that text is never parsed.
 */
export function readClaimPath(
  claims: Readonly<Record<string, unknown>>,
  path: string,
  token?: Readonly<Record<string, unknown>>,
): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  const steps = path.split(".");
  const [first, ...rest] = steps;
  const root =
    token !== undefined && Object.hasOwn(token, first ?? "") ? token[first ?? ""] : readOwn(claims, first);
  let value: unknown = root;
  for (const step of rest) {
    const object = readJsonObject(value);
    if (object === undefined || !Object.hasOwn(object, step)) return undefined;
    value = object[step];
  }
  return value;
}

/**
 * The JSON payload of the bearer token the authorizer verified: only when its issuer, subject and
 * times are the authorizer's claims (API Gateway verified exactly that header, so they always are on
 * AWS; anything else is not the verified token and is not read).
 */
export function readTokenClaims(
  authorization: string | undefined,
  claims: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> | undefined {
  const token = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/i.exec(
    authorization?.trim() ?? "",
  );
  if (token === null) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token[2] ?? "", "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const object = readJsonObject(payload);
  if (object === undefined) return undefined;
  const identifying = ["iss", "sub", "iat", "exp", "jti"].filter(
    (name) => Object.hasOwn(claims, name) || Object.hasOwn(object, name),
  );
  const same = identifying.every((name) => String(claims[name]) === String(object[name]));
  return same && identifying.includes("exp") ? object : undefined;
}

function readOwn(object: Readonly<Record<string, unknown>>, key: string | undefined): unknown {
  return key !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}

function readJsonObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  if (typeof value !== "string" || !value.trim().startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A list claim as HTTP API passes it: a real array, API Gateway's flattened "[a b]" form,
 * a JSON array string, or a space- or comma-separated string.
 */
export function readClaimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith("[") && text.endsWith("]")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return readClaimList(parsed);
    } catch {
      // Not JSON: API Gateway's "[admin users]" form.
    }
    return splitList(text.slice(1, -1));
  }
  return splitList(text);
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== "");
}

function readString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
