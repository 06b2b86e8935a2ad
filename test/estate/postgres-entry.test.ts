import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import { describeSourceKind } from "#lib/estate/collect-estate.ts";
import { parseEnvironmentsFile } from "#lib/estate/environments-file.ts";

// The environments file's "postgres" entry: a direct connection with credentials AWS holds, for the
// estate on AWS (and the CLI): a secret in RDS's format, or IAM database authentication.

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-9f8e7d6c-AbCdEf";
const ROLE = "arn:aws:iam::210987654321:role/kong-license-report";

function parse(postgres: unknown) {
  const text = JSON.stringify({ environments: [{ environment: "prod-eu", postgres }] });
  return parseEnvironmentsFile(text, { fileName: "envs.json", references: { kind: "environment", env: {} } });
}

function messageOf(postgres: unknown, extra: Record<string, unknown> = {}): string {
  const text = JSON.stringify({ environments: [{ environment: "prod-eu", postgres, ...extra }] });
  try {
    parseEnvironmentsFile(text, { fileName: "envs.json", references: { kind: "environment", env: {} } });
  } catch (error) {
    expect(error).toBeInstanceOf(BadParameterError);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe('parseEnvironmentsFile: "postgres" entries', () => {
  it("reads the secret form, with the database, a CA file and another account's role", () => {
    const config = parse({
      secret_arn: SECRET,
      database: "kong",
      ca_file: "/opt/ca/bundle.pem",
      role_arn: ROLE,
      external_id: "estate-42",
    });

    expect(config.environments[0]?.source).toEqual({
      kind: "postgres-secret",
      secretArn: SECRET,
      database: "kong",
      caFile: "/opt/ca/bundle.pem",
      roleArn: ROLE,
      externalId: "estate-42",
      settings: "environments-file",
    });
    expect(describeSourceKind(config.environments[0]?.source as never)).toBe("postgres");
  });

  it("reads the IAM form, its port given as a number or as text", () => {
    const asNumber = parse({
      host: "kong.c1a2b3.eu-west-1.rds.amazonaws.com",
      port: 5433,
      user: "kong_report",
      database: "kong",
      iam_auth: true,
      schema: "kong",
    });
    const asText = parse({
      host: "10.0.3.17",
      port: "6432",
      user: "kong_report",
      database: "kong",
      iam_auth: true,
      region: "eu-west-1",
    });

    expect(asNumber.environments[0]?.source).toEqual({
      kind: "postgres-iam",
      host: "kong.c1a2b3.eu-west-1.rds.amazonaws.com",
      port: 5433,
      user: "kong_report",
      database: "kong",
      schema: "kong",
      settings: "environments-file",
    });
    expect(asText.environments[0]?.source).toMatchObject({
      kind: "postgres-iam",
      host: "10.0.3.17",
      port: 6432,
      region: "eu-west-1",
    });
  });

  it.each([
    ["an array", [], '"postgres" must be an object: {"secret_arn"'],
    [
      "an unknown key",
      { secret_arn: SECRET, password: "x" },
      'unknown key(s) in "postgres": "password"; allowed: "secret_arn", "host"',
    ],
    [
      "neither form",
      { host: "db", user: "u", database: "kong" },
      '"postgres" needs "secret_arn" (a Secrets Manager secret in RDS\'s format) or "iam_auth": true with "host", "user" and "database"',
    ],
    [
      "the IAM form without user and database",
      { host: "db", iam_auth: true },
      '"postgres" with "iam_auth": true needs "postgres.user", "postgres.database".',
    ],
    [
      "a secret with a user and iam_auth",
      { secret_arn: SECRET, user: "admin", iam_auth: true },
      '"postgres.secret_arn" excludes "postgres.iam_auth", "postgres.user": the secret holds the user and its password',
    ],
    [
      "iam_auth as text",
      { host: "db", user: "u", database: "kong", iam_auth: "true" },
      '"postgres.iam_auth" must be true or false.',
    ],
    [
      "a bad secret ARN",
      { secret_arn: "kong-db" },
      '"postgres.secret_arn" "kong-db" is invalid: expected a Secrets Manager secret ARN',
    ],
    [
      "a URL as host",
      { host: "postgres://db:5432", user: "u", database: "kong", iam_auth: true },
      '"postgres.host" "postgres://db:5432" is invalid',
    ],
    [
      "port 0",
      { secret_arn: SECRET, port: 0 },
      '"postgres.port" must be a port number from 1 to 65535, e.g. 5432.',
    ],
    [
      "an external id without a role",
      { secret_arn: SECRET, external_id: "estate-42" },
      '"postgres.external_id" needs "postgres.role_arn".',
    ],
  ])("refuses %s, naming the entry and the key", (_what, postgres, message) => {
    const text = messageOf(postgres);

    expect(text).toContain('envs.json: environment "prod-eu" (entry #1): ');
    expect(text).toContain(message);
  });

  it("refuses a second source beside it", () => {
    expect(messageOf({ secret_arn: SECRET }, { database_url: "postgres://db/kong" })).toContain(
      '"database_url", "postgres" exclude each other: give exactly one source.',
    );
  });
});
