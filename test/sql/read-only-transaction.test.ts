import type { RDSDataClient } from "@aws-sdk/client-rds-data";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRdsDataSqlPort } from "#lib/aws/rds-data-sql-port.ts";
import { collectReport } from "#lib/collector/collect-report.ts";
import { QueryError, TimeoutError } from "#lib/errors.ts";
import { createPgSqlPort, describeTarget } from "#lib/sql/pg-sql-port.ts";
import { type SqlPort, type SqlRow, wrapQueries } from "#lib/sql/port.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import {
  ARNS,
  createTestClient,
  databaseNameOf,
  RESOURCE_ARN,
  rejectionOf,
  startTestEndpoint,
} from "../data-api/harness.ts";
import {
  DATASETS,
  describePostgres,
  describeTargets,
  type FixturePort,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
} from "../helpers/kong-db.ts";

// Issue 23, item 4: every report runs its statements in one READ ONLY transaction the tool opens and
// ends itself, on every port. PostgreSQL itself says what transaction a statement runs in: its
// settings, the virtual transaction id (one per transaction, read-only ones included) and no real
// transaction id (a read-only transaction never gets one).
const PROBE = `SELECT current_setting('transaction_read_only') AS read_only,
       current_setting('transaction_isolation') AS isolation,
       txid_current_if_assigned()::text AS xid,
       (SELECT virtualtransaction FROM pg_locks
         WHERE pid = pg_backend_pid() AND locktype = 'virtualxid') AS vxid`;

/** The probe inside a read-only transaction: one snapshot, no transaction id, `vxid` its own. */
const readOnlyIn = (vxid: string | null | undefined) => ({
  read_only: "on",
  isolation: "repeatable read",
  xid: null,
  vxid,
});

describeTargets("Method: SqlPort.runReadOnly (%s)", (target) => {
  let db: TestDatabase;
  let fixture: FixturePort;
  let server: DataApiServer;
  let client: RDSDataClient;

  beforeAll(async () => {
    db = await openTestDatabase(target);
    fixture = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39, "CREATE TABLE report_writes (n int)");
    server = await startTestEndpoint(db, fixture.schema);
    client = createTestClient(server);
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
    await db?.close();
  });

  const ports = {
    direct: {
      open: (): SqlPort => fixture,
      where: () => (db.target === "pglite" ? "the embedded database" : describeTarget(db.connectionString)),
    },
    "data-api": {
      open: (): SqlPort => createRdsDataSqlPort({ client, ...ARNS, database: databaseNameOf(db) }),
      where: () => `the Aurora cluster ${RESOURCE_ARN} (database ${databaseNameOf(db)})`,
    },
  } as const;

  describe.each(["direct", "data-api"] as const)("through the %s port", (via) => {
    it("runs every statement of the work in one REPEATABLE READ READ ONLY transaction", async () => {
      // Prepare
      const port = ports[via].open();
      // Act
      const [first, count, second, nested] = await port.runReadOnly(async (sql) => [
        (await sql.query(PROBE))[0],
        (await sql.query("SELECT count(*)::text AS n FROM routes"))[0],
        (await sql.query(PROBE))[0],
        // A nested runReadOnly stays in the same transaction.
        await sql.runReadOnly(async (inner) => (await inner.query(PROBE))[0]),
      ]);
      const outside = (await port.query(PROBE))[0];
      // Assert
      expect(first?.vxid).toMatch(/^\d+\/\d+$/);
      expect(first).toEqual(readOnlyIn(first?.vxid));
      expect(second).toEqual(first);
      expect(nested).toEqual(first);
      expect(count).toEqual({ n: "4" }); // t2-kong-39.sql: route1 to route4
      expect(outside).toMatchObject({ read_only: "off", isolation: "read committed" });
      expect(outside?.vxid).not.toBe(first?.vxid);
    });

    it("runs the collector's statements, the details' included, in one read-only transaction", async () => {
      // Prepare: before each of the collector's statements, the probe on the same (lent) port.
      const probes: Array<SqlRow | undefined> = [];
      const probing = wrapQueries(ports[via].open(), (query) => async (sql, params, options) => {
        probes.push((await query(PROBE))[0]);
        return query(sql, params, options);
      });
      // Act
      const { report } = await collectReport(probing, { now: new Date("2025-03-15T12:00:00Z"), details: {} });
      // Assert: the catalog probe, the report statement and the details' pages.
      expect(report.services_count).toBe(1); // t2-kong-39.sql: service1
      expect(probes.length).toBeGreaterThan(2);
      for (const probe of probes) expect(probe).toEqual(readOnlyIn(probes[0]?.vxid));
    });

    it("refuses a write with a QueryError naming SQLSTATE 25006, and writes nothing", async () => {
      // Prepare
      const port = ports[via].open();
      // Act
      const error = await rejectionOf(
        port.runReadOnly((sql) => sql.query("INSERT INTO report_writes VALUES (1) RETURNING n::text AS n")),
      );
      // Assert
      expect(error).toBeInstanceOf(QueryError);
      expect(error.message).toBe(
        `A statement tried to write to ${ports[via].where()} inside the report's read-only transaction, and PostgreSQL refused it (SQLSTATE 25006: cannot execute INSERT in a read-only transaction). The report only reads: this is a bug in the report's queries; please report it.`,
      );
      expect(await port.query("SELECT count(*)::text AS n FROM report_writes")).toEqual([{ n: "0" }]);
    });

    it("rolls back when the work fails, and the next transaction starts clean", async () => {
      // Prepare
      const port = ports[via].open();
      const gaveUp = new Error("the work gave up");
      // Act: a statement that fails, then a work that throws its own error after a statement.
      const failed = await rejectionOf(port.runReadOnly((sql) => sql.query("SELECT (1 / 0)::text AS x")));
      const own = await rejectionOf(
        port.runReadOnly(async (sql) => {
          await sql.query(PROBE);
          throw gaveUp;
        }),
      );
      // An aborted transaction left open would answer 25P02 here (PGlite: wait for it forever).
      const after = await port.runReadOnly(async (sql) => (await sql.query(PROBE))[0]);
      // Assert
      expect(failed).toBeInstanceOf(QueryError);
      expect(failed.message).toMatch(/\(SQLSTATE 22012\): division by zero$/);
      expect(own).toBe(gaveUp);
      expect(after).toEqual(readOnlyIn(after?.vxid));
    });
  });
});

