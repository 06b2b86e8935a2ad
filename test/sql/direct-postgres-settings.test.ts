import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabaseSecretReader } from "#lib/aws/database-secret.ts";
import { describeDatabase, openDatabasePort } from "#lib/compose/open-database-port.ts";
import { ConfigError, DatabaseAccessError } from "#lib/errors.ts";
import type { PostgresIamSource, PostgresSecretSource } from "#lib/sql/database-source.ts";
import { type SecretsManagerServer, startSecretsManagerServer } from "../../local/secrets-manager.ts";
import { rejectionOf } from "../data-api/harness.ts";
import {
  KONG_REPORT_PASSWORD,
  KONG_REPORT_USER,
  prepareTlsPostgres,
  startTlsPostgres,
  type TlsPostgres,
} from "../helpers/tls-postgres.ts";

// The settings of a direct connection with credentials AWS holds that decide before (or as) it
// connects: the CA file, the region of an IAM token, the secret's host and port, the schema and the
// statement limits. Secrets come from the local Secrets Manager endpoint through the real client;
// the limits and the schema are read back from a real PostgreSQL that only speaks TLS.

const CREDENTIALS = {
  accessKeyId: "AKIDLOCALSETTINGS",
  secretAccessKey: "local-settings-secret-key",
} as const;
const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
const PASSWORD = "never-in-a-message-7731";

let secrets: SecretsManagerServer;
let folder: string;

beforeAll(async () => {
  secrets = await startSecretsManagerServer({ accessKeyId: CREDENTIALS.accessKeyId });
  vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.url);
  vi.stubEnv("AWS_ACCESS_KEY_ID", CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", CREDENTIALS.secretAccessKey);
  vi.stubEnv("AWS_REGION", "eu-west-1");
  folder = await mkdtemp(join(tmpdir(), "klr-direct-settings-"));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await secrets?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

const queryOnce = async (source: PostgresSecretSource | PostgresIamSource, sql = "SELECT 1 AS one") => {
  const port = openDatabasePort(source, { secrets: createDatabaseSecretReader() });
  try {
    return await port.query(sql);
  } finally {
    await port.close();
  }
};

const secretSource = (overrides: Partial<PostgresSecretSource> = {}): PostgresSecretSource => ({
  kind: "postgres-secret",
  secretArn: ARN("kong-report-AbCdEf"),
  settings: "environment",
  ...overrides,
});

describe("Direct PostgreSQL settings refused before connecting", () => {
  it.each([
    ["environment", "KONG_PG_CA_FILE"],
    ["environments-file", '"postgres.ca_file"'],
  ] as const)("names the CA file that cannot be read (%s), with the reason", async (settings, name) => {
    // Prepare
    const missing = join(folder, "no-such-ca.pem");

    // Act
    const error = await rejectionOf(queryOnce(secretSource({ caFile: missing, settings })));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `${name} "${missing}" cannot be read (ENOENT). Expected the path of a PEM file with the CA certificate(s) that signed the server's certificate.`,
    );
  });

  it("refuses a CA file that holds no PEM certificate, before reading the secret", async () => {
    // Prepare: a DER-looking or mistaken file (here a private key's text, which is not a certificate).
    const file = join(folder, "not-a-cert.pem");
    await writeFile(file, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    const arn = ARN("ca-first-Aa00Bb");
    secrets.putSecret(arn, JSON.stringify({ host: "db", username: "kong", password: PASSWORD }));

    // Act
    const error = await rejectionOf(queryOnce(secretSource({ secretArn: arn, caFile: file })));

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `KONG_PG_CA_FILE "${file}" holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Expected the CA certificate(s) that signed the server's certificate.`,
    );
    expect(secrets.reads(arn)).toBe(0);
  });

  it.each([
    ["environment", "AWS_REGION"],
    ["environments-file", '"postgres.region"'],
  ] as const)(
    "asks for the region of an IAM token when neither the host nor the setting names it (%s)",
    async (settings, name) => {
      // Prepare: a host that is not an RDS endpoint name, and no region anywhere.
      vi.stubEnv("AWS_REGION", undefined);
      try {
        const source: PostgresIamSource = {
          kind: "postgres-iam",
          host: "kong-db.internal.example",
          port: 5432,
          user: "kong_report",
          database: "kong",
          settings,
        };

        // Act
        const error = await rejectionOf(queryOnce(source));

        // Assess
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toBe(
          `IAM authentication to kong-db.internal.example needs the database's region: set ${name} (e.g. eu-west-1), or use the RDS endpoint name, which holds it.`,
        );
      } finally {
        vi.stubEnv("AWS_REGION", "eu-west-1");
      }
    },
  );

  it("asks for the host when the secret has none, never showing the password", async () => {
    // Prepare
    const arn = ARN("no-host-Cc11Dd");
    secrets.putSecret(
      arn,
      JSON.stringify({ engine: "postgres", username: "kong", password: PASSWORD, dbname: "kong" }),
    );

    // Act
    const error = await rejectionOf(queryOnce(secretSource({ secretArn: arn })));

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `The secret ${arn} (KONG_PG_SECRET_ARN) has no "host": add it to the secret, or set KONG_PG_HOST.`,
    );
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(PASSWORD);
  });

  it("connects to port 5432 when neither the secret nor the setting gives one", async () => {
    // Prepare: the RDS bundles (no CA file); whatever answers on 127.0.0.1:5432 (a server without TLS,
    // or none), the message names the default port.
    const arn = ARN("no-port-Ee22Ff");
    secrets.putSecret(
      arn,
      JSON.stringify({
        engine: "postgres",
        host: "127.0.0.1",
        username: "kong",
        password: PASSWORD,
        dbname: "kong",
      }),
    );

    // Act
    const error = await rejectionOf(queryOnce(secretSource({ secretArn: arn })));

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toContain("PostgreSQL at 127.0.0.1:5432/kong as kong");
    expect(error.message).not.toContain(PASSWORD);
  });

  it("describes where a secret's connection goes without any credential", () => {
    expect(describeDatabase(secretSource())).toBe(
      `PostgreSQL with the credentials of the secret ${ARN("kong-report-AbCdEf")} (TLS verify-full)`,
    );
    expect(
      describeDatabase({
        kind: "postgres-iam",
        host: "kong.abc123.eu-west-1.rds.amazonaws.com",
        port: 5432,
        user: "kong_report",
        database: "kong",
        settings: "environment",
      }),
    ).toBe(
      "PostgreSQL kong.abc123.eu-west-1.rds.amazonaws.com:5432/kong as kong_report (IAM authentication, TLS verify-full)",
    );
  });
});

