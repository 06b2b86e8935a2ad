import { describe, expect, it } from "vitest";
import { ForbiddenError, NotAuthenticatedError } from "#lib/errors.ts";
import { authorizeAdmin, readClaimList } from "#lib/http/authorize.ts";

const POLICY = {
  groups: ["kong-admins"],
  scopes: ["license-report/admin"],
  groupClaims: ["cognito:groups", "groups"],
};
const withClaims = (...groupClaims: string[]) => ({ ...POLICY, groupClaims });

describe("Function: readClaimList", () => {
  it.each([
    [
      ["a", "b"],
      ["a", "b"],
    ],
    ["[kong-admins users]", ["kong-admins", "users"]],
    ['["kong-admins","users"]', ["kong-admins", "users"]],
    ["kong-admins,users", ["kong-admins", "users"]],
    ["openid license-report/admin", ["openid", "license-report/admin"]],
    ["[]", []],
    [undefined, []],
    [42, []],
  ])("reads %j as %j", (value, expected) => {
    expect(readClaimList(value)).toEqual(expected);
  });
});

describe("Function: authorizeAdmin", () => {
  it.each([
    [{ claims: { sub: "u1", "cognito:groups": "[users kong-admins]" } }, "group:kong-admins"],
    [{ claims: { sub: "u1", groups: '["kong-admins"]' } }, "group:kong-admins"],
    [{ claims: { sub: "u1", scope: "openid license-report/admin" } }, "scope:license-report/admin"],
    [{ claims: { sub: "u1", scp: ["license-report/admin"] } }, "scope:license-report/admin"],
    [{ claims: { sub: "u1" }, scopes: ["license-report/admin"] }, "scope:license-report/admin"],
  ])("admits %j", (jwt, grantedBy) => {
    expect(authorizeAdmin({ jwt }, POLICY)).toEqual({ subject: "u1", grantedBy });
  });

  it.each([[undefined], [null], [{}], [{ jwt: null }], [{ jwt: { claims: {} } }]])(
    "answers 401 without verified claims (%j)",
    (authorizer) => {
      expect(() => authorizeAdmin(authorizer, POLICY)).toThrow(NotAuthenticatedError);
    },
  );

  // Claims as the IdPs put them in their tokens, and as HTTP API's JWT authorizer hands them over.
  it.each([
    ["groups", { groups: "[kong-admins]" }, "Okta groups claim"],
    ["roles", { roles: '["kong-admins"]' }, "Entra ID app roles"],
    [
      "realm_access.roles",
      { realm_access: "map[roles:[offline_access kong-admins]]" },
      "Keycloak, Go map text",
    ],
    ["realm_access.roles", { realm_access: '{"roles":["kong-admins"]}' }, "Keycloak, JSON text"],
    ["cognito:groups", { "cognito:groups": "[kong-admins]" }, "Cognito"],
    [
      "https://example.com/groups",
      { "https://example.com/groups": "[kong-admins]" },
      "a namespaced claim name with dots",
    ],
  ])("reads the groups at the claim path %s (%j, %s)", (path, claims, _idp) => {
    expect(authorizeAdmin({ jwt: { claims: { sub: "u1", ...claims } } }, withClaims(path))).toEqual({
      subject: "u1",
      grantedBy: "group:kong-admins",
    });
  });

  it("reads only the configured claim paths", () => {
    const act = () =>
      authorizeAdmin(
        { jwt: { claims: { sub: "u3", groups: "[kong-admins]" } } },
        withClaims("realm_access.roles"),
      );
    expect(act).toThrow(ForbiddenError);
    expect(act).toThrow(/group claim realm_access\.roles/);
    expect(() =>
      authorizeAdmin(
        { jwt: { claims: { sub: "u3", realm_access: "map[other:[kong-admins]]" } } },
        withClaims("realm_access.roles"),
      ),
    ).toThrow(ForbiddenError);
  });

  it("answers 403 naming what would grant access, without matching on substrings", () => {
    // Act
    const act = () =>
      authorizeAdmin({ jwt: { claims: { sub: "u2", "cognito:groups": "[kong-admins-readonly]" } } }, POLICY);

    // Assess
    expect(act).toThrow(ForbiddenError);
    expect(act).toThrow(/u2 is not a report admin.*kong-admins.*license-report\/admin/);
  });
});
