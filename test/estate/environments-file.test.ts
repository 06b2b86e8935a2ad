// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the environments file's own syntax, not a forgotten template.
import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import { parseEnvironmentsFile } from "#lib/estate/environments-file.ts";
import { redactSecrets } from "#lib/estate/redact-secrets.ts";

const CLUSTER = "arn:aws:rds:eu-west-1:123456789012:cluster:kong-prod";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-db-AbCdEf";
const ROLE = "arn:aws:iam::210987654321:role/kong-license-report";

function parse(value: unknown, env: Record<string, string> = {}) {
  return parseEnvironmentsFile(JSON.stringify(value), {
    fileName: "envs.json",
    references: { kind: "environment", env },
  });
}

function usageErrorOf(value: unknown, env: Record<string, string> = {}): BadParameterError {
  try {
    parse(value, env);
  } catch (error) {
    expect(error).toBeInstanceOf(BadParameterError);
    expect((error as BadParameterError).exitCode).toBe(2);
    return error as BadParameterError;
  }
  throw new Error("expected a usage error");
}

describe("parseEnvironmentsFile", () => {
  it("reads every source, expands ${NAME} from the environment and keeps the rules", () => {
    const config = parse(
      {
        environments: [
          { environment: "prod-eu", database_url: "postgres://kong:${ESTATE_SECRET_PROD}@db.prod:5432/kong" },
          {
            environment: "prod-us",
            data_api: {
              resource_arn: CLUSTER,
              secret_arn: SECRET,
              database: "kong",
              region: "eu-west-1",
              role_arn: ROLE,
              external_id: "estate-42",
            },
            kong_version: "3.9.1.2",
            node_uname: "Linux x86_64",
            node_cores: 8,
            deployment_type: "hybrid",
          },
          { environment: "demo", demo: true },
        ],
        discrete: [{ find: "dev|stage", replace_with: "prod" }],
      },
      { ESTATE_SECRET_PROD: "p@ss:word" },
    );
    expect(config.environments).toEqual([
      {
        name: "prod-eu",
        // The expanded value is URL-encoded where it lands: "@" and ":" stay the password's own.
        source: {
          kind: "postgres",
          url: "postgres://kong:p%40ss%3Aword@db.prod:5432/kong",
          settings: "environments-file",
        },
        node: {},
        // As expanded, and as the URL carries it (percent-encoded): both are kept out of messages.
        secrets: ["p@ss:word", "p%40ss%3Aword"],
      },
      {
        name: "prod-us",
        source: {
          kind: "data-api",
          resourceArn: CLUSTER,
          secretArn: SECRET,
          database: "kong",
          region: "eu-west-1",
          roleArn: ROLE,
          externalId: "estate-42",
          settings: "environments-file",
        },
        node: {
          kongVersion: "3.9.1.2",
          deploymentType: "hybrid",
          systemInfo: { uname: "Linux x86_64", cores: 8 },
        },
        secrets: [],
      },
      { name: "demo", source: { kind: "demo" }, node: {}, secrets: [] },
    ]);
    expect(config.discrete).toEqual([{ find: "dev|stage", replace_with: "prod" }]);
  });

  it("keeps a database source when KLCR's keys sit beside it (the database is read, the token stays a secret)", () => {
    const config = parse({
      environments: [
        {
          environment: "prod",
          admin_api: "https://prod_admin_api_host:8001",
          admin_token: "foobar",
          deployment: "enterprise",
          demo: true,
        },
      ],
      discrete: [{ find: "foo|bar", replace_with: "car" }],
    });
    expect(config.environments.map((spec) => [spec.name, spec.source.kind, spec.secrets])).toEqual([
      ["prod", "demo", ["foobar"]],
    ]);
  });

  it("refuses duplicate names, case-insensitively, naming both entries", () => {
    const error = usageErrorOf({
      environments: [
        { environment: "prod", demo: true },
        { environment: "PROD", demo: true },
      ],
    });
    expect(error.message).toBe(
      'envs.json: environment "PROD" (entry #2) has the same name as entry #1; names must be unique (case does not count: they become folder names).',
    );
    expect(error.parameter).toBe("--environments");
  });

  it("refuses unknown keys, naming the entry and the allowed keys", () => {
    const error = usageErrorOf({ environments: [{ environment: "prod", demo: true, pasword: "x" }] });
    expect(error.message).toMatch(
      /^envs\.json: environment "prod" \(entry #1\): unknown key\(s\) "pasword"; allowed: /,
    );
    const nested = usageErrorOf({
      environments: [
        {
          environment: "us",
          data_api: { resource_arn: CLUSTER, secret_arn: SECRET, database: "kong", roleArn: ROLE },
        },
      ],
    });
    expect(nested.message).toMatch(
      /environment "us" \(entry #1\): unknown key\(s\) in "data_api": "roleArn"/,
    );
    expect(usageErrorOf({ environments: [{ environment: "a", demo: true }], discret: [] }).message).toBe(
      'envs.json: unknown top-level key(s) "discret"; allowed: "environments", "discrete".',
    );
  });

  it("refuses bad ARNs, naming the entry and the field", () => {
    const dataApi = (overrides: Record<string, string>) => ({
      environments: [
        { environment: "ok", demo: true },
        {
          environment: "us",
          data_api: { resource_arn: CLUSTER, secret_arn: SECRET, database: "kong", ...overrides },
        },
      ],
    });
    expect(
      usageErrorOf(dataApi({ resource_arn: "arn:aws:rds:eu-west-1:1234:cluster:kong" })).message,
    ).toMatch(
      /^envs\.json: environment "us" \(entry #2\): "data_api\.resource_arn" "arn:aws:rds:eu-west-1:1234:cluster:kong" is invalid: expected an Aurora cluster ARN/,
    );
    expect(usageErrorOf(dataApi({ secret_arn: CLUSTER })).message).toMatch(
      /"data_api\.secret_arn" .* is invalid/,
    );
    expect(usageErrorOf(dataApi({ role_arn: "arn:aws:iam::210987654321:user/bob" })).message).toMatch(
      /"data_api\.role_arn" .* is invalid: expected an IAM role ARN/,
    );
    expect(
      usageErrorOf(dataApi({ secret_arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong" }))
        .message,
    ).toMatch(/is in us-east-1 but the cluster is in eu-west-1/);
  });

  it("names a missing variable, and never echoes a database URL", () => {
    const missing = usageErrorOf({
      environments: [
        { environment: "prod", database_url: "postgres://kong:${ESTATE_SECRET_PROD}@db:5432/kong" },
      ],
    });
    expect(missing.message).toBe(
      'envs.json: environment "prod" (entry #1): "database_url" refers to ${ESTATE_SECRET_PROD}, which is not set in the environment.',
    );
    const bad = usageErrorOf({
      environments: [{ environment: "prod", database_url: "mysql://kong:hunter22@db/kong" }],
    });
    expect(bad.message).toMatch(/"database_url" is not a PostgreSQL URL/);
    expect(bad.message).not.toContain("hunter22");
  });

  it("requires exactly one source and a folder-safe name", () => {
    expect(usageErrorOf({ environments: [{ environment: "prod" }] }).message).toMatch(
      /environment "prod" \(entry #1\): no source: give one of "database_url", "data_api", "demo": true, or KLCR's "admin_api" \(with "admin_token"\) to read Kong's Admin API\./,
    );
    expect(
      usageErrorOf({ environments: [{ environment: "prod", demo: true, database_url: "postgres://h/k" }] })
        .message,
    ).toMatch(/"demo", "database_url" exclude each other/);
    expect(usageErrorOf({ environments: [{ environment: "../etc", demo: true }] }).message).toMatch(
      /^envs\.json: entry #1: "environment" must be a name of 1 to 63 letters/,
    );
    expect(usageErrorOf({ environments: [] }).message).toMatch(/"environments" must be a non-empty array/);
    expect(
      usageErrorOf({ environments: [{ environment: "k", deployment: "konnect", demo: true }] }).message,
    ).toMatch(/"deployment": "konnect" has no Kong database to read: drop "demo" and give "admin_api"/);
  });

  it("reports JSON syntax errors as usage errors", () => {
    expect(() =>
      parseEnvironmentsFile("{", { fileName: "envs.json", references: { kind: "environment", env: {} } }),
    ).toThrow(/^envs\.json: not valid JSON/);
  });
});

describe("redactSecrets", () => {
  it("removes expanded values and URL passwords from a message", () => {
    expect(
      redactSecrets("login for postgres://kong:p4ss@db/kong failed; token abcd1234 rejected", ["abcd1234"]),
    ).toBe("login for postgres://kong:***@db/kong failed; token *** rejected");
  });

  it("never garbles the words around a short secret: it is replaced only where it stands alone", () => {
    // The password "kong" (4 characters) in a message about the kong database on kong-db.
    expect(
      redactSecrets(
        'password authentication failed for user "kong" on kong-db.kong.internal/kong_prod (kong).',
        ["kong"],
      ),
    ).toBe('password authentication failed for user "***" on kong-db.kong.internal/kong_prod (***).');
    // A 1-character secret too: before, values under 4 characters were not secrets at all.
    expect(redactSecrets("x failed at x-ray: x", ["x"])).toBe("*** failed at x-ray: ***");
    // Long secrets go wherever they stand, even inside a word.
    expect(redactSecrets("tokenS3cretValue!", ["S3cretValue"])).toBe("token***!");
  });
});

describe("${NAME} references: only in secret fields, only allowed variables, never AWS_*", () => {
  const SECRET_VALUE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const ENV = { AWS_SECRET_ACCESS_KEY: SECRET_VALUE, ESTATE_SECRET_DB: "s3cret", OTHER_PASSWORD: "p/w#1?" };
  const entry = (fields: Record<string, unknown>) => ({ environments: [{ environment: "prod", ...fields }] });
  const PREFIX = 'envs.json: environment "prod" (entry #1): ';

  it.each([
    ["kong_version", { demo: true, kong_version: "${AWS_SECRET_ACCESS_KEY}" }],
    ["node_uname", { demo: true, node_uname: "${ESTATE_SECRET_DB}" }],
    ["schema", { database_url: "postgres://kong@db/kong", schema: "${ESTATE_SECRET_DB}" }],
  ])("refuses a reference in %s, where no secret belongs", (field, fields) => {
    expect(usageErrorOf(entry(fields), ENV).message).toBe(
      `${PREFIX}"${field}" holds a \${…} reference; references expand only in the password of "database_url" and "admin_token".`,
    );
  });

  it.each([
    ["the database name", "postgres://kong:pw@db/${ESTATE_SECRET_DB}"],
    ["the host", "postgres://kong:pw@${ESTATE_SECRET_DB}/kong"],
    ["the user", "postgres://${ESTATE_SECRET_DB}:pw@db/kong"],
    ["application_name", "postgres://kong:pw@db/kong?application_name=${ESTATE_SECRET_DB}"],
    ["a URL without a user", "postgres://db/kong?password=${ESTATE_SECRET_DB}"],
  ])("refuses a reference in %s of database_url", (_part, url) => {
    expect(usageErrorOf(entry({ database_url: url }), ENV).message).toBe(
      `${PREFIX}"database_url" holds a \${…} reference; references expand only in the password of "database_url" and "admin_token".`,
    );
  });

  it("never reads an AWS_* variable, even where a secret belongs and even when listed", () => {
    const env = { ...ENV, ESTATE_SECRET_VARIABLES: "AWS_SECRET_ACCESS_KEY" };
    const error = usageErrorOf(
      entry({ database_url: "postgres://kong:${AWS_SECRET_ACCESS_KEY}@db/kong" }),
      env,
    );
    expect(error.message).toBe(
      `${PREFIX}"database_url" refers to \${AWS_SECRET_ACCESS_KEY}: AWS_* variables are never read (they hold this process's own AWS credentials and settings).`,
    );
    expect(error.message).not.toContain(SECRET_VALUE);
  });

  it("reads a variable named ESTATE_SECRET_… or listed in ESTATE_SECRET_VARIABLES, and no other", () => {
    const url = "postgres://kong:${OTHER_PASSWORD}@db:5432/kong";
    expect(usageErrorOf(entry({ database_url: url }), ENV).message).toBe(
      `${PREFIX}"database_url" refers to \${OTHER_PASSWORD}, which is not an allowed variable: name it ESTATE_SECRET_… or list it in ESTATE_SECRET_VARIABLES (comma-separated).`,
    );
    const listed = parse(entry({ database_url: url }), {
      ...ENV,
      ESTATE_SECRET_VARIABLES: "A, OTHER_PASSWORD",
    });
    // "p/w#1?" URL-encoded: the host, port and database are still read right.
    const source = listed.environments[0]?.source;
    expect(source).toEqual({
      kind: "postgres",
      url: "postgres://kong:p%2Fw%231%3F@db:5432/kong",
      settings: "environments-file",
    });
    const parsed = new URL(source?.kind === "postgres" ? source.url : "");
    expect([parsed.hostname, parsed.port, parsed.pathname, decodeURIComponent(parsed.password)]).toEqual([
      "db",
      "5432",
      "/kong",
      "p/w#1?",
    ]);
    expect(listed.environments[0]?.secrets).toEqual(["p/w#1?", "p%2Fw%231%3F"]);
  });

  it("reads no variable at all on AWS, and says where a secret comes from there", () => {
    const error = (() => {
      try {
        parseEnvironmentsFile(
          JSON.stringify(entry({ database_url: "postgres://kong:${ESTATE_SECRET_DB}@db/kong" })),
          {
            fileName: "s3://config/envs.json",
            references: { kind: "none", why: "use Secrets Manager." },
          },
        );
      } catch (caught) {
        return caught as Error;
      }
      return new Error("expected a usage error");
    })();
    expect(error.message).toBe(
      's3://config/envs.json: environment "prod" (entry #1): "database_url" refers to ${ESTATE_SECRET_DB}: use Secrets Manager.',
    );
  });
});
