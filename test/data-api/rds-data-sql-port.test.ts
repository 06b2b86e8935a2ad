import type { RDSDataClient } from "@aws-sdk/client-rds-data";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createRdsDataClient } from "#lib/aws/clients.ts";
import { createRdsDataSqlPort, type RdsDataSqlPortOptions } from "#lib/aws/rds-data-sql-port.ts";
import {
  DatabaseAccessError,
  DatabaseResumingError,
  QueryError,
  type ReportError,
  TimeoutError,
} from "#lib/errors.ts";
import type { SqlPort } from "#lib/sql/port.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { describeTargets, openTestDatabase, type TestDatabase } from "../helpers/kong-db.ts";
import {
  ARNS,
  createTestClient,
  databaseNameOf,
  internalErrors,
  RESOURCE_ARN,
  rejectionOf,
  SECRET_ARN,
  startTestEndpoint,
} from "./harness.ts";

// The production adapter, through the real SDK client, against the local endpoint on each database.
const TABLES = `
  CREATE TABLE items (
    id uuid PRIMARY KEY, name text, big int8, amount numeric(10,2), ratio float8, small float4, ok bool,
    doc jsonb, tags text[], nums int8[], raw bytea
  );
  INSERT INTO items VALUES
    ('7f2a0000-0000-0000-0000-000000000001', 'one', 9007199254740993, 1234.50, 0.25, 1.1, true,
     '{"a": [1, 2], "b": "x"}', '{x,"y z",NULL,"",a\\\\b,"q\\"t"}', '{1,NULL,9007199254740993}', '\\xdeadbeef'),
    ('7f2a0000-0000-0000-0000-000000000002', 'two', -5, -0.01, 1e20, 1e7, false,
     '[]', '{}', '{}', '\\x'),
    ('7f2a0000-0000-0000-0000-000000000003', NULL, NULL, NULL, 1.5e-7, NULL, NULL, NULL, NULL, NULL, NULL);
`;

