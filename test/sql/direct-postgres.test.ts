import { Signer } from "@aws-sdk/rds-signer";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabaseSecretReader } from "#lib/aws/database-secret.ts";
import { openDatabasePort } from "#lib/compose/open-database-port.ts";
import { DatabaseAccessError } from "#lib/errors.ts";
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

// A direct connection with credentials AWS holds, through the composition root's port, against a
// real PostgreSQL that only speaks TLS with a certificate of a throwaway CA: the secret read with the
// real Secrets Manager client from the local endpoint, the IAM token made by the real
// @aws-sdk/rds-signer and set as a role's password. Runs where initdb and openssl are available.

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kong-report-AbCdEf";
const OTHER_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-Gh1jKl";
const CREDENTIALS = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret-key" } as const;

const prepared = await prepareTlsPostgres();
const blocker = "blocker" in prepared ? prepared.blocker : undefined;

describe.skipIf(blocker !== undefined)(
  `Direct PostgreSQL over TLS verify-full, secret and IAM token (${blocker ?? "initdb and openssl available"})`,
  () => {
    let postgres: TlsPostgres;
    let secrets: SecretsManagerServer;

    const secretOf = (fields: Record<string, unknown>) =>
      JSON.stringify({
        engine: "postgres",
        host: "localhost",
        port: postgres.port,
        username: KONG_REPORT_USER,
        password: KONG_REPORT_PASSWORD,
        dbname: "kong",
        ...fields,
      });
    const secretSource = (overrides: Partial<PostgresSecretSource> = {}): PostgresSecretSource => ({
      kind: "postgres-secret",
      secretArn: SECRET,
      caFile: postgres.certificates.caFile,
      settings: "environment",
      ...overrides,
    });
    const queryWith = async (
      source: PostgresSecretSource | PostgresIamSource,
      reader = createDatabaseSecretReader(),
    ) => {
      const port = openDatabasePort(source, { secrets: reader });
      try {
        return await port.query(
          "SELECT current_user::text AS who, s.ssl::text AS tls FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()",
        );
      } finally {
        await port.close();
      }
    };

    beforeAll(async () => {
      postgres = await startTlsPostgres(prepared as { folder: string });
      secrets = await startSecretsManagerServer({ accessKeyId: CREDENTIALS.accessKeyId });
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.url);
      vi.stubEnv("AWS_ACCESS_KEY_ID", CREDENTIALS.accessKeyId);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", CREDENTIALS.secretAccessKey);
      vi.stubEnv("AWS_REGION", "eu-west-1");
    }, 300_000);

    afterEach(() => {
      vi.useRealTimers();
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      await secrets?.close();
      await postgres?.stop();
    }, 120_000);

    it("connects with the secret's user and password, over TLS verified against the given CA", async () => {
      // Prepare
      secrets.putSecret(SECRET, secretOf({}));

      // Act
      const rows = await queryWith(secretSource());

      // Assess
      expect(rows).toEqual([{ who: KONG_REPORT_USER, tls: "true" }]);
    });

    it("reads the secret once for every port and query of a container", async () => {
      // Prepare
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:read-once-Ab12Cd";
      secrets.putSecret(arn, secretOf({}));
      const reader = createDatabaseSecretReader();

      // Act
      const first = await queryWith(secretSource({ secretArn: arn }), reader);
      const second = await queryWith(secretSource({ secretArn: arn }), reader);

      // Assess
      expect([first, second]).toEqual([
        [{ who: KONG_REPORT_USER, tls: "true" }],
        [{ who: KONG_REPORT_USER, tls: "true" }],
      ]);
      expect(secrets.reads(arn)).toBe(1);
    });

    it("reads a rotated secret again once the server refuses the cached password", async () => {
      // Prepare: a reader that cached the first password, then the password is rotated.
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rotated-Zz99Yy";
      await postgres.exec(
        `CREATE ROLE klr_rotated LOGIN PASSWORD 'first-password'; GRANT pg_read_all_data TO klr_rotated`,
      );
      secrets.putSecret(arn, secretOf({ username: "klr_rotated", password: "first-password" }));
      const reader = createDatabaseSecretReader();
      expect(await queryWith(secretSource({ secretArn: arn }), reader)).toEqual([
        { who: "klr_rotated", tls: "true" },
      ]);
      await postgres.exec("ALTER ROLE klr_rotated PASSWORD 'second-password'");
      secrets.putSecret(arn, secretOf({ username: "klr_rotated", password: "second-password" }));

      // Act
      const rows = await queryWith(secretSource({ secretArn: arn }), reader);

      // Assess
      expect(rows).toEqual([{ who: "klr_rotated", tls: "true" }]);
      expect(secrets.reads(arn)).toBe(2);
    });

    it("refuses a wrong password once re-read, naming the setting and never the password", async () => {
      // Prepare
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:wrong-Qq11Ww";
      secrets.putSecret(arn, secretOf({ password: "not-the-password-0451" }));

      // Act
      const error = await rejectionOf(queryWith(secretSource({ secretArn: arn })));

      // Assess
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(
        `PostgreSQL refused the credentials for localhost:${postgres.port}/kong as ${KONG_REPORT_USER}. Check the username and password in the secret KONG_PG_SECRET_ARN names (it was read again after the refusal, in case it had been rotated).`,
      );
      expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain("0451");
      expect(secrets.reads(arn)).toBe(2);
    });

    it("fails verify-full when the host is not a name in the certificate (127.0.0.1 for a localhost certificate)", async () => {
      // Prepare
      secrets.putSecret(SECRET, secretOf({}));

      // Act
      const error = await rejectionOf(queryWith(secretSource({ host: "127.0.0.1" })));

      // Assess
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(
        `The TLS certificate of PostgreSQL at 127.0.0.1:${postgres.port}/kong as ${KONG_REPORT_USER} is not trusted (ERR_TLS_CERT_ALTNAME_INVALID). The connection verifies the server (verify-full) against the RDS and Aurora certificate bundles replaced by KONG_PG_CA_FILE; for a server whose certificate another CA signed, give that CA's PEM file in KONG_PG_CA_FILE. The host must be a name in the certificate.`,
      );
    });

    it("fails verify-full against a CA that did not sign the server's certificate", async () => {
      secrets.putSecret(SECRET, secretOf({}));

      const error = await rejectionOf(queryWith(secretSource({ caFile: postgres.certificates.otherCaFile })));

      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toMatch(
        /^The TLS certificate of PostgreSQL at localhost:\d+\/kong as kong_report is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)\. /,
      );
    });

    it("trusts the RDS certificate bundles by default, and so not the test CA", async () => {
      secrets.putSecret(SECRET, secretOf({}));

      const { caFile: _testCa, ...withRdsBundles } = secretSource();

      const error = await rejectionOf(queryWith(withRdsBundles));

      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toMatch(
        /is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
      );
      expect(error.message).toContain(
        "against the RDS and Aurora certificate bundles; for a server whose certificate another CA signed, give that CA's PEM file in KONG_PG_CA_FILE.",
      );
    });

    it("refuses a server without TLS", async () => {
      secrets.putSecret(SECRET, secretOf({ port: postgres.plainPort }));

      const error = await rejectionOf(queryWith(secretSource()));

      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(
        `PostgreSQL at localhost:${postgres.plainPort}/kong as ${KONG_REPORT_USER} does not accept TLS connections, but this connection requires TLS (verify-full, always for the AWS forms). Turn ssl on at the server; RDS and Aurora always offer it.`,
      );
    });

    it.each([
      [
        "an unknown secret",
        OTHER_SECRET,
        undefined,
        `Secrets Manager found no secret ${OTHER_SECRET} (KONG_PG_SECRET_ARN; ResourceNotFoundException). Give the full ARN, with its 6-character suffix, in the secret's region.`,
      ],
      [
        "a secret that is not JSON",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:text-Aa11Bb",
        "hunter2-plain",
        'The secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:text-Aa11Bb (KONG_PG_SECRET_ARN) is not JSON; expected the JSON RDS writes: {"engine": "postgres", "host": "…", "port": 5432, "username": "…", "password": "…", "dbname": "kong"} (dbname optional).',
      ],
      [
        "a MySQL secret without a password",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mysql-Cc22Dd",
        JSON.stringify({ engine: "mysql", host: "db", port: "3306", username: "admin" }),
        'The secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:mysql-Cc22Dd (KONG_PG_SECRET_ARN) is not usable: "password" is missing; "engine" is "mysql", not PostgreSQL. Expected the JSON RDS writes: {"engine": "postgres", "host": "…", "port": 5432, "username": "…", "password": "…", "dbname": "kong"} (dbname optional).',
      ],
    ])("names what is wrong with %s, never its value", async (_what, arn, value, message) => {
      if (value !== undefined) secrets.putSecret(arn, value);

      const error = await rejectionOf(queryWith(secretSource({ secretArn: arn })));

      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain("hunter2");
    });

    it("asks for the database when the secret has no dbname (an RDS-managed master secret)", async () => {
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-Ee33Ff";
      secrets.putSecret(arn, secretOf({ dbname: undefined }));

      const error = await rejectionOf(queryWith(secretSource({ secretArn: arn })));
      const rows = await queryWith(secretSource({ secretArn: arn, database: "kong" }));

      expect(error.message).toBe(
        `The secret ${arn} (KONG_PG_SECRET_ARN) has no "dbname" (an RDS-managed master secret has none): set KONG_PG_DATABASE to the Kong database, e.g. kong.`,
      );
      expect(rows).toEqual([{ who: KONG_REPORT_USER, tls: "true" }]);
    });

    it("says the role may not read a secret it is denied, in the environments file's words", async () => {
      const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:denied-Gg44Hh";
      secrets.putSecret(arn, secretOf({}));
      secrets.deny(arn);

      const error = await rejectionOf(
        queryWith(secretSource({ secretArn: arn, settings: "environments-file" })),
      );

      expect(error.message).toBe(
        `Secrets Manager refused to read the secret ${arn} ("postgres.secret_arn") (AccessDeniedException): the credentials in use (on AWS, the function's role) must be allowed secretsmanager:GetSecretValue on it.`,
      );
    });

    describe("IAM database authentication", () => {
      const FIXED_NOW = new Date("2026-12-01T10:00:00.000Z");
      const iamSource = (): PostgresIamSource => ({
        kind: "postgres-iam",
        host: "localhost",
        port: postgres.port,
        user: "klr_iam",
        database: "kong",
        region: "eu-west-1",
        caFile: postgres.certificates.caFile,
        settings: "environment",
      });
      // The token rds-signer makes for this user at this instant, from these credentials.
      const tokenAt = (now: Date) => {
        vi.useFakeTimers({ toFake: ["Date"], now });
        return new Signer({
          hostname: "localhost",
          port: postgres.port,
          username: "klr_iam",
          region: "eu-west-1",
          credentials: CREDENTIALS,
        }).getAuthToken();
      };

      it("connects with a token made by @aws-sdk/rds-signer as the password", async () => {
        // Prepare: the token of a fixed instant is the role's password.
        const token = await tokenAt(FIXED_NOW);
        expect(token).toMatch(
          new RegExp(
            `^localhost:${postgres.port}/\\?Action=connect&DBUser=klr_iam&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDLOCALTEST%2F20261201%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20261201T100000Z&X-Amz-Expires=900&X-Amz-Signature=[0-9a-f]{64}&X-Amz-SignedHeaders=host$`,
          ),
        );
        await postgres.exec(
          `DROP ROLE IF EXISTS klr_iam; CREATE ROLE klr_iam LOGIN PASSWORD '${token}'; GRANT pg_read_all_data TO klr_iam`,
        );

        // Act: the adapter signs its own token at the same instant, with the chain's credentials.
        const rows = await queryWith(iamSource());

        // Assess
        expect(rows).toEqual([{ who: "klr_iam", tls: "true" }]);
      });

      it("makes a new token per connection: one second later it is another token, refused without showing it", async () => {
        // Prepare
        const token = await tokenAt(FIXED_NOW);
        await postgres.exec(
          `DROP ROLE IF EXISTS klr_iam; CREATE ROLE klr_iam LOGIN PASSWORD '${token}'; GRANT pg_read_all_data TO klr_iam`,
        );
        vi.setSystemTime(new Date(FIXED_NOW.getTime() + 1_000));

        // Act
        const error = await rejectionOf(queryWith(iamSource()));

        // Assess
        expect(error).toBeInstanceOf(DatabaseAccessError);
        expect(error.message).toBe(
          `PostgreSQL refused the credentials for localhost:${postgres.port}/kong as klr_iam. Check that KONG_PG_USER has GRANT rds_iam, that IAM database authentication is on for the database, and that the function's role may rds-db:connect as that user (the token is made per connection, valid 15 minutes).`,
        );
        expect(error.message).not.toMatch(/X-Amz-Signature|Action=connect/);
      });

      it("says where the credentials that sign the token come from when there are none", async () => {
        // Prepare: no credentials anywhere in the chain (and no instance metadata to wait for).
        vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
        vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
        vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
        vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/klr-aws-config");
        vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/klr-aws-credentials");
        try {
          // Act
          const error = await rejectionOf(queryWith({ ...iamSource(), settings: "environments-file" }));

          // Assess
          expect(error).toBeInstanceOf(DatabaseAccessError);
          expect(error.message).toBe(
            `Could not make an IAM authentication token for klr_iam at localhost:${postgres.port} (CredentialsProviderError: Could not load credentials from any providers): signing it needs AWS credentials (on AWS the function's role; elsewhere AWS_PROFILE or the access keys).`,
          );
        } finally {
          vi.stubEnv("AWS_ACCESS_KEY_ID", CREDENTIALS.accessKeyId);
          vi.stubEnv("AWS_SECRET_ACCESS_KEY", CREDENTIALS.secretAccessKey);
        }
      });
    });
  },
);
