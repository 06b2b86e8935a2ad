// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the environments file's own syntax, not a forgotten template.
import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import { parseEnvironmentsFile } from "#lib/estate/environments-file.ts";

// KLCR's entries in the environments file: admin_api + admin_token (Kong's Admin API), deployment
// "konnect" (with control_plane_id, control_plane_type_filter), the token's forms, TLS, and the
// refusals, each naming the entry and never the token.

function parse(
  value: unknown,
  env: Record<string, string> = {},
  references: "environment" | "none" = "environment",
) {
  return parseEnvironmentsFile(JSON.stringify(value), {
    fileName: "envs.json",
    references: references === "none" ? { kind: "none", why: "not on AWS." } : { kind: "environment", env },
  });
}

function refusal(value: unknown, env: Record<string, string> = {}): string {
  try {
    parse(value, env);
  } catch (error) {
    expect(error).toBeInstanceOf(BadParameterError);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

const PREFIX = 'envs.json: environment "e" (entry #1): ';

describe("KLCR's envs.json, unchanged", () => {
  it("reads a KLCR 2.3.1 file as it is: two Admin API environments, each token inline and secret", () => {
    // KLCR's shape (Kong/CustomerSuccess tools/klcr.sh): environment, admin_api, admin_token, deployment.
    const text = JSON.stringify({
      environments: [
        {
          environment: "emea",
          admin_api: "https://kong-admin.emea.example:8001",
          admin_token: "emea-token-1",
          deployment: "enterprise",
        },
        {
          environment: "apac",
          admin_api: "https://kong-admin.apac.example:8444",
          admin_token: "apac-token-2",
          deployment: "enterprise",
        },
      ],
      discrete: [{ find: "emea|apac", replace_with: "global" }],
    });
    const config = parseEnvironmentsFile(text, {
      fileName: "envs.json",
      references: { kind: "environment", env: {} },
    });
    expect(config.environments).toEqual([
      {
        name: "emea",
        source: {
          kind: "admin-api",
          url: "https://kong-admin.emea.example:8001",
          token: { kind: "literal", value: "emea-token-1" },
        },
        node: {},
        secrets: ["emea-token-1"],
      },
      {
        name: "apac",
        source: {
          kind: "admin-api",
          url: "https://kong-admin.apac.example:8444",
          token: { kind: "literal", value: "apac-token-2" },
        },
        node: {},
        secrets: ["apac-token-2"],
      },
    ]);
    expect(config.discrete).toEqual([{ find: "emea|apac", replace_with: "global" }]);
  });

  it("reads a Konnect entry with KLCR's control_plane_id and control_plane_type_filter", () => {
    const config = parse({
      environments: [
        {
          environment: "konnect-eu",
          deployment: "konnect",
          admin_api: "https://eu.api.konghq.com/v2/",
          admin_token: "kpat_abcdefghijklmnopqrstuvwxyz0123456789",
          control_plane_id: "8c7b6f2e-1d4a-4b3c-9e8f-0a1b2c3d4e5f",
          control_plane_type_filter: "CONTROL_PLANE$|K8S",
        },
      ],
    });
    expect(config.environments[0]?.source).toEqual({
      kind: "konnect",
      url: "https://eu.api.konghq.com/v2",
      token: { kind: "literal", value: "kpat_abcdefghijklmnopqrstuvwxyz0123456789" },
      controlPlaneId: "8c7b6f2e-1d4a-4b3c-9e8f-0a1b2c3d4e5f",
      typeFilter: "CONTROL_PLANE$|K8S",
    });
  });

  it("expands the token from an allowed variable, and takes SSM / Secrets Manager references (AWS too)", () => {
    const expanded = parse(
      {
        environments: [
          { environment: "e", admin_api: "https://kong:8001", admin_token: "${ESTATE_SECRET_KONG}" },
        ],
      },
      { ESTATE_SECRET_KONG: "token-from-the-environment" },
    );
    expect(expanded.environments[0]?.source).toMatchObject({
      token: { kind: "literal", value: "token-from-the-environment" },
    });
    expect(expanded.environments[0]?.secrets).toContain("token-from-the-environment");
    const onAws = parse(
      {
        environments: [
          {
            environment: "a",
            admin_api: "https://kong:8001",
            admin_token: { ssm: "/kong/prod/admin-token" },
          },
          {
            environment: "b",
            deployment: "konnect",
            admin_api: "https://us.api.konghq.com/v2",
            admin_token: {
              secretsmanager: "arn:aws:secretsmanager:us-east-1:123456789012:secret:konnect-AbCdEf",
              json_key: "token",
            },
          },
        ],
      },
      {},
      "none",
    );
    expect(onAws.environments.map((spec) => (spec.source as { token: unknown }).token)).toEqual([
      { kind: "ssm", name: "/kong/prod/admin-token" },
      {
        kind: "secretsmanager",
        id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:konnect-AbCdEf",
        jsonKey: "token",
      },
    ]);
  });

  it("takes TLS per entry: a CA file, or insecure as KLCR's -k; an Admin API without RBAC needs no token", () => {
    const config = parse({
      environments: [
        { environment: "a", admin_api: "https://kong:8001", ca_file: "/etc/kong/ca.pem" },
        { environment: "b", admin_api: "http://127.0.0.1:8001", admin_token: "t0ken-for-b", insecure: true },
      ],
    });
    expect(config.environments.map((spec) => spec.source)).toEqual([
      { kind: "admin-api", url: "https://kong:8001", caFile: "/etc/kong/ca.pem" },
      {
        kind: "admin-api",
        url: "http://127.0.0.1:8001",
        token: { kind: "literal", value: "t0ken-for-b" },
        insecure: true,
      },
    ]);
  });
});

describe("KLCR entries: refusals name the entry and what is allowed, never the token", () => {
  it.each([
    [
      { deployment: "mesh", admin_api: "https://k" },
      '"deployment" "mesh" is not one of KLCR\'s: "enterprise" (Kong Gateway Enterprise, through its database or its Admin API) or "konnect".',
    ],
    [
      { deployment: "konnect", admin_token: "kpat_x" },
      '"deployment": "konnect" needs "admin_api": Konnect\'s regional API base, e.g. https://us.api.konghq.com/v2.',
    ],
    [
      { deployment: "konnect", admin_api: "https://us.api.konghq.com/v2" },
      '"deployment": "konnect" needs "admin_token": a Konnect personal or system access token (kpat_…, spat_…).',
    ],
    [
      { admin_api: "kong:8001" },
      '"admin_api" "kong:8001" is not an http(s) URL, e.g. https://kong-admin.example.com:8001.',
    ],
    [
      { admin_api: "https://user:pw@kong:8001" },
      '"admin_api" holds credentials (user:password@): put the token in "admin_token", never in the URL.',
    ],
    [
      { admin_api: "https://kong:8001/?x=1" },
      '"admin_api" must have no query or fragment, e.g. https://kong-admin.example.com:8001.',
    ],
    [{ admin_api: 8001 }, '"admin_api" must be a URL, e.g. https://kong-admin.example.com:8001.'],
    [
      { admin_api: "https://${HOST}:8001" },
      '"admin_api" holds a ${…} reference; references expand only in the password of "database_url" and "admin_token".',
    ],
    [
      { admin_api: "https://k", admin_token: "" },
      '"admin_token" is empty; give "admin_token": "<token>" (or an ESTATE_SECRET_… reference), {"ssm": "/parameter/name"} or {"secretsmanager": "<secret name or ARN>", "json_key"?: "<key>"}.',
    ],
    [
      { admin_api: "https://k", admin_token: { vault: "x" } },
      '"admin_token" must be "admin_token": "<token>" (or an ESTATE_SECRET_… reference), {"ssm": "/parameter/name"} or {"secretsmanager": "<secret name or ARN>", "json_key"?: "<key>"}.',
    ],
    [
      { admin_api: "https://k", admin_token: { ssm: "bad name!" } },
      '"admin_token.ssm" must be a Parameter Store name, e.g. /kong/prod/admin-token.',
    ],
    [
      { admin_api: "https://k", admin_token: { secretsmanager: "bad id!" } },
      '"admin_token.secretsmanager" must be a Secrets Manager secret name or ARN.',
    ],
    [
      { admin_api: "https://k", admin_token: { secretsmanager: "s", json_key: 3 } },
      '"admin_token.json_key" must be the key of the token in the secret\'s JSON, e.g. "token".',
    ],
    [
      { admin_api: "https://k", control_plane_id: "x" },
      '"control_plane_id" applies to "deployment": "konnect" only.',
    ],
    [
      {
        deployment: "konnect",
        admin_api: "https://k/v2",
        admin_token: "kpat_x",
        control_plane_id: "no/slash",
      },
      '"control_plane_id" must be a Konnect control plane id (letters, digits and "-", e.g. a UUID).',
    ],
    [
      {
        deployment: "konnect",
        admin_api: "https://k/v2",
        admin_token: "kpat_x",
        control_plane_type_filter: "",
      },
      '"control_plane_type_filter" must be a regular expression, e.g. "CONTROL_PLANE$|K8S".',
    ],
    [
      {
        deployment: "konnect",
        admin_api: "https://k/v2",
        admin_token: "kpat_x",
        control_plane_type_filter: "(",
      },
      '"control_plane_type_filter" "(" is not a valid regular expression (Invalid regular expression: /(()/: Unterminated group).',
    ],
    [
      { admin_api: "https://k", ca_file: "" },
      '"ca_file" must be the path of a PEM file of the CA that signs the API\'s certificate.',
    ],
    [
      { admin_api: "https://k", insecure: "yes" },
      '"insecure" must be true (no TLS verification, KLCR\'s -k) or false.',
    ],
    [
      { admin_api: "https://k", insecure: true, ca_file: "/ca.pem" },
      '"ca_file" and "insecure": true exclude each other: verify against the CA file, or (knowingly) not at all.',
    ],
    [
      { admin_api: "https://k", kong_version: "3.9.0.0", schema: "kong" },
      '"schema", "kong_version" apply to a database source only: Kong\'s Admin API serves its own report (and Konnect none).',
    ],
    [
      { demo: true, ca_file: "/ca.pem" },
      '"ca_file" apply to an entry read through "admin_api" (no "database_url", "data_api" or "demo").',
    ],
  ])("refuses %j", (entry, message) => {
    expect(refusal({ environments: [{ environment: "e", ...entry }] })).toBe(`${PREFIX}${message}`);
  });

  it("never echoes a token, inline or expanded", () => {
    const message = refusal({
      environments: [
        {
          environment: "e",
          admin_api: "https://k",
          admin_token: "s3cret-token-value",
          control_plane_id: "x",
        },
      ],
    });
    expect(message).not.toContain("s3cret-token-value");
    expect(
      refusal(
        { environments: [{ environment: "e", admin_api: "https://k", admin_token: "${PLAIN_VARIABLE}" }] },
        { PLAIN_VARIABLE: "v" },
      ),
    ).toBe(
      `${PREFIX}"admin_token" refers to \${PLAIN_VARIABLE}, which is not an allowed variable: name it ESTATE_SECRET_… or list it in ESTATE_SECRET_VARIABLES (comma-separated).`,
    );
  });
});