describeTargets("RDS Data API SQL port on %s", (target) => {
  let db: TestDatabase;
  let pgPort: SqlPort & { schema: string };
  let server: DataApiServer;
  let client: RDSDataClient;
  let database: string;
  let sleeps: number[];

  beforeAll(async () => {
    db = await openTestDatabase(target);
    pgPort = await db.createFixture(TABLES);
    database = databaseNameOf(db);
    // A statement timeout far above any statement here: a slow runner must not cancel ordinary work.
    server = await startTestEndpoint(db, pgPort.schema, { statementTimeoutMs: 30_000 });
    client = createTestClient(server);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
    await db?.close();
  });
  afterEach(() => {
    expect(internalErrors).toEqual([]);
  });

  /** A port with recorded, instant backoff (jitter fixed at its middle). */
  const createPort = (overrides: Partial<RdsDataSqlPortOptions> = {}) => {
    sleeps = [];
    return createRdsDataSqlPort({
      client,
      ...ARNS,
      database,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    });
  };

  it("returns the same rows as the direct PostgreSQL adapter for text columns and every parameter kind", async () => {
    // Prepare
    const sql = `
      SELECT id::text AS id, name, (big + :add)::text AS bumped, doc::text AS doc, tags::text AS tags,
             :flag::text AS flag, :nothing::text AS nothing, :half::text AS half, count(*) OVER ()::text AS total
      FROM items WHERE id = :id::uuid OR name = :name ORDER BY id`;
    const params = {
      add: 1,
      flag: true,
      nothing: null,
      half: 0.5,
      id: "7f2a0000-0000-0000-0000-000000000001",
      name: "two",
    };
    // Act
    const viaDataApi = await createPort().query(sql, params);
    const viaPostgres = await pgPort.query(sql, params);
    // Assert
    expect(viaDataApi).toEqual(viaPostgres);
    expect(viaDataApi.map((row) => row.bumped)).toEqual(["9007199254740994", "-4"]);
  });

  it("prints non-text columns as PostgreSQL's text output", async () => {
    // Prepare
    const sql = "SELECT name, big, amount, ratio, small, ok, tags, nums, raw FROM items ORDER BY id";
    // Act
    const viaDataApi = await createPort().query(sql);
    const viaPostgres = await pgPort.query(sql);
    // Assert
    expect(viaDataApi).toEqual(viaPostgres);
    expect(viaDataApi[0]).toMatchObject({ big: "9007199254740993", ok: "t", raw: "\\xdeadbeef" });
    expect(viaDataApi[1]).toMatchObject({ ratio: "1e+20", small: "1e+07", amount: "-0.01" });
  });

  it("reads a bigint above 2^53 exactly, as a column and as an aggregate", async () => {
    // Act
    const rows = await createPort().query(
      "SELECT big, big + 1 AS next, sum(big) OVER () AS total, :n::int8 + 1 AS from_param FROM items WHERE name = 'one'",
      { n: "9007199254740992" },
    );
    // Assert
    expect(rows).toEqual([
      {
        big: "9007199254740993",
        next: "9007199254740994",
        total: "9007199254740993",
        from_param: "9007199254740993",
      },
    ]);
  });

  it("reports a result over the 1 MiB response limit as a QueryError, without retrying", async () => {
    // Prepare
    const port = createPort();
    // Act
    const error = await rejectionOf(
      port.query("SELECT repeat('x', 1024) AS filler FROM generate_series(1, 1100)"),
    );
    // Assert
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toMatch(/exceeded the RDS Data API's 1 MiB response limit/);
    expect(port.calls()).toBe(1);
  });

  it("reports a statement timeout as a TimeoutError, without retrying", async () => {
    // Prepare: an endpoint of its own that cancels statements after 300 ms; the statement sleeps twice as long.
    const strict = await startTestEndpoint(db, pgPort.schema, { statementTimeoutMs: 300 });
    const strictClient = createTestClient(strict);
    const port = createPort({ client: strictClient });
    try {
      // Act
      const error = await rejectionOf(port.query("SELECT pg_sleep(0.6)::text AS slept"));
      // Assert
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as unknown as ReportError).status).toBe(504);
      expect(error.message).toMatch(
        /ran past its time limit \(the Data API allows 45 s per call\) and was cancelled/,
      );
      expect(port.calls()).toBe(1);
    } finally {
      strictClient.destroy();
      await strict.close();
    }
  });

  it("waits while the cluster resumes, then succeeds", async () => {
    // Prepare
    server.pauseCluster(2);
    const port = createPort();
    // Act
    const rows = await port.query("SELECT 'up' AS state");
    // Assert
    expect(rows).toEqual([{ state: "up" }]);
    expect(port.calls()).toBe(3);
    expect(sleeps).toEqual([750, 1500]); // base 1 s doubling, half fixed + half jitter
  });

  it("gives up after the retry budget with a DatabaseResumingError that says when to try again", async () => {
    // Prepare: six attempts by default, the cluster resumes only after seven calls.
    server.pauseCluster(7);
    const port = createPort({ random: () => 0.999 });
    try {
      // Act
      const error = await rejectionOf(port.query("SELECT 1::text AS one"));
      // Assert
      expect(error).toBeInstanceOf(DatabaseResumingError);
      const resuming = error as unknown as DatabaseResumingError;
      expect(resuming.status).toBe(503);
      expect(resuming.headers).toEqual({ "retry-after": "15" });
      expect(error.message).toMatch(
        new RegExp(
          `^The Aurora cluster ${RESOURCE_ARN} is resuming after an automatic pause .*6 attempts.*try again in 15 s\\.$`,
        ),
      );
      expect(port.calls()).toBe(6);
      // Bounded: exponential up to the 8 s cap, each at least half its ceiling.
      expect(sleeps.map((ms) => Math.round(ms / 100) * 100)).toEqual([1000, 2000, 4000, 8000, 8000]);
    } finally {
      // The seventh call resumes the cluster for the next tests.
      await createPort().query("SELECT 1::text AS one");
    }
  });

  it("retries throttling and 5xx answers, then succeeds", async () => {
    // Prepare
    server.failNext("ThrottlingException", 1);
    server.failNext("InternalServerErrorException", 1);
    server.failNext("ServiceUnavailableError", 1);
    const port = createPort();
    // Act
    const rows = await port.query("SELECT 'ok' AS answer");
    // Assert
    expect(rows).toEqual([{ answer: "ok" }]);
    expect(port.calls()).toBe(4);
  });

  it("does not retry a SQL error and keeps parameter values out of its message", async () => {
    // Prepare
    const port = createPort();
    const licenseKey = "ASDASDASDASDASDASDASDASDASD_a1VASASD";
    // Act
    const error = await rejectionOf(port.query("SELECT :key::int AS n", { key: licenseKey }));
    // Assert
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toMatch(
      /failed \(SQLSTATE 22P02\): invalid input syntax for type integer: ":key"$/,
    );
    expect(error.message).not.toContain(licenseKey);
    expect(port.calls()).toBe(1);
  });

  it("names the missing permissions and ARNs when access is denied", async () => {
    // Prepare
    const otherCluster = "arn:aws:rds:us-east-1:000000000000:cluster:somebody-else";
    const port = createPort({ resourceArn: otherCluster });
    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    // Assert
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `The RDS Data API denied access (AccessDeniedException). Check the cluster ARN ${otherCluster}; the caller's IAM policy must allow rds-data:ExecuteStatement on it and secretsmanager:GetSecretValue on ${SECRET_ARN}. The service said: User: arn:aws:iam::000000000000:user/local is not authorized to perform: rds-data:ExecuteStatement on resource: ${otherCluster}. This local endpoint serves only cluster ${RESOURCE_ARN}, secret ${SECRET_ARN}; pass those (as it printed on start), or restart it with --resource-arn/--secret-arn for others.`,
    );
    expect(port.calls()).toBe(1);
  });

  it("explains a secret it cannot use and an HTTP endpoint that is not enabled", async () => {
    // Prepare
    server.failNext("HttpEndpointNotEnabledException", 1);
    // Act
    const badSecret = await rejectionOf(
      createPort({ secretArn: `${SECRET_ARN}-gone` }).query("SELECT 1::text AS one"),
    );
    const notEnabled = await rejectionOf(createPort().query("SELECT 1::text AS one"));
    // Assert
    expect(badSecret).toBeInstanceOf(DatabaseAccessError);
    expect(badSecret.message).toMatch(/could not use the secret .*-gone .*secretsmanager:GetSecretValue/);
    expect(notEnabled).toBeInstanceOf(DatabaseAccessError);
    expect(notEnabled.message).toBe(
      `The RDS Data API (HTTP endpoint) is not enabled on ${RESOURCE_ARN}. Enable it: aws rds enable-http-endpoint --resource-arn ${RESOURCE_ARN}`,
    );
  });

  it("honours the caller's abort signal before, during and between attempts", async () => {
    // Prepare
    const aborted = AbortSignal.abort();
    const realSleepPort = createRdsDataSqlPort({ client, ...ARNS, database, retry: { baseDelayMs: 60_000 } });
    // Act
    const before = await rejectionOf(createPort().query("SELECT 1::text AS one", {}, { signal: aborted }));
    const during = await rejectionOf(
      createPort().query("SELECT pg_sleep(0.25)::text AS slept", {}, { signal: AbortSignal.timeout(50) }),
    );
    server.pauseCluster(1);
    const started = Date.now();
    const betweenAttempts = await rejectionOf(
      realSleepPort.query("SELECT 1::text AS one", {}, { signal: AbortSignal.timeout(100) }),
    );
    // Assert
    expect(before).toBeInstanceOf(TimeoutError);
    expect(before.message).toMatch(/^The deadline was reached while waiting for the RDS Data API/);
    expect(during).toBeInstanceOf(TimeoutError);
    // Aborted in the backoff after DatabaseResumingException: the caller learns why it waited.
    expect(betweenAttempts).toBeInstanceOf(DatabaseResumingError);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(realSleepPort.calls()).toBe(1);
    expect(await createPort().query("SELECT 'up' AS state")).toEqual([{ state: "up" }]);
  });

  it("reports an unreachable endpoint as a DatabaseAccessError at once", async () => {
    // Prepare: an endpoint that no longer listens.
    const gone = await startTestEndpoint(db, pgPort.schema);
    const url = gone.url;
    await gone.close();
    const goneClient = createRdsDataClient({
      endpoint: url,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    });
    const port = createPort({ client: goneClient });
    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    goneClient.destroy();
    // Assert
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toMatch(/^Cannot reach the RDS Data API endpoint \(ECONNREFUSED\)/);
    expect(port.calls()).toBe(1);
  });
});