const prepared = await prepareTlsPostgres();
const blocker = "blocker" in prepared ? prepared.blocker : undefined;

describe.skipIf(blocker !== undefined)(
  `Direct PostgreSQL schema and limits over TLS verify-full (${blocker ?? "initdb and openssl available"})`,
  () => {
    let postgres: TlsPostgres;
    const SETTINGS_SQL =
      "SELECT current_setting('search_path') AS search_path, current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout, count(*)::text AS workspaces FROM workspaces";

    beforeAll(async () => {
      postgres = await startTlsPostgres(prepared as { folder: string });
      // Kong's tables moved to a schema of their own, off the report user's search_path.
      await postgres.exec(
        `CREATE SCHEMA kong_ee; CREATE TABLE kong_ee.workspaces AS SELECT * FROM public.workspaces; GRANT USAGE ON SCHEMA kong_ee TO ${KONG_REPORT_USER}; GRANT SELECT ON ALL TABLES IN SCHEMA kong_ee TO ${KONG_REPORT_USER}; DROP TABLE public.workspaces CASCADE`,
        "kong",
      );
    }, 300_000);

    afterAll(async () => {
      await postgres?.stop();
    }, 120_000);

    const tlsSource = (arn: string, overrides: Partial<PostgresSecretSource> = {}) => {
      secrets.putSecret(
        arn,
        JSON.stringify({
          engine: "postgres",
          host: "localhost",
          port: postgres.port,
          username: KONG_REPORT_USER,
          password: KONG_REPORT_PASSWORD,
          dbname: "kong",
        }),
      );
      return secretSource({ secretArn: arn, caFile: postgres.certificates.caFile, ...overrides });
    };

    it("reads Kong's tables in the schema given, with the statement and lock limits given", async () => {
      // Act
      const rows = await queryOnce(
        tlsSource(ARN("schema-Gg33Hh"), {
          schema: "kong_ee",
          statementTimeoutMs: 7_000,
          lockTimeoutMs: 2_000,
        }),
        SETTINGS_SQL,
      );

      // Assess: the demo database's 5 workspaces (lib/demo/seed.sql header), now only in kong_ee.
      expect(rows).toEqual([
        { search_path: "kong_ee", statement_timeout: "7s", lock_timeout: "2s", workspaces: "5" },
      ]);
    });

    it("applies the lock and statement limits given to a connection by URL", async () => {
      // Prepare
      const port = openDatabasePort({
        kind: "postgres",
        url: `postgres://${KONG_REPORT_USER}:${KONG_REPORT_PASSWORD}@localhost:${postgres.port}/kong?sslmode=verify-full&sslrootcert=${postgres.certificates.caFile}`,
        settings: "environment",
        lockTimeoutMs: 1_500,
        statementTimeoutMs: 9_000,
      });

      // Act
      let rows: Awaited<ReturnType<typeof port.query>>;
      try {
        rows = await port.query(
          "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout",
        );
      } finally {
        await port.close();
      }

      // Assess: PostgreSQL shows 1,500 ms as "1500ms" and 9,000 ms as "9s".
      expect(rows).toEqual([{ statement_timeout: "9s", lock_timeout: "1500ms" }]);
    });

    it("names the schema setting of the environments file when the schema does not exist", async () => {
      // Act
      const error = await rejectionOf(
        queryOnce(
          tlsSource(ARN("no-schema-Ii44Jj"), { schema: "kong_missing", settings: "environments-file" }),
        ),
      );

      // Assess
      expect(error.message).toContain("kong_missing");
      expect(error.message).toContain('Check "postgres.schema".');
      expect(error.message).not.toContain(KONG_REPORT_PASSWORD);
    });
  },
);
