import { describe, expect, it } from "vitest";
import { ForbiddenError, NotAuthenticatedError } from "#lib/errors.ts";
import { type ArrivingAuthorizer, authorizeAdmin, readClaimList } from "#lib/http/authorize.ts";

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

/** The error an authorisation throws, to compare its whole message. */
function thrown(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the authorisation to throw");
}

const NO_TOKEN =
  "No verified token reached the function. Call GET /license/report through the API Gateway route that has the JWT authorizer, with the header 'Authorization: Bearer <token>' from your identity provider (Cognito by default).";
const ASK_ADMIN =
  "Ask your identity provider's administrator for access, then sign in again for a fresh token.";

describe("Function: authorizeAdmin, its answers", () => {
  it("answers 401 telling the caller to come through the JWT authorizer with a bearer token", () => {
    for (const authorizer of [
      undefined,
      null,
      {},
      { jwt: null },
      { jwt: {} },
      // A misrouted event may carry a null claims object, whatever the AWS types say.
      { jwt: { claims: null } },
      { jwt: { claims: {} } },
    ]) {
      const error = thrown(() => authorizeAdmin(authorizer as ArrivingAuthorizer, POLICY));
      expect(error).toBeInstanceOf(NotAuthenticatedError);
      expect(error.message).toBe(NO_TOKEN);
    }
  });

  it("answers 403 naming the groups, the scopes and the claims read, when the policy has both", () => {
    const error = thrown(() =>
      authorizeAdmin(
        { jwt: { claims: { sub: "u2", "cognito:groups": "[users]" }, scopes: ["openid"] } },
        POLICY,
      ),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe(
      `The caller u2 is not a report admin. The token needs membership of one of the groups kong-admins or one of the scopes license-report/admin (group claim cognito:groups, groups; scope claims scope, scp). ${ASK_ADMIN}`,
    );
  });

  it("answers 403 naming only the groups when the policy has no scopes", () => {
    const policy = { groups: ["kong-admins", "platform"], scopes: [], groupClaims: ["groups"] };
    const error = thrown(() =>
      authorizeAdmin({ jwt: { claims: { sub: "u2", scope: "kong-admins" } } }, policy),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe(
      `The caller u2 is not a report admin. The token needs membership of one of the groups kong-admins, platform (group claim groups; scope claims scope, scp). ${ASK_ADMIN}`,
    );
  });

  it("answers 403 naming only the scopes when the policy has no groups", () => {
    const policy = { groups: [], scopes: ["license-report/admin", "kong/admin"], groupClaims: ["roles"] };
    const error = thrown(() =>
      authorizeAdmin({ jwt: { claims: { sub: "u2", roles: "[license-report/admin]" } } }, policy),
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe(
      `The caller u2 is not a report admin. The token needs one of the scopes license-report/admin, kong/admin (group claim roles; scope claims scope, scp). ${ASK_ADMIN}`,
    );
  });

  it("admits by group alone or by scope alone when the policy has only that", () => {
    const groupsOnly = { groups: ["platform", "kong-admins"], scopes: [], groupClaims: ["groups"] };
    const scopesOnly = {
      groups: [],
      scopes: ["kong/admin", "license-report/admin"],
      groupClaims: ["groups"],
    };
    expect(authorizeAdmin({ jwt: { claims: { sub: "u1", groups: "[kong-admins]" } } }, groupsOnly)).toEqual({
      subject: "u1",
      grantedBy: "group:kong-admins",
    });
    expect(
      authorizeAdmin({ jwt: { claims: { sub: "u1", scp: "openid license-report/admin" } } }, scopesOnly),
    ).toEqual({ subject: "u1", grantedBy: "scope:license-report/admin" });
  });

  it.each([
    ["sub", { sub: "u1", username: "jane" }, "u1"],
    ["username when sub is empty", { sub: "", username: "jane" }, "jane"],
    ["username when sub is not text", { sub: 42, username: "jane" }, "jane"],
    ["username when there is no sub (Cognito access tokens carry both)", { username: "jane" }, "jane"],
    ["a placeholder when both are empty", { sub: "", username: "" }, "(no sub claim)"],
    ["a placeholder when neither is there", {}, "(no sub claim)"],
  ])("names the caller by %s", (_case, identity, subject) => {
    const claims = { ...identity, "cognito:groups": "[users]" };
    expect(authorizeAdmin({ jwt: { claims: { ...claims, groups: "[kong-admins]" } } }, POLICY)).toEqual({
      subject,
      grantedBy: "group:kong-admins",
    });
    expect(thrown(() => authorizeAdmin({ jwt: { claims } }, POLICY)).message).toMatch(
      new RegExp(`^The caller ${subject.replace(/[()]/g, "\\$&")} is not a report admin\\. `),
    );
  });
});

describe("Function: authorizeAdmin, nested claim paths", () => {
  const TIMES = { iss: "https://idp.example.com/realms/platform", iat: 1765000000, exp: 1765003600 };

  /** How HTTP API's JWT authorizer renders a claim: text; a list as "[a b]", an object as Go's map[k:v]. */
  const render = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(render).join(" ")}]`
      : value !== null && typeof value === "object"
        ? `map[${Object.keys(value)
            .sort()
            .map((key) => `${key}:${render((value as Record<string, unknown>)[key])}`)
            .join(" ")}]`
        : String(value);

  /** One request: the token's JSON payload in the Authorization header, its claims as the authorizer passes them. */
  const request = (payload: Record<string, unknown>) => {
    const full = { sub: "u1", ...TIMES, ...payload };
    const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString("base64url");
    const claims = Object.fromEntries(Object.entries(full).map(([name, value]) => [name, render(value)]));
    return {
      authorizer: { jwt: { claims } },
      authorization: `Bearer ${encode({ alg: "RS256", kid: "k1" })}.${encode(full)}.c2lnbmF0dXJl`,
    };
  };
  const decide = (
    payload: Record<string, unknown>,
    path: string,
    edit?: (claims: Record<string, string>) => void,
  ) => {
    const { authorizer, authorization } = request(payload);
    edit?.(authorizer.jwt.claims);
    try {
      return authorizeAdmin(authorizer, withClaims(path), authorization).grantedBy;
    } catch (error) {
      return (error as Error).name;
    }
  };

  it("reads a nested path from the verified token's JSON (Keycloak realm and client roles)", () => {
    expect(decide({ realm_access: { roles: ["offline_access", "kong-admins"] } }, "realm_access.roles")).toBe(
      "group:kong-admins",
    );
    const resourceAccess = {
      account: { roles: ["manage-account", "view-profile"] },
      "kong-license-report": { roles: ["kong-admins"] },
    };
    expect(decide({ resource_access: resourceAccess }, "resource_access.kong-license-report.roles")).toBe(
      "group:kong-admins",
    );
    expect(decide({ resource_access: resourceAccess }, "resource_access.account.roles")).toBe(
      "ForbiddenError",
    );
    expect(decide({ u: { name: "Jane Doe", roles: ["kong-admins"] } }, "u.roles")).toBe("group:kong-admins");
  });

  it("cannot be spoofed by a sibling value that Go's map rendering would show as a key of its own", () => {
    // {"u":{"name":"x roles:[kong-admins]"}} renders as map[name:x roles:[kong-admins]]: no roles claim.
    const spoof = { u: { name: "x roles:[kong-admins]" } };
    expect(request(spoof).authorizer.jwt.claims.u).toBe("map[name:x roles:[kong-admins]]");
    expect(decide(spoof, "u.roles")).toBe("ForbiddenError");
    const nested = { app_metadata: { groups: ["users"], plan: "x] roles:[kong-admins" } };
    expect(decide(nested, "app_metadata.roles")).toBe("ForbiddenError");
  });

  it("reads nothing nested from a token that is not the one the authorizer verified", () => {
    const admin = { realm_access: { roles: ["kong-admins"] } };
    for (const claim of ["sub", "exp", "iat", "iss"]) {
      expect(
        decide(admin, "realm_access.roles", (claims) => {
          claims[claim] = "other";
        }),
      ).toBe("ForbiddenError");
    }
    // No header at all: the authorizer's Go-map text is not read either.
    const { authorizer } = request(admin);
    expect(() => authorizeAdmin(authorizer, withClaims("realm_access.roles"))).toThrow(ForbiddenError);
    expect(() => authorizeAdmin(authorizer, withClaims("realm_access.roles"), "Bearer not-a-jwt")).toThrow(
      ForbiddenError,
    );
  });

  it("reads nested claims handed over as real objects or JSON text, and tolerates surrounding blanks", () => {
    const admits = (claims: Record<string, unknown>, path: string) =>
      authorizeAdmin({ jwt: { claims: { sub: "u1", ...claims } } }, withClaims(path)).grantedBy;
    expect(admits({ realm_access: { roles: ["kong-admins"] } }, "realm_access.roles")).toBe(
      "group:kong-admins",
    );
    expect(admits({ realm_access: ' {"roles":["kong-admins"]} ' }, "realm_access.roles")).toBe(
      "group:kong-admins",
    );
  });

  it("answers 403, not a crash, when a step of the path is not an object or not the claim's own", () => {
    for (const realmAccess of [null, 7, true, ["kong-admins"], "[kong-admins]", "kong-admins", '{"roles":']) {
      expect(decide({ realm_access: realmAccess }, "realm_access.roles")).toBe("ForbiddenError");
    }
    // Inherited members are not claims: {}.constructor.name is "Object", never a group.
    const policy = { groups: ["Object"], scopes: [], groupClaims: ["constructor.name", "x.__proto__"] };
    const { authorizer, authorization } = request({ x: {} });
    expect(() => authorizeAdmin(authorizer, policy, authorization)).toThrow(ForbiddenError);
  });

  it("prefers a claim whose whole name holds dots over the path into nested objects", () => {
    const claims: Record<string, unknown> = {
      "https://example.com/groups": "[kong-admins]",
      "https://example": { "com/groups": "[users]" },
    };
    expect(
      authorizeAdmin({ jwt: { claims: { sub: "u1", ...claims } } }, withClaims("https://example.com/groups"))
        .grantedBy,
    ).toBe("group:kong-admins");
  });

  it("adds the authorizer's scopes to those of the scope and scp claims", () => {
    const policy = { groups: [], scopes: ["license-report/admin"], groupClaims: ["groups"] };
    expect(
      authorizeAdmin({ jwt: { claims: { sub: "u1" }, scopes: ["openid", "license-report/admin"] } }, policy),
    ).toEqual({ subject: "u1", grantedBy: "scope:license-report/admin" });
    expect(
      authorizeAdmin(
        { jwt: { claims: { sub: "u1", scp: "[openid license-report/admin]" }, scopes: null } },
        policy,
      ),
    ).toEqual({ subject: "u1", grantedBy: "scope:license-report/admin" });
  });
});

describe("Function: readClaimList, edge shapes", () => {
  it.each([
    ["an empty claim", "", []],
    ["blanks only", "  ", []],
    ["comma and blank between items", "kong-admins, users", ["kong-admins", "users"]],
    ["several blanks between items", "openid  profile", ["openid", "profile"]],
    ["a bracketed list with blanks around it", " [kong-admins users] ", ["kong-admins", "users"]],
    ["an empty bracketed list with a blank", "[ ]", []],
  ])("reads %s", (_case, value, expected) => {
    expect(readClaimList(value)).toEqual(expected);
  });

  it("keeps only the text items of a real array", () => {
    expect(readClaimList(["kong-admins", 7, null, { name: "x" }, "users"])).toEqual(["kong-admins", "users"]);
  });
});
