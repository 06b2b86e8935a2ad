import type { RDSDataClient } from "@aws-sdk/client-rds-data";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createRdsDataSqlPort, type RdsDataSqlPortOptions } from "#lib/aws/rds-data-sql-port.ts";
import { DatabaseAccessError, DatabaseResumingError, QueryError, TimeoutError } from "#lib/errors.ts";
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

// The Data API port's read-only transaction (issue 23, item 4) through the real SDK client against
// the local endpoint: the calls it costs, and what it retries. Inside a transaction only a throttled
// call is sent again; after another transient failure the whole work runs again in a new
// transaction (lib/aws/rds-data-sql-port.ts says why).
describeTargets("RDS Data API port: runReadOnly on %s", (target) => {
  let db: TestDatabase;
  let schema: string;
  let server: DataApiServer;
  let client: RDSDataClient;
  let sleeps: number[];

  beforeAll(async () => {
    db = await openTestDatabase(target);
    schema = (await db.createFixture("CREATE TABLE items (n int); INSERT INTO items VALUES (1), (2), (3);"))
      .schema;
    server = await startTestEndpoint(db, schema);
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
      database: databaseNameOf(db),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    });
  };

  /** Reads the items; `before(run)` runs before its statement, in each run of the work. */
  const readItems = (before: (run: number) => Promise<void> | void = () => undefined) => {
    let runs = 0;
    const work = async (sql: SqlPort) => {
      runs += 1;
      await before(runs);
      return sql.query("SELECT string_agg(n::text, ',' ORDER BY n) AS items FROM items");
    };
    return { work, runs: () => runs };
  };
  const ITEMS = [{ items: "1,2,3" }];

  it("costs 3 calls more than its statements: BeginTransaction, SET TRANSACTION … READ ONLY, CommitTransaction", async () => {
    // Prepare
    const port = createPort();
    const before = server.calls();
    // Act
    const rows = await port.runReadOnly(async (sql) => [
      ...(await sql.query("SELECT count(*)::text AS n FROM items")),
      ...(await sql.query("SELECT max(n)::text AS n FROM items")),
    ]);
    // Assert
    expect(rows).toEqual([{ n: "3" }, { n: "3" }]);
    expect(port.calls()).toBe(2 + 3);
    expect(server.calls() - before).toBe(2 + 3);
  });

  it("sends a throttled statement again in the same transaction", async () => {
    // Prepare
    const port = createPort();
    const reading = readItems((run) => {
      if (run === 1) server.failNext("ThrottlingException", 1);
    });
    // Act
    const rows = await port.runReadOnly(reading.work);
    // Assert: Begin, SET, the statement throttled and sent again, Commit.
    expect(rows).toEqual(ITEMS);
    expect(reading.runs()).toBe(1);
    expect(port.calls()).toBe(5);
    expect(sleeps).toEqual([750]);
  });

  it("runs the work again in a new transaction after a 5xx inside it, the first rolled back", async () => {
    // Prepare
    const port = createPort();
    const reading = readItems((run) => {
      if (run === 1) server.failNext("InternalServerErrorException", 1);
    });
    // Act
    const rows = await port.runReadOnly(reading.work);
    // Assert: Begin, SET, the statement (500), Rollback; Begin, SET, the statement, Commit.
    expect(rows).toEqual(ITEMS);
    expect(reading.runs()).toBe(2);
    expect(port.calls()).toBe(8);
    expect(sleeps).toEqual([750]);
  });

  it("begins a new transaction when the Data API no longer knows the first one", async () => {
    // Prepare: an endpoint that rolls back a transaction idle for 100 ms; the first run waits longer.
    const forgetful = await startTestEndpoint(db, schema, { transactionIdleMs: 100 });
    const forgetfulClient = createTestClient(forgetful);
    const port = createPort({ client: forgetfulClient });
    const reading = readItems(async (run) => {
      if (run === 1) await new Promise((resolve) => setTimeout(resolve, 400));
    });
    try {
      // Act
      const rows = await port.runReadOnly(reading.work);
      // Assert: Begin, SET, the statement (TransactionNotFoundException), Rollback (the same);
      // Begin, SET, the statement, Commit.
      expect(rows).toEqual(ITEMS);
      expect(reading.runs()).toBe(2);
      expect(port.calls()).toBe(8);
    } finally {
      forgetfulClient.destroy();
      await forgetful.close();
    }
  });

  it("gives up after 3 transactions lost to transient failures, saying to try again", async () => {
    // Prepare
    const port = createPort();
    const reading = readItems(() => server.failNext("InternalServerErrorException", 1));
    // Act
    const error = await rejectionOf(port.runReadOnly(reading.work));
    // Assert
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `The RDS Data API kept failing for the Aurora cluster ${RESOURCE_ARN} (database ${databaseNameOf(db)}) (InternalServerErrorException) after 1 attempt over 0 s; try again in a minute.`,
    );
    expect(reading.runs()).toBe(3);
    expect(port.calls()).toBe(3 * 4);
    expect(sleeps).toEqual([750, 1500]);
  });

  it("waits for a resuming cluster at BeginTransaction as it does for a statement", async () => {
    // Prepare
    server.pauseCluster(2);
    const port = createPort();
    const reading = readItems();
    // Act
    const rows = await port.runReadOnly(reading.work);
    // Assert: BeginTransaction 3 times, SET, the statement, Commit.
    expect(rows).toEqual(ITEMS);
    expect(reading.runs()).toBe(1);
    expect(port.calls()).toBe(6);
    expect(sleeps).toEqual([750, 1500]);
  });

  it("reports a cluster still resuming after the budget as it does for a statement", async () => {
    // Prepare
    server.pauseCluster(2);
    const port = createPort({ retry: { maxAttempts: 2 } });
    // Act
    const error = await rejectionOf(port.runReadOnly(readItems().work));
    // Assert: nothing was begun, so nothing is rolled back.
    expect(error).toBeInstanceOf(DatabaseResumingError);
    expect(port.calls()).toBe(2);
  });

  it("does not retry a SQL error inside the transaction: rolled back, the work run once", async () => {
    // Prepare
    const port = createPort();
    let runs = 0;
    // Act
    const error = await rejectionOf(
      port.runReadOnly((sql) => {
        runs += 1;
        return sql.query("SELECT n::text AS n FROM no_such_table");
      }),
    );
    // Assert: Begin, SET, the statement, Rollback.
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toMatch(/\(SQLSTATE 42P01\): relation "no_such_table" does not exist$/);
    expect(runs).toBe(1);
    expect(port.calls()).toBe(4);
  });

  it("keeps the rows read when the commit fails with a 5xx, and rolls the transaction back", async () => {
    // Prepare: the failure lands on CommitTransaction, the call after the work's last statement.
    const port = createPort();
    // Act
    const rows = await port.runReadOnly(async (sql) => {
      const read = await sql.query("SELECT count(*)::text AS n FROM items");
      server.failNext("InternalServerErrorException", 1);
      return read;
    });
    // A transaction left open would hold PGlite's only session: this would wait for it.
    const after = await port.runReadOnly((sql) => sql.query("SELECT count(*)::text AS n FROM items"));
    // Assert: Begin, SET, the statement, Commit (500), Rollback; then Begin, SET, the statement, Commit.
    expect(rows).toEqual([{ n: "3" }]);
    expect(after).toEqual([{ n: "3" }]);
    expect(port.calls()).toBe(5 + 4);
  });

  it("reports a commit the IAM policy refuses, naming the four actions the report needs", async () => {
    // Prepare
    const port = createPort();
    const refusal = `User: arn:aws:iam::000000000000:user/local is not authorized to perform: rds-data:CommitTransaction on resource: ${RESOURCE_ARN}`;
    // Act
    const error = await rejectionOf(
      port.runReadOnly(async (sql) => {
        const read = await sql.query("SELECT count(*)::text AS n FROM items");
        server.failNext("AccessDeniedException", 1, refusal);
        return read;
      }),
    );
    // Assert: Begin, SET, the statement, Commit (refused), Rollback.
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `The RDS Data API denied access (AccessDeniedException). Check the cluster ARN ${RESOURCE_ARN}; the caller's IAM policy must allow rds-data:BeginTransaction, rds-data:ExecuteStatement, rds-data:CommitTransaction and rds-data:RollbackTransaction on it and secretsmanager:GetSecretValue on ${SECRET_ARN}. The service said: ${refusal}`,
    );
    expect(port.calls()).toBe(5);
  });

  it("sends nothing when the signal is already aborted, and rolls back when it aborts inside", async () => {
    // Prepare
    const idle = createPort();
    const port = createPort();
    const controller = new AbortController();
    let runs = 0;
    // Act
    const before = await rejectionOf(
      idle.runReadOnly(readItems().work, { signal: AbortSignal.abort(new Error("gone")) }),
    );
    const inside = await rejectionOf(
      port.runReadOnly(
        async (sql) => {
          runs += 1;
          await sql.query("SELECT 1::text AS one");
          controller.abort(new Error("the deadline came"));
          return sql.query("SELECT 2::text AS two");
        },
        { signal: controller.signal },
      ),
    );
    // Assert: Begin, SET, the first statement, Rollback; the second statement is never sent.
    expect(before).toBeInstanceOf(TimeoutError);
    expect(idle.calls()).toBe(0);
    expect(inside).toBeInstanceOf(TimeoutError);
    expect(inside.message).toMatch(/^The deadline was reached while waiting for the RDS Data API/);
    expect(runs).toBe(1);
    expect(port.calls()).toBe(4);
  });

  it("refuses a BeginTransaction answer without a transaction id", async () => {
    // Prepare: an answer the service never gives, so a canned one.
    const canned = createCannedClient(() => ({ status: 200, body: {} }));
    const port = createPort({ client: canned });
    try {
      // Act
      const error = await rejectionOf(port.runReadOnly(readItems().work));
      // Assert
      expect(error).toBeInstanceOf(QueryError);
      expect(error.message).toBe(
        `The Data API began a transaction on the Aurora cluster ${RESOURCE_ARN} (database ${databaseNameOf(db)}) without its id.`,
      );
      expect(canned.requests()).toBe(1);
    } finally {
      canned.destroy();
    }
  });
});
