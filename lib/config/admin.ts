import { ConfigError } from "../errors.ts";
import { type Env, readList } from "./read-env.ts";

/** Who may call the HTTP routes: a token needs one of the groups or one of the scopes. */
export interface AdminPolicy {
  readonly groups: readonly string[];
  readonly scopes: readonly string[];
  /**
   * Claims holding the caller's groups, as dot paths (ADMIN_GROUPS_CLAIM): `groups` (Okta), `roles`
   * (Entra ID), `realm_access.roles` (Keycloak), `cognito:groups` (Cognito). Default: the last and `groups`.
   */
  readonly groupClaims: readonly string[];
}

export const DEFAULT_GROUP_CLAIMS = ["cognito:groups", "groups"] as const;
// A claim name (JWT claim names may hold ":" or "/", e.g. https://example.com/groups), dot-separated.
const CLAIM_PATH = /^[A-Za-z0-9_:/@+-]+(?:\.[A-Za-z0-9_:/@+-]+)*$/;

/**
 * Reads ADMIN_GROUPS / ADMIN_SCOPES (comma-separated; at least one entry is required) and
 * ADMIN_GROUPS_CLAIM (comma-separated claim paths).
 */
export function readAdminPolicy(env: Env): AdminPolicy {
  const groups = readList(env, "ADMIN_GROUPS");
  const scopes = readList(env, "ADMIN_SCOPES");
  const claims = readList(env, "ADMIN_GROUPS_CLAIM");
  const invalid = claims.find((path) => !CLAIM_PATH.test(path) || path.length > 256);
  if (invalid !== undefined) {
    throw new ConfigError(
      "ADMIN_GROUPS_CLAIM",
      `ADMIN_GROUPS_CLAIM "${invalid}" is not a claim path. Use the claim's name, with dots into nested objects: groups (Okta), roles (Entra ID), realm_access.roles (Keycloak), cognito:groups (Cognito); several comma-separated.`,
    );
  }
  const groupClaims = claims.length === 0 ? [...DEFAULT_GROUP_CLAIMS] : claims;
  if (groups.length === 0 && scopes.length === 0) {
    throw new ConfigError(
      "ADMIN_GROUPS",
      "ADMIN_GROUPS and ADMIN_SCOPES are both empty, so no caller could be an admin. Set ADMIN_GROUPS to the admin group names (e.g. the Cognito group kong-admins) and/or ADMIN_SCOPES to the OAuth scopes that grant access (comma-separated).",
    );
  }
  return { groups, scopes, groupClaims };
}
