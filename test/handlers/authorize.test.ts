import { describe, expect, it } from "vitest";
import { ForbiddenError, NotAuthenticatedError } from "#lib/errors.ts";
import { authorizeAdmin, readClaimList } from "#lib/http/authorize.ts";

const POLICY = { groups: ["kong-admins"], scopes: ["license-report/admin"] };

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

  it("answers 403 naming what would grant access, without matching on substrings", () => {
    // Act
    const act = () =>
      authorizeAdmin({ jwt: { claims: { sub: "u2", "cognito:groups": "[kong-admins-readonly]" } } }, POLICY);

    // Assess
    expect(act).toThrow(ForbiddenError);
    expect(act).toThrow(/u2 is not a report admin.*kong-admins.*license-report\/admin/);
  });
});