describePostgres("Method: createPgSqlPort().runReadOnly (postgres)", () => {
  const url = () => process.env.KONG_TEST_DATABASE_URL as string;
  let db: TestDatabase;
  let fixture: FixturePort;

  beforeAll(async () => {
    db = await openTestDatabase("postgres");
    fixture = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("keeps the session's timeouts, JIT off and the schema inside the transaction", async () => {
    // Prepare
    const port = createPgSqlPort({
      connectionString: url(),
      searchPath: fixture.schema,
      statementTimeoutMs: 4_321,
      lockTimeoutMs: 1_234,
    });
    try {
      // Act
      const [settings] = await port.runReadOnly((sql) =>
        sql.query(
          `SELECT current_setting('statement_timeout') AS statement_timeout,
                  current_setting('lock_timeout') AS lock_timeout, current_setting('jit') AS jit,
                  current_schema() AS schema, current_setting('transaction_read_only') AS read_only`,
        ),
      );
      // Assert
      expect(settings).toEqual({
        statement_timeout: "4321ms",
        lock_timeout: "1234ms",
        jit: "off",
        schema: fixture.schema,
        read_only: "on",
      });
    } finally {
      await port.close();
    }
  });

  it("cancels a statement of the transaction past the statement timeout, and closes with no client left", async () => {
    // Prepare
    const port = createPgSqlPort({ connectionString: url(), statementTimeoutMs: 200 });
    // Act
    const error = await rejectionOf(
      port.runReadOnly((sql) => sql.query("SELECT pg_sleep(5)::text AS slept")),
    );
    // pool.end() waits for every client: a client never given back would hang close().
    const closed = await Promise.race([
      port.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(resolve, 10_000, "a client was never released")),
    ]);
    // Assert
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/ran longer than the statement timeout \(0\.2 s\)/);
    expect(closed).toBe("closed");
  });

  it("gives its one client back to the pool after a failure, rolled back", async () => {
    // Prepare: a pool of one client, so the next transaction runs on the very same session.
    const pool = new pg.Pool({
      connectionString: url(),
      max: 1,
      options: `-c search_path=${fixture.schema}`,
    });
    const port = createPgSqlPort({ pool, connectionString: url() });
    try {
      // Act
      const session = `SELECT pg_backend_pid()::text AS pid, current_setting('transaction_read_only') AS read_only,
                              (SELECT virtualtransaction FROM pg_locks
                                WHERE pid = pg_backend_pid() AND locktype = 'virtualxid') AS vxid`;
      const [before] = await port.runReadOnly((sql) => sql.query(session));
      const failed = await rejectionOf(
        port.runReadOnly(async (sql) => {
          await sql.query("SELECT count(*)::text AS n FROM services");
          return sql.query("SELECT (1 / 0)::text AS x");
        }),
      );
      const counts = { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
      // Without the rollback, this BEGIN would land in the aborted transaction: SQLSTATE 25P02.
      const [after] = await port.runReadOnly((sql) => sql.query(session));
      // Assert
      expect(failed).toBeInstanceOf(QueryError);
      expect(failed.message).toMatch(/\(SQLSTATE 22012\): division by zero$/);
      expect(counts).toEqual({ total: 1, idle: 1, waiting: 0 });
      expect(after).toMatchObject({ pid: before?.pid, read_only: "on" });
      expect(after?.vxid).not.toBe(before?.vxid);
      expect(pool.idleCount).toBe(1);
    } finally {
      await port.close();
      await pool.end();
    }
  });
});
