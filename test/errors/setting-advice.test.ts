import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createEstateRuntime } from "#lib/compose/estate-runtime.ts";
import { createListingStore, createReportRuntime } from "#lib/compose/report-runtime.ts";
import { readEstateRunConfig } from "#lib/config/estate.ts";
import { readReportConfig } from "#lib/config/report.ts";
import { readListingConfig, readStorageConfig } from "#lib/config/storage.ts";
import { collectEnvironment } from "#lib/estate/collect-estate.ts";
import type { EstateDocument } from "#lib/estate/types.ts";
import { parseConfiguredEnvironments } from "#lib/use-cases/estate-inputs.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { RESOURCE_ARN, rejectionOf, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { describePostgres, openTestDatabase, type TestDatabase } from "../helpers/kong-db.ts";
import { S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

// Every piece of advice names what exists where it appears (issue 24): the CLI's options, the
// report functions' variables, or the environments file's keys, whichever configured the failing
// source; never --database-url outside the CLI. Each failure is real: a closed port, a database the
// server does not have (the local Data API over PGlite; PostgreSQL when KONG_TEST_DATABASE_URL is
// set), through the entry points a user meets: the CLI in-process, and the composition root the
// functions' handlers call.

const ABSENT = "klr_tests_absent";
const FILE = "envs.json";

let folder: string;
let db: TestDatabase;
let dataApi: DataApiServer;
let closed: number;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-setting-advice-"));
  db = await openTestDatabase("pglite");
  dataApi = await startTestEndpoint(db, (await db.createFixture("SELECT 1")).schema);
});

afterAll(async () => {
  await dataApi?.close();
  await db?.close();
  await rm(folder, { recursive: true, force: true });
});

