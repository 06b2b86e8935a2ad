import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from "@aws-sdk/client-rds-data";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
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

// The real @aws-sdk/client-rds-data client against the local endpoint, on each test database.
const TABLES = `
  CREATE TABLE items (
    id uuid PRIMARY KEY, name text, big int8, amount numeric(10,2), ratio float8, ok bool,
    doc jsonb, tags text[], ids uuid[], docs jsonb[], grid int[][], seen timestamptz, day date, raw bytea
  );
  INSERT INTO items VALUES
    ('7f2a0000-0000-0000-0000-000000000001', 'one', 9007199254740993, 1234.50, 0.25, true,
     '{"a": [1, 2], "b": "x"}', '{x,"y z",NULL}', '{7f2a0000-0000-0000-0000-000000000001}',
     '{"{\\"k\\": 1}"}', '{{1,2},{3,4}}', '2024-01-02 03:04:05.123456+02', '2024-02-29', '\\xdeadbeef'),
    ('7f2a0000-0000-0000-0000-000000000002', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  CREATE TABLE ledger (n int8);
`;

describeTargets("Data API endpoint on %s", (target) => {
  let db: TestDatabase;
  let schema: string;
  let server: DataApiServer;
  let client: RDSDataClient;
  let database: string;

  beforeAll(async () => {
    db = await openTestDatabase(target);
    schema = (await db.createFixture(TABLES)).schema;
    database = databaseNameOf(db);
    // A statement timeout far above any statement here: a slow runner must not cancel ordinary work.
    server = await startTestEndpoint(db, schema, { statementTimeoutMs: 30_000, maxResponseBytes: 64 * 1024 });
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

  const execute = (
    sql: string,
    extra: Partial<ConstructorParameters<typeof ExecuteStatementCommand>[0]> = {},
  ) => client.send(new ExecuteStatementCommand({ ...ARNS, database, sql, ...extra }));

  it("returns typed fields and pgjdbc column metadata", async () => {
    // Act
    const out = await execute(
      "SELECT id, name, big, amount, ratio, ok, doc, tags, seen, day, raw FROM items ORDER BY id",
      { includeResultMetadata: true },
    );
    // Assert
    expect(out.records?.[0]).toEqual([
      { stringValue: "7f2a0000-0000-0000-0000-000000000001" },
      { stringValue: "one" },
      { longValue: 9007199254740992 }, // LONG is a JSON number: the SDK rounds it (use STRING)
      { stringValue: "1234.50" },
      { doubleValue: 0.25 },
      { booleanValue: true },
      { stringValue: '{"a": [1, 2], "b": "x"}' },
      { arrayValue: { stringValues: ["x", "y z", null] } },
      { stringValue: "2024-01-02 01:04:05.123" },
      { stringValue: "2024-02-29" },
      { blobValue: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) },
    ]);
    expect(out.records?.[1]?.slice(1)).toEqual(Array.from({ length: 10 }, () => ({ isNull: true })));
    expect(out.columnMetadata?.map((c) => [c.name, c.typeName, c.type])).toEqual([
      ["id", "uuid", 1111],
      ["name", "text", 12],
      ["big", "int8", -5],
      ["amount", "numeric", 2],
      ["ratio", "float8", 8],
      ["ok", "bool", -7],
      ["doc", "jsonb", 1111],
      ["tags", "_text", 2003],
      ["seen", "timestamptz", 93],
      ["day", "date", 91],
      ["raw", "bytea", -2],
    ]);
    expect(out.numberOfRecordsUpdated).toBe(0);
  });

  it("keeps a bigint above 2^53 exact with longReturnType STRING, in records and in formattedRecords", async () => {
    // Act
    const records = await execute("SELECT big, big + 1 AS next FROM items WHERE name = 'one'", {
      resultSetOptions: { longReturnType: "STRING" },
    });
    const json = await execute("SELECT big FROM items WHERE name = 'one'", {
      formatRecordsAs: "JSON",
      resultSetOptions: { longReturnType: "STRING" },
    });
    const jsonLong = await execute("SELECT big FROM items WHERE name = 'one'", { formatRecordsAs: "JSON" });
    // Assert
    expect(records.records).toEqual([
      [{ stringValue: "9007199254740993" }, { stringValue: "9007199254740994" }],
    ]);
    expect(json.formattedRecords).toBe('[{"big":"9007199254740993"}]');
    // Without STRING the wire carries the exact digits (as the service does); JSON.parse would round them.
    expect(jsonLong.formattedRecords).toBe('[{"big":9007199254740993}]');
    expect(json.records).toBeUndefined();
  });

  it("formats records as JSON keyed by column label", async () => {
    // Act
    const out = await execute("SELECT name, amount, ok, tags, day, raw FROM items ORDER BY id", {
      formatRecordsAs: "JSON",
    });
    // Assert
    expect(JSON.parse(out.formattedRecords ?? "")).toEqual([
      {
        name: "one",
        amount: "1234.50",
        ok: true,
        tags: ["x", "y z", null],
        day: "2024-02-29",
        raw: "3q2+7w==",
      },
      { name: null, amount: null, ok: null, tags: null, day: null, raw: null },
    ]);
  });

  it("binds a string parameter as varchar unless a typeHint says otherwise", async () => {
    // Prepare
    const id = "7f2a0000-0000-0000-0000-000000000001";
    // Act
    const untyped = await rejectionOf(
      execute("SELECT name FROM items WHERE id = :id", {
        parameters: [{ name: "id", value: { stringValue: id } }],
      }),
    );
    const hinted = await execute("SELECT name FROM items WHERE id = :id", {
      parameters: [{ name: "id", value: { stringValue: id }, typeHint: "UUID" }],
    });
    const cast = await execute("SELECT name FROM items WHERE id = CAST(:id AS uuid) AND big > :min", {
      parameters: [
        { name: "id", value: { stringValue: id } },
        { name: "min", value: { longValue: 1 } },
      ],
    });
    // Assert
    expect(untyped.name).toBe("DatabaseErrorException");
    expect(untyped.message).toMatch(
      /^ERROR: operator does not exist: uuid = character varying\n[\s\S]*; SQLState: 42883$/,
    );
    expect(hinted.records).toEqual([[{ stringValue: "one" }]]);
    expect(cast.records).toEqual([[{ stringValue: "one" }]]);
  });

  it("answers a SQL error as DatabaseErrorException with the SQLSTATE, HTTP 400", async () => {
    // Act
    const error = await rejectionOf(execute("SELECT * FROM nope"));
    // Assert
    expect(error.name).toBe("DatabaseErrorException");
    expect(error.message).toBe('ERROR: relation "nope" does not exist\n  Position: 15; SQLState: 42P01');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
  });

  it("refuses several statements in one call", async () => {
    // Act
    const error = await rejectionOf(execute("SELECT 1; SELECT 2"));
    // Assert
    expect(error.name).toBe("DatabaseErrorException");
    expect(error.message).toMatch(/cannot insert multiple commands into a prepared statement/);
  });

  it("refuses uuid[], jsonb[] and multidimensional arrays as UnsupportedResultException", async () => {
    // Act
    const uuids = await rejectionOf(execute("SELECT ids FROM items"));
    const jsons = await rejectionOf(execute("SELECT docs FROM items"));
    const grid = await rejectionOf(execute("SELECT grid FROM items"));
    const asText = await execute("SELECT array_to_json(ids)::text AS ids FROM items WHERE name = 'one'");
    // Assert
    expect([uuids.name, jsons.name, grid.name]).toEqual(Array(3).fill("UnsupportedResultException"));
    expect(uuids.message).toBe("The result contains the unsupported data type _uuid.");
    expect(grid.message).toMatch(/multidimensional array/);
    expect(asText.records).toEqual([[{ stringValue: '["7f2a0000-0000-0000-0000-000000000001"]' }]]);
  });

  it("answers a result over the response limit with the service's error, and one under it", async () => {
    // Act (the endpoint is configured with a 64 KiB limit; production's is 1 MiB)
    const over = await rejectionOf(
      execute("SELECT repeat('x', 1000) AS filler FROM generate_series(1, 100)"),
    );
    const under = await execute("SELECT repeat('x', 1000) AS filler FROM generate_series(1, 50)");
    // Assert
    expect(over.name).toBe("UnsupportedResultException");
    expect(over.message).toBe("Database returned more than the allowed response size limit");
    expect(under.records).toHaveLength(50);
    expect(server.maxResponseBytes()).toBeGreaterThan(50 * 1000);
    expect(server.maxResponseBytes()).toBeLessThanOrEqual(64 * 1024);
  });

  it("cancels a statement past the statement timeout with StatementTimeoutException", async () => {
    // Prepare: an endpoint of its own with a 300 ms limit, against a statement that sleeps twice as long.
    const strict = await startTestEndpoint(db, schema, { statementTimeoutMs: 300 });
    const strictClient = createTestClient(strict);
    const run = (sql: string) => strictClient.send(new ExecuteStatementCommand({ ...ARNS, database, sql }));
    try {
      // Act
      const error = await rejectionOf(run("SELECT pg_sleep(0.6)"));
      const after = await run("SELECT 1 AS alive");
      // Assert
      expect(error.name).toBe("StatementTimeoutException");
      expect(error.message).toMatch(/SQLState: 57014/);
      expect(after.records).toEqual([[{ longValue: 1 }]]);
    } finally {
      strictClient.destroy();
      await strict.close();
    }
  });

  it("commits and rolls back transactions on a dedicated session", async () => {
    // Act
    const first = await client.send(new BeginTransactionCommand({ ...ARNS, database }));
    const inserted = await execute("INSERT INTO ledger VALUES (1), (2)", {
      transactionId: first.transactionId,
    });
    const seenInside = await execute("SELECT count(*) AS n FROM ledger", {
      transactionId: first.transactionId,
    });
    const rolledBack = await client.send(
      new RollbackTransactionCommand({ ...ARNS, transactionId: first.transactionId }),
    );
    const afterRollback = await execute("SELECT count(*) AS n FROM ledger");
    const second = await client.send(new BeginTransactionCommand({ ...ARNS, database }));
    await execute("INSERT INTO ledger VALUES (3)", { transactionId: second.transactionId });
    const committed = await client.send(
      new CommitTransactionCommand({ ...ARNS, transactionId: second.transactionId }),
    );
    const afterCommit = await execute("SELECT sum(n) AS n FROM ledger");
    const unknown = await rejectionOf(
      client.send(new CommitTransactionCommand({ ...ARNS, transactionId: first.transactionId })),
    );
    // Assert
    expect(inserted.numberOfRecordsUpdated).toBe(2);
    expect(seenInside.records).toEqual([[{ longValue: 2 }]]);
    expect(rolledBack.transactionStatus).toBe("Rollback Complete");
    expect(afterRollback.records).toEqual([[{ longValue: 0 }]]);
    expect(committed.transactionStatus).toBe("Transaction Committed");
    expect(afterCommit.records).toEqual([[{ stringValue: "3" }]]);
    expect(unknown.name).toBe("TransactionNotFoundException");
    expect((unknown.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(404);
  });

  it("runs a batch with one parameter set per row, all or nothing", async () => {
    // Prepare
    const sets = [1, 2, 3].map((n) => [{ name: "n", value: { longValue: 100 + n } }]);
    // Act
    const out = await client.send(
      new BatchExecuteStatementCommand({
        ...ARNS,
        database,
        sql: "INSERT INTO ledger VALUES (:n)",
        parameterSets: sets,
      }),
    );
    const failed = await rejectionOf(
      client.send(
        new BatchExecuteStatementCommand({
          ...ARNS,
          database,
          sql: "INSERT INTO ledger VALUES (:n::int2)",
          parameterSets: [
            [{ name: "n", value: { longValue: 1000 } }],
            [{ name: "n", value: { longValue: 99999 } }],
          ],
        }),
      ),
    );
    const rows = await execute("SELECT count(*) AS n FROM ledger WHERE n >= 100");
    // Assert
    expect(out.updateResults).toHaveLength(3);
    expect(failed.name).toBe("DatabaseErrorException");
    expect(failed.message).toMatch(/SQLState: 22003/);
    expect(rows.records).toEqual([[{ longValue: 3 }]]);
  });

  it("rolls back a transaction left idle past its expiry", async () => {
    // Prepare
    const shortLived = await startTestEndpoint(db, schema, { transactionIdleMs: 100 });
    const shortClient = createTestClient(shortLived);
    try {
      const { transactionId } = await shortClient.send(new BeginTransactionCommand({ ...ARNS, database }));
      await shortClient.send(
        new ExecuteStatementCommand({
          ...ARNS,
          database,
          transactionId,
          sql: "INSERT INTO ledger VALUES (-1)",
        }),
      );
      // Act
      await new Promise((resolve) => setTimeout(resolve, 300));
      const error = await rejectionOf(
        shortClient.send(new CommitTransactionCommand({ ...ARNS, transactionId })),
      );
      const rows = await execute("SELECT count(*) AS n FROM ledger WHERE n = -1");
      // Assert
      expect(error.name).toBe("TransactionNotFoundException");
      expect(rows.records).toEqual([[{ longValue: 0 }]]);
    } finally {
      shortClient.destroy();
      await shortLived.close();
    }
  });

  it("denies another cluster's ARN and refuses another secret", async () => {
    // Act
    const denied = await rejectionOf(
      client.send(
        new ExecuteStatementCommand({
          ...ARNS,
          resourceArn: `${RESOURCE_ARN}-other`,
          database,
          sql: "SELECT 1",
        }),
      ),
    );
    const secret = await rejectionOf(
      client.send(
        new ExecuteStatementCommand({ ...ARNS, secretArn: `${SECRET_ARN}-other`, database, sql: "SELECT 1" }),
      ),
    );
    // Assert
    expect(denied.name).toBe("AccessDeniedException");
    expect((denied.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(403);
    expect(denied.message).toContain(`rds-data:ExecuteStatement on resource: ${RESOURCE_ARN}-other`);
    expect(secret.name).toBe("SecretsErrorException");
  });

  it("answers DatabaseResumingException while the cluster resumes, then succeeds", async () => {
    // Prepare
    server.pauseCluster(2);
    // Act
    const first = await rejectionOf(execute("SELECT 1"));
    const second = await rejectionOf(execute("SELECT 1"));
    const third = await execute("SELECT 1 AS up");
    // Assert
    expect([first.name, second.name]).toEqual(["DatabaseResumingException", "DatabaseResumingException"]);
    expect(first.message).toContain(`${RESOURCE_ARN} is resuming after being auto-paused`);
    expect(third.records).toEqual([[{ longValue: 1 }]]);
  });

  it("refuses the schema parameter and a database that does not exist", async () => {
    // Act
    const schemaParam = await rejectionOf(execute("SELECT 1", { schema: "public" }));
    const noDatabase = await rejectionOf(execute("SELECT 1", { database: "no_such_db" }));
    // Assert
    expect(schemaParam.name).toBe("BadRequestException");
    expect(noDatabase.name).toBe("DatabaseErrorException");
    expect(noDatabase.message).toMatch(/database "no_such_db" does not exist; SQLState: 3D000$/);
  });

  it("answers errors with an x-amzn-ErrorType header and a {message} body, and refuses unsigned calls", async () => {
    // Act
    const response = await fetch(`${server.url}/Execute`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...ARNS, sql: "SELECT 1" }),
    });
    // Assert
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
  });

  it("counts every request it receives", async () => {
    // Prepare
    const before = server.calls();
    // Act
    await execute("SELECT 1");
    await rejectionOf(execute("SELECT * FROM nope"));
    // Assert
    expect(server.calls() - before).toBe(2);
  });
});
