import { PutObjectCommand } from "@aws-sdk/client-s3";
import { Signer } from "@aws-sdk/rds-signer";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import { verifyReport } from "#lib/report/verify-report.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import { createEstateAggregateHandler } from "../../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../../handlers/estate-collect.ts";
import { createHttpHandler } from "../../handlers/http.ts";
import { type SecretsManagerServer, startSecretsManagerServer } from "../../local/secrets-manager.ts";
import { buildHttpApiEvent, buildLambdaContext } from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import {
  KONG_REPORT_PASSWORD,
  KONG_REPORT_USER,
  prepareTlsPostgres,
  startTlsPostgres,
  type TlsPostgres,
} from "../helpers/tls-postgres.ts";

// GET /license/report end to end, inside a Lambda (AWS_LAMBDA_FUNCTION_NAME set) configured for a
// direct PostgreSQL connection instead of the Data API: (1) a Secrets Manager secret in the format
// RDS writes, read by the real SDK client from the local endpoint; (2) IAM database authentication,
// the token made by the real @aws-sdk/rds-signer. Both over TLS verify-full against a throwaway CA,
// to a PostgreSQL holding the demo Kong database; the report goes to the SigV4-checking local S3.

const BUCKET = "reports";
const CONFIG_BUCKET = "kong-config";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-5e6f7a8b-Kq9Lm2";
const prepared = await prepareTlsPostgres();
const blocker = "blocker" in prepared ? prepared.blocker : undefined;