beforeEach(async () => {
  closed = await closedPort();
  // The SDK's credential chain reads the process environment; the local endpoint checks the form only.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
  vi.stubEnv("AWS_SESSION_TOKEN", undefined);
  vi.stubEnv("AWS_PROFILE", undefined);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/klr-aws-config");
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/klr-aws-credentials");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const closedUrl = () => `postgres://kong:never-shown@127.0.0.1:${closed}/kong`;
const dataApiEntry = (fields: Record<string, string>) => ({
  resource_arn: RESOURCE_ARN,
  secret_arn: SECRET_ARN,
  database: "postgres",
  ...fields,
});

/** `estate --environments FILE` on these entries: each environment's error, by name. */
async function estateErrors(
  environments: readonly Record<string, unknown>[],
): Promise<Record<string, string>> {
  const path = join(folder, `${environments.map((entry) => entry.environment).join("-")}.json`);
  await writeFile(path, JSON.stringify({ environments }));
  const run = await runCliCapturing({}, ["estate", "--environments", path, "--as-of", "2026-01"]);
  const estate = JSON.parse(run.stdout) as EstateDocument;
  return Object.fromEntries(
    estate.environments.map((entry) => [entry.environment, "error" in entry ? String(entry.error) : "ok"]),
  );
}

/** The estate functions' collector (the composition root of handlers/estate-*.ts) on these entries. */
async function functionErrors(
  environments: readonly Record<string, unknown>[],
): Promise<Record<string, string>> {
  const config = parseConfiguredEnvironments({ text: JSON.stringify({ environments }), fileName: FILE });
  const runtime = createEstateRuntime(
    readStorageConfig({ REPORT_BUCKET: "kong-reports" }),
    readEstateRunConfig({ ESTATE_ENVIRONMENTS: "ssm:/kong/estate" }),
  );
  const errors: Record<string, string> = {};
  for (const spec of config.environments) {
    const outcome = await collectEnvironment(spec, { openPort: runtime.openPort, asOf: "2026-01" });
    errors[spec.name] = outcome.status === "failed" ? outcome.error : "ok";
  }
  return errors;
}

/** The report functions' database port (handlers/http.ts, scheduled.ts) from these variables. */
async function reportFunctionError(env: Record<string, string>): Promise<string> {
  const runtime = createReportRuntime(readReportConfig({ REPORT_BUCKET: "kong-reports", ...env }), {
    dataApiRetry: { maxAttempts: 1 },
  });
  try {
    return (await rejectionOf(runtime.sql.query("SELECT 1::text AS one"))).message;
  } finally {
    await runtime.sql.close();
  }
}

describe("A PostgreSQL URL that cannot be reached", () => {
  const unreachable = () => `Cannot reach PostgreSQL at 127.0.0.1:${closed}/kong as kong (ECONNREFUSED).`;

  it("names --database-url in the CLI", async () => {
    const run = await runCliCapturing({}, ["generate", "--database-url", closedUrl()]);
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      `${unreachable()} Check the host and port in --database-url and that the server is running.\n`,
    );
  });

  it("names the entry's \"database_url\" in the CLI's estate and in the estate functions", async () => {
    const entries = [{ environment: "prod", database_url: closedUrl() }];
    const expected = `${unreachable()} Check the host and port in "database_url" and that the server is running.`;
    expect(await estateErrors(entries)).toEqual({ prod: expected });
    expect(await functionErrors(entries)).toEqual({ prod: expected });
  });

  it("names KONG_DATABASE_URL in the report functions' handlers (run outside Lambda)", async () => {
    expect(await reportFunctionError({ KONG_DATABASE_URL: closedUrl() })).toBe(
      `${unreachable()} Check the host and port in KONG_DATABASE_URL and that the server is running.`,
    );
  });
});

describePostgres("A PostgreSQL URL naming a database the server does not have (postgres)", () => {
  const absentUrl = () => {
    const url = new URL(process.env.KONG_TEST_DATABASE_URL as string);
    url.pathname = `/${ABSENT}`;
    return url;
  };
  const doesNotExist = () => {
    const url = absentUrl();
    return `The database in ${url.hostname}:${url.port || "5432"}/${ABSENT} as ${decodeURIComponent(url.username)} does not exist.`;
  };

  it("names --database-url in the CLI, the entry's key in an estate, KONG_DATABASE_URL in the handlers", async () => {
    const run = await runCliCapturing({}, ["generate", "--database-url", absentUrl().toString()]);
    expect(run.stderr).toBe(`${doesNotExist()} Check --database-url.\n`);
    const entries = [{ environment: "prod", database_url: absentUrl().toString() }];
    expect(await estateErrors(entries)).toEqual({ prod: `${doesNotExist()} Check "database_url".` });
    expect(await functionErrors(entries)).toEqual({ prod: `${doesNotExist()} Check "database_url".` });
    expect(await reportFunctionError({ KONG_DATABASE_URL: absentUrl().toString() })).toBe(
      `${doesNotExist()} Check KONG_DATABASE_URL.`,
    );
  });
});

describe("The RDS Data API", () => {
  const noDatabase = `The database "${ABSENT}" does not exist on the Aurora cluster ${RESOURCE_ARN}.`;
  const unreachable = "Cannot reach the RDS Data API endpoint (ECONNREFUSED).";
  const closedEndpoint = () => `http://127.0.0.1:${closed}`;

  it("names the --data-api-* options in the CLI", async () => {
    const dataApiArgs = (database: string, endpoint: string) => [
      "generate",
      "--data-api-resource-arn",
      RESOURCE_ARN,
      "--data-api-secret-arn",
      SECRET_ARN,
      "--data-api-database",
      database,
      "--data-api-endpoint",
      endpoint,
    ];
    const absent = await runCliCapturing({}, dataApiArgs(ABSENT, dataApi.url));
    expect(absent.code).toBe(4);
    expect(absent.stderr).toMatch(
      new RegExp(`^${escapeRegExp(noDatabase)} Check --data-api-database\\. The service said: .*${ABSENT}`),
    );
    const down = await runCliCapturing({}, dataApiArgs("postgres", closedEndpoint()));
    expect(down.stderr).toBe(
      `${unreachable} Check --data-api-endpoint (or AWS_ENDPOINT_URL_RDS_DATA) and the network path to rds-data.\n`,
    );
  });

  it("names the entry's \"data_api\" keys in the CLI's estate and in the estate functions", async () => {
    const entries = [
      { environment: "absent", data_api: dataApiEntry({ database: ABSENT, endpoint: dataApi.url }) },
      { environment: "down", data_api: dataApiEntry({ endpoint: closedEndpoint() }) },
    ];
    for (const errors of [await estateErrors(entries), await functionErrors(entries)]) {
      expect(errors.absent).toMatch(
        new RegExp(
          `^${escapeRegExp(noDatabase)} Check "data_api\\.database"\\. The service said: .*${ABSENT}`,
        ),
      );
      expect(errors.down).toBe(`${unreachable} Check "data_api.endpoint" and the network path to rds-data.`);
    }
  });

  it("names the KONG_DB_* variables and AWS_ENDPOINT_URL_RDS_DATA in the report functions", async () => {
    const variables = (database: string, endpoint: string) => ({
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: database,
      AWS_ENDPOINT_URL_RDS_DATA: endpoint,
    });
    expect(await reportFunctionError(variables(ABSENT, dataApi.url))).toMatch(
      new RegExp(`^${escapeRegExp(noDatabase)} Check KONG_DB_NAME\\. The service said: .*${ABSENT}`),
    );
    expect(await reportFunctionError(variables("postgres", closedEndpoint()))).toBe(
      `${unreachable} Check AWS_ENDPOINT_URL_RDS_DATA and the network path to rds-data.`,
    );
  });
});

describe('A "postgres" entry (IAM authentication) that cannot be reached', () => {
  it("names its keys and, read by the CLI as by a function, does not speak of a function only", async () => {
    const entries = [
      {
        environment: "iam",
        postgres: { host: "127.0.0.1", port: closed, user: "kong", database: "kong", iam_auth: true },
      },
    ];
    const expected = `Cannot reach PostgreSQL at 127.0.0.1:${closed}/kong as kong (ECONNREFUSED). Check "postgres.host" and "postgres.port", that this machine reaches the database (a function: subnets that reach it and a security group the database admits, docs/deploy.md, VPC) and that the server is running.`;
    expect(await estateErrors(entries)).toEqual({ iam: expected });
    expect(await functionErrors(entries)).toEqual({ iam: expected });
  });
});

// S3's advice names nothing a runtime lacks (lib/aws/s3-advice.ts): checked, not changed.
describe("S3 that cannot be reached, or a bucket that does not exist", () => {
  const advice = "S3 could not be reached: check the network (or AWS_ENDPOINT_URL_S3, when set), then retry.";
  const endpoint = () => `http://127.0.0.1:${closed}`;

  it("says so in words true in the CLI's history and upload as in the functions", async () => {
    const history = await runCliCapturing({ AWS_ENDPOINT_URL_S3: endpoint() }, [
      "history",
      "--s3-bucket",
      "kong-reports",
    ]);
    expect(history.code).toBe(6);
    expect(history.stderr).toMatch(
      new RegExp(
        `^Listing the stored reports under s3://kong-reports/license-reports/\\S+ failed: .*\\. ${escapeRegExp(advice)}\\n$`,
      ),
    );
    const upload = await runCliCapturing({ AWS_ENDPOINT_URL_S3: endpoint() }, [
      "generate",
      "--demo",
      "--s3-bucket",
      "kong-reports",
    ]);
    expect(upload.stderr).toMatch(
      new RegExp(`Uploading the report to s3://kong-reports/\\S+ failed: .* ${escapeRegExp(advice)}\\n$`),
    );
    const listing = createListingStore(
      readListingConfig({ REPORT_BUCKET: "kong-reports", AWS_ENDPOINT_URL_S3: endpoint() }),
    );
    const error = await rejectionOf(listing.list({ prefix: "license-reports/adhoc/", maxKeys: 10 }));
    expect(error.message).toMatch(new RegExp(`failed: .*\\. ${escapeRegExp(advice)}$`));
  });

  it("names a bucket that does not exist in words true wherever its name was given", async () => {
    const s3 = await startLocalS3([]);
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    try {
      const missing = "Check the bucket's name: it does not exist.";
      const history = await runCliCapturing({ AWS_ENDPOINT_URL_S3: s3.endpoint }, [
        "history",
        "--s3-bucket",
        "no-such-bucket",
      ]);
      expect(history.code).toBe(6);
      expect(history.stderr).toMatch(new RegExp(`failed: NoSuchBucket.*\\. ${escapeRegExp(missing)}\\n$`));
      const listing = createListingStore(
        readListingConfig({ REPORT_BUCKET: "no-such-bucket", AWS_ENDPOINT_URL_S3: s3.endpoint }),
      );
      const error = await rejectionOf(listing.list({ prefix: "license-reports/adhoc/", maxKeys: 10 }));
      expect(error.message).toMatch(new RegExp(`failed: NoSuchBucket.*\\. ${escapeRegExp(missing)}$`));
    } finally {
      await s3.close();
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
