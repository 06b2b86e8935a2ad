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
  createCannedClient,
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

  it("prints arrays of booleans, integers and floats, and special floats, as PostgreSQL does", async () => {
    // Prepare: element kinds the Data API answers as booleanValues, stringValues (longs as strings)
    // and doubleValues, NULL elements included; float4 switches to exponent form from 1e6.
    const sql = `
      SELECT ARRAY[true, NULL, false] AS flags, ARRAY[1, NULL, -3]::int4[] AS ints,
             ARRAY[0.5, NULL, 1e20, 2.5e-5]::float8[] AS doubles, ARRAY[1.5, 1e7, NULL]::float4[] AS singles,
             'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, '-Infinity'::float4 AS minus_inf`;
    // Act
    const viaDataApi = await createPort().query(sql);
    const viaPostgres = await pgPort.query(sql);
    // Assert
    expect(viaDataApi).toEqual(viaPostgres);
    expect(viaDataApi).toEqual([
      {
        flags: "{t,NULL,f}",
        ints: "{1,NULL,-3}",
        doubles: "{0.5,NULL,1e+20,2.5e-05}",
        singles: "{1.5,1e+07,NULL}",
        nan: "NaN",
        inf: "Infinity",
        minus_inf: "-Infinity",
      },
    ]);
  });

  it("prints a multidimensional array as PostgreSQL does, where an endpoint returns one", async () => {
    // Prepare: the real service refuses these; an endpoint that answers them nests arrayValues.
    const lenient = await startTestEndpoint(db, pgPort.schema, { strictArrays: false });
    const lenientClient = createTestClient(lenient);
    const sql = `SELECT '{{1,2},{3,NULL}}'::int4[] AS ints, '{{t},{f}}'::bool[] AS flags,
                        '{{"a b",c},{NULL,""}}'::text[] AS words`;
    try {
      // Act
      const viaDataApi = await createPort({ client: lenientClient }).query(sql);
      // Assert
      expect(viaDataApi).toEqual(await pgPort.query(sql));
      expect(viaDataApi).toEqual([
        { ints: "{{1,2},{3,NULL}}", flags: "{{t},{f}}", words: '{{"a b",c},{NULL,""}}' },
      ]);
    } finally {
      lenientClient.destroy();
      await lenient.close();
    }
  });

  it("decodes the Field kinds the endpoint never sends (longValue, special doubles, nested arrays) as PostgreSQL prints them", async () => {
    // Prepare: an answer as the service may word it. longReturnType STRING makes longs strings, but a
    // longValue still prints as its digits; restJson1 carries NaN and ±Infinity as strings.
    const client = createCannedClient(() => ({
      status: 200,
      body: {
        columnMetadata: [
          { name: "n", typeName: "int4" },
          { label: "r", name: "ignored", typeName: "float8" },
          { typeName: "float8" },
          { label: "s", typeName: "float4" },
          { label: "longs", typeName: "_int8" },
          { label: "grid", typeName: "_float8" },
          { label: "singles", typeName: "_float4" },
          { label: "empty", typeName: "_text" },
        ],
        records: [
          [
            { longValue: 42 },
            { doubleValue: "NaN" },
            { doubleValue: "-Infinity" },
            { doubleValue: 1234567 },
            { arrayValue: { longValues: [1, null, -2] } },
            {
              arrayValue: {
                arrayValues: [{ doubleValues: [0.5, "Infinity"] }, { doubleValues: [1e-5, null] }],
              },
            },
            { arrayValue: { doubleValues: [1e6, 999999] } },
            { arrayValue: {} },
          ],
          [{ longValue: -7 }, { doubleValue: 0 }, { isNull: true }, { doubleValue: 0.0001 }, {}, {}, {}, {}],
        ],
      },
    }));
    const port = createPort({ client });
    try {
      // Act
      const rows = await port.query("SELECT …");
      // Assert: float8 in exponent form below 1e-4, float4 from 1e6; a column without label or name
      // is PostgreSQL's ?column?; a Field of no known kind is NULL.
      expect(rows).toEqual([
        {
          n: "42",
          r: "NaN",
          "?column?2": "-Infinity",
          s: "1.234567e+06",
          longs: "{1,NULL,-2}",
          grid: "{{0.5,Infinity},{1e-05,NULL}}",
          singles: "{1e+06,999999}",
          empty: "{}",
        },
        {
          n: "-7",
          r: "0",
          "?column?2": null,
          s: "0.0001",
          longs: null,
          grid: null,
          singles: null,
          empty: null,
        },
      ]);
    } finally {
      client.destroy();
    }
  });

  it("answers no rows for a result without records, and refuses records without column metadata", async () => {
    // Prepare: a statement without a result set has no records; records without metadata cannot be named.
    let body: Record<string, unknown> = { numberOfRecordsUpdated: 0 };
    const client = createCannedClient(() => ({ status: 200, body }));
    const port = createPort({ client });
    try {
      // Act
      const none = await port.query("SET search_path = kong");
      body = { records: [[{ stringValue: "x" }]] };
      const error = await rejectionOf(port.query("SELECT 'x' AS a"));
      // Assert
      expect(none).toEqual([]);
      expect(error).toBeInstanceOf(QueryError);
      expect(error.message).toBe(
        `The Data API answered the Aurora cluster ${RESOURCE_ARN} (database ${database}) without column metadata.`,
      );
      expect(port.calls()).toBe(2);
    } finally {
      client.destroy();
    }
  });

  it("refuses an integer parameter beyond 2^53 before sending anything, naming the parameter", async () => {
    // Prepare
    const port = createPort();
    const before = server.calls();
    // Act
    const error = await rejectionOf(
      port.query("SELECT :big::text AS big", { big: Number.MAX_SAFE_INTEGER + 2 }),
    );
    // Assert
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toBe(
      "SQL parameter :big is an integer beyond 2^53; pass it as a string and cast it in SQL.",
    );
    expect(port.calls()).toBe(0);
    expect(server.calls()).toBe(before);
  });

  it("waits with its own timer when no sleep is injected and no signal is given", async () => {
    // Prepare: one throttled call, a 1 ms backoff through the port's default sleep.
    server.failNext("ThrottlingException", 1);
    const port = createRdsDataSqlPort({
      client,
      ...ARNS,
      database,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    // Act
    const rows = await port.query("SELECT 'ok' AS answer");
    // Assert
    expect(rows).toEqual([{ answer: "ok" }]);
    expect(port.calls()).toBe(2);
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
      `The RDS Data API denied access (AccessDeniedException). Check the cluster ARN ${otherCluster}; the caller's IAM policy must allow rds-data:BeginTransaction, rds-data:ExecuteStatement, rds-data:CommitTransaction and rds-data:RollbackTransaction on it and secretsmanager:GetSecretValue on ${SECRET_ARN}. The service said: User: arn:aws:iam::000000000000:user/local is not authorized to perform: rds-data:ExecuteStatement on resource: ${otherCluster}. This local endpoint serves only cluster ${RESOURCE_ARN}, secret ${SECRET_ARN}; pass those (as it printed on start), or restart it with --resource-arn/--secret-arn for others.`,
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
    // A paused endpoint of its own: the aborted request above may still reach the shared endpoint
    // late on a slow runner, and must not be the call that meets the pause.
    const paused = await startTestEndpoint(db, pgPort.schema, { faults: { resumingCalls: 1 } });
    const pausedClient = createTestClient(paused);
    const realSleepPort = createRdsDataSqlPort({
      client: pausedClient,
      ...ARNS,
      database,
      retry: { baseDelayMs: 60_000 },
    });
    // Act
    const before = await rejectionOf(createPort().query("SELECT 1::text AS one", {}, { signal: aborted }));
    const during = await rejectionOf(
      createPort().query("SELECT pg_sleep(0.25)::text AS slept", {}, { signal: AbortSignal.timeout(50) }),
    );
    const started = Date.now();
    const betweenAttempts = await rejectionOf(
      realSleepPort.query("SELECT 1::text AS one", {}, { signal: AbortSignal.timeout(100) }),
    );
    pausedClient.destroy();
    await paused.close();
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