describe.skipIf(blocker !== undefined)(
  `Handler: GET /license/report over a direct PostgreSQL connection (${blocker ?? "initdb and openssl available"})`,
  () => {
    let postgres: TlsPostgres;
    let secrets: SecretsManagerServer;
    let s3: LocalS3;
    let logs: string[];
    let base: Record<string, string>;

    const invoke = async (env: Record<string, string>) => {
      const handler = createHttpHandler({
        env: { ...base, ...env },
        logger: createLogger({ write: (line) => logs.push(line) }),
      }).handler;
      const event = await buildHttpApiEvent({ query: "format=json" });
      return (await handler(event, buildLambdaContext(60_000) as never)) as HttpResponse;
    };

    /** The stored report, checked against the demo seed's documented numbers (lib/demo/seed.sql). */
    const expectDemoReport = async (response: HttpResponse) => {
      expect(response.statusCode, response.body).toBe(200);
      const link = JSON.parse(response.body) as LinkDocument;
      expect(link).toMatchObject({ bucket: BUCKET, format: "json" });
      const report = (await (await fetch(link.url)).json()) as Record<string, unknown>;
      expect(verifyReport(report as never).valid).toBe(true);
      expect(report.checksum).toBe(link.checksum);
      expect(report).toMatchObject({
        workspaces_count: 5,
        services_count: 21,
        routes_count: 40,
        consumers_count: 15,
        rbac_users: 6,
        plugins_count: expect.objectContaining({ unique_route_lambdas: 5, unique_route_kafkas: 7 }),
      });
      return link;
    };

    beforeAll(async () => {
      postgres = await startTlsPostgres(prepared as { folder: string });
      s3 = await startLocalS3([BUCKET, CONFIG_BUCKET]);
      secrets = await startSecretsManagerServer({
        accessKeyId: S3RVER_CREDENTIALS.accessKeyId,
        secrets: {
          // An RDS-managed master secret has no dbname; KONG_PG_DATABASE names the Kong database.
          [SECRET_ARN]: JSON.stringify({
            engine: "postgres",
            host: "localhost",
            port: postgres.port,
            username: KONG_REPORT_USER,
            password: KONG_REPORT_PASSWORD,
          }),
        },
      });
      // The SDK's own credential chain and region, as in Lambda.
      vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
      vi.stubEnv("AWS_REGION", "us-east-1");
      vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.url);
      logs = [];
      base = {
        AWS_LAMBDA_FUNCTION_NAME: "kong-license-report-test-http",
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        REPORT_BUCKET: BUCKET,
        REPORT_URL_TTL_SECONDS: "300",
        ADMIN_GROUPS: "kong-admins",
        // The template passes the Data API's variables empty when it is not used.
        KONG_DB_RESOURCE_ARN: "",
        KONG_DB_SECRET_ARN: "",
        KONG_DB_NAME: "",
        // The test CA stands in for the RDS bundles: a server of our own, verify-full.
        KONG_PG_CA_FILE: postgres.certificates.caFile,
      };
    }, 300_000);

    afterAll(async () => {
      vi.useRealTimers();
      vi.unstubAllEnvs();
      await secrets?.close();
      await s3?.close();
      await postgres?.stop();
    }, 120_000);

    it("reports with the credentials of a Secrets Manager secret, over TLS verify-full", async () => {
      // Act
      const response = await invoke({ KONG_PG_SECRET_ARN: SECRET_ARN, KONG_PG_DATABASE: "kong" });

      // Assess
      await expectDemoReport(response);
      expect(secrets.reads(SECRET_ARN)).toBe(1);
      const text = logs.join("\n");
      expect(text).not.toContain(KONG_REPORT_PASSWORD);
    });

    it("reports with an IAM authentication token as the password, over TLS verify-full", async () => {
      // Prepare: the role's password is the token rds-signer makes at this fixed instant, from the
      // chain's credentials; the handler's adapter signs its own at the same instant.
      const now = new Date();
      vi.useFakeTimers({ toFake: ["Date"], now });
      const token = await new Signer({
        hostname: "localhost",
        port: postgres.port,
        username: "klr_iam_report",
        region: "us-east-1",
        credentials: S3RVER_CREDENTIALS,
      }).getAuthToken();
      await postgres.exec(
        `CREATE ROLE klr_iam_report LOGIN PASSWORD '${token}'; GRANT pg_read_all_data TO klr_iam_report`,
      );

      // Act
      const response = await invoke({
        KONG_PG_IAM_AUTH: "true",
        KONG_PG_HOST: "localhost",
        KONG_PG_PORT: String(postgres.port),
        KONG_PG_USER: "klr_iam_report",
        KONG_PG_DATABASE: "kong",
      });

      // Assess
      vi.useRealTimers();
      await expectDemoReport(response);
      expect(logs.join("\n")).not.toContain(token.split("X-Amz-Signature=")[1] ?? token);
    });

    it('collects an estate environment from a "postgres" entry with the secret, over TLS verify-full', async () => {
      // Prepare: the environments file in S3 with one direct entry, and the run PlanEstate plans.
      await s3.client().send(
        new PutObjectCommand({
          Bucket: CONFIG_BUCKET,
          Key: "environments.json",
          Body: JSON.stringify({
            environments: [
              {
                environment: "rds-pg",
                postgres: { secret_arn: SECRET_ARN, database: "kong", ca_file: postgres.certificates.caFile },
              },
            ],
          }),
        }),
      );
      const env = {
        ...base,
        REPORT_PREFIX: "license-reports/",
        ESTATE_ENVIRONMENTS: `s3://${CONFIG_BUCKET}/environments.json`,
      };
      const logger = createLogger({ write: (line) => logs.push(line) });
      const context = buildLambdaContext(60_000) as never;
      const plan = (await createEstateAggregateHandler({ env, logger }).handler(
        { step: "plan", request: { format: "json" } },
        context,
      )) as { run: unknown };

      // Act
      const stored = await createEstateCollectHandler({ env, logger }).handler(
        { run: plan.run, environment: "rds-pg" } as never,
        context,
      );

      // Assess
      expect(stored).toMatchObject({
        environment: "rds-pg",
        status: "ok",
        source: "postgres",
        services_count: 21,
        routes_count: 40,
      });
      expect(logs.join("\n")).not.toContain(KONG_REPORT_PASSWORD);
    });

    it("answers 502 naming the host and the CA setting when verify-full fails, never the password", async () => {
      // Act: the secret's host is right, the trusted CA is not the one that signed the server.
      const response = await invoke({
        KONG_PG_SECRET_ARN: SECRET_ARN,
        KONG_PG_DATABASE: "kong",
        KONG_PG_CA_FILE: postgres.certificates.otherCaFile,
      });

      // Assess
      expect(response.statusCode).toBe(502);
      const body = JSON.parse(response.body) as { message: string };
      expect(body.message).toMatch(
        new RegExp(
          `^The TLS certificate of PostgreSQL at localhost:${postgres.port}/kong as kong_report is not trusted \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\\)\\. .*KONG_PG_CA_FILE`,
        ),
      );
      expect(`${response.body}${logs.join("\n")}`).not.toContain(KONG_REPORT_PASSWORD);
    });
  },
);
