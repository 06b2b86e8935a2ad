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
 */
export function authorizeAdmin(authorizer: ArrivingAuthorizer, policy: AdminPolicy): AdminCaller {
  const claims = authorizer?.jwt?.claims;
  if (claims === undefined || claims === null || Object.keys(claims).length === 0) {
    throw new NotAuthenticatedError(
      "No verified token reached the function. Call GET /license/report through the API Gateway route that has the JWT authorizer, with the header 'Authorization: Bearer <token>' from your identity provider (Cognito by default).",
    );
  }
  const subject = readString(claims.sub) ?? readString(claims.username) ?? "(no sub claim)";
  const groups = policy.groupClaims.flatMap((path) => readClaimList(readClaimPath(claims, path)));
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
 * https://example.com/groups), else one dot-separated step at a time into nested objects. HTTP API's
 * JWT authorizer hands nested claims over as text: JSON, or Go's `map[roles:[a b]]` rendering.
 */
export function readClaimPath(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const step of path.split(".")) {
    const object = readClaimObject(value);
    if (object === undefined || !(step in object)) return undefined;
    value = object[step];
  }
  return value;
}

function readClaimObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  return text.startsWith("map[") ? parseGoMap(text) : undefined;
}

const NEXT_GO_MAP_KEY = /^ +[^\s:[\]]+:/;

/** `map[roles:[admin viewer] name:x]` → `{ roles: "[admin viewer]", name: "x" }` (nested maps kept as text). */
function parseGoMap(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("map[") || !text.endsWith("]")) return undefined;
  const body = text.slice(4, -1);
  const result: Record<string, unknown> = {};
  let index = 0;
  while (index < body.length) {
    while (body[index] === " ") index += 1;
    const colon = body.indexOf(":", index);
    if (colon < 0) break;
    const key = body.slice(index, colon);
    let end = colon + 1;
    let depth = 0;
    while (end < body.length) {
      const char = body[end];
      if (char === "[") depth += 1;
      else if (char === "]") depth -= 1;
      // Go prints text unquoted: a blank ends the value only where the next key begins
      // (`map[name:Jane Doe roles:[a]]` holds name "Jane Doe").
      else if (char === " " && depth === 0 && NEXT_GO_MAP_KEY.test(body.slice(end))) break;
      end += 1;
    }
    result[key] = body.slice(colon + 1, end);
    index = end + 1;
  }
  return result;
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
