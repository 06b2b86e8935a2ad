import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseAccessError, NotKongDatabaseError, QueryError, TimeoutError } from "#lib/errors.ts";
import {
  createPgSqlPort,
  describeTarget,
  translatePgError,
  withLibpqSslModes,
} from "#lib/sql/pg-sql-port.ts";
import { describePostgres } from "../helpers/kong-db.ts";

describe("Function: translatePgError", () => {
  it.each([
    [
      { code: "ECONNREFUSED" },
      DatabaseAccessError,
      /Cannot reach PostgreSQL at db:5432\/kong as kong \(ECONNREFUSED\)/,
    ],
    [
      { code: "28P01", message: "password authentication failed" },
      DatabaseAccessError,
      /refused the credentials/,
    ],
    [{ code: "3D000" }, DatabaseAccessError, /does not exist/],
    [
      { code: "57014", message: "canceling statement due to statement timeout" },
      TimeoutError,
      /--statement-timeout/,
    ],
    [
      { code: "57P01", message: "terminating connection due to administrator command" },
      DatabaseAccessError,
      /was closed while the report was read \(57P01\)/,
    ],
    [
      { message: "Connection terminated unexpectedly" },
      DatabaseAccessError,
      /was closed while the report was read/,
    ],
    [
      { message: "The server does not support SSL connections" },
      DatabaseAccessError,
      /does not accept TLS connections/,
    ],
    [{ code: "SELF_SIGNED_CERT_IN_CHAIN" }, DatabaseAccessError, /sslmode=verify-full&sslrootcert=/],
    [
      { code: "42P01", message: 'relation "x" does not exist\nLINE 1' },
      QueryError,
      /SQLSTATE 42P01\): relation "x" does not exist$/,
    ],
  ])("maps %j to a project error that says what to do", (raw, type, message) => {
    const error = translatePgError(raw, "db:5432/kong as kong");
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
  });

  it("asks pg for libpq's sslmode meaning only when an sslmode is given", () => {
    expect(withLibpqSslModes("postgres://k:p@db:5432/kong?sslmode=require")).toBe(
      "postgres://k:p@db:5432/kong?sslmode=require&uselibpqcompat=true",
    );
    expect(withLibpqSslModes("postgres://k:p@db:5432/kong")).toBe("postgres://k:p@db:5432/kong");
    expect(withLibpqSslModes("postgres://db/kong?sslmode=require&uselibpqcompat=false")).toBe(
      "postgres://db/kong?sslmode=require&uselibpqcompat=false",
    );
  });

  it("describes a connection URL without its password", () => {
    expect(describeTarget("postgres://kong:s3cret@db.internal:6432/kong")).toBe(
      "db.internal:6432/kong as kong",
    );
  });
});

describePostgres("Function: createPgSqlPort (postgres)", () => {
  it("returns text columns and turns JIT off for its own sessions", async () => {
    const port = createPgSqlPort({ connectionString: process.env.KONG_TEST_DATABASE_URL as string });
    try {
      const rows = await port.query(
        "SELECT current_setting('jit') AS jit, 9007199254740993::bigint AS big, :n::int AS n",
        {
          n: 7,
        },
      );
      expect(rows).toEqual([{ jit: "off", big: "9007199254740993", n: "7" }]);
    } finally {
      await port.close();
    }
  });

  // A table in a schema of its own, locked by another session as "kong migrations" would.
  const schema = `klr_lock_${randomBytes(4).toString("hex")}`;
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.KONG_TEST_DATABASE_URL as string });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.plugins (id int)`);
  });

  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  it("gives up on a table lock held by another session and names the table and the session", async () => {
    const holder = new pg.Client({
      connectionString: process.env.KONG_TEST_DATABASE_URL as string,
      application_name: "kong migrations",
    });
    await holder.connect();
    const port = createPgSqlPort({
      connectionString: process.env.KONG_TEST_DATABASE_URL as string,
      searchPath: schema,
      lockTimeoutMs: 300,
    });
    try {
      await holder.query(`BEGIN; LOCK TABLE ${schema}.plugins IN ACCESS EXCLUSIVE MODE`);
      const holderPid = (await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
      const error = await port
        .query("SELECT count(*)::text AS n FROM plugins")
        .catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).exitCode).toBe(5);
      expect((error as Error).message).toMatch(/^Gave up after 0\.3 s waiting for a table lock on /);
      expect((error as Error).message).toContain(
        `table plugins is locked by session ${holderPid} (kong migrations) in a transaction open since `,
      );
      expect((error as Error).message).toContain("--lock-timeout SECONDS (KONG_DB_LOCK_TIMEOUT_SECONDS");
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
      await port.close();
    }
  });

  it("cancels a statement past the statement timeout and says how to allow more", async () => {
    const port = createPgSqlPort({
      connectionString: process.env.KONG_TEST_DATABASE_URL as string,
      statementTimeoutMs: 200,
    });
    try {
      const error = await port.query("SELECT pg_sleep(5)::text AS slept").catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/ran longer than the statement timeout \(0\.2 s\)/);
      expect((error as Error).message).toContain("--statement-timeout SECONDS");
    } finally {
      await port.close();
    }
  });

  it("reports a connection dropped mid-statement as a database access error (exit 4)", async () => {
    const name = `klr-drop-${randomBytes(4).toString("hex")}`;
    const url = new URL(process.env.KONG_TEST_DATABASE_URL as string);
    url.searchParams.set("application_name", name);
    const port = createPgSqlPort({ connectionString: url.toString() });
    try {
      const pending = port.query("SELECT pg_sleep(30)::text AS slept").catch((caught: Error) => caught);
      let terminated = 0;
      // Bounded: poll until the statement is running, then end its session as an administrator would.
      for (let attempt = 0; attempt < 500 && terminated === 0; attempt += 1) {
        const { rows } = await admin.query<{ n: string }>(
          "SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%pg_sleep(30)%'",
          [name],
        );
        terminated = Number(rows[0]?.n ?? 0);
      }
      expect(terminated).toBe(1);
      const error = await pending;
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect((error as DatabaseAccessError).exitCode).toBe(4);
      expect((error as Error).message).toMatch(/was closed while the report was read/);
    } finally {
      await port.close();
    }
  });

  it("names a --schema that does not exist instead of blaming the default schema", async () => {
    const port = createPgSqlPort({
      connectionString: process.env.KONG_TEST_DATABASE_URL as string,
      searchPath: `${schema}_typo`,
    });
    try {
      const error = await port.query("SELECT 1::text AS one").catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(NotKongDatabaseError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Schema "${schema}_typo" does not exist in .*\\(its schemas: .*${schema}.*\\)\\. Check --schema\\.$`,
        ),
      );
    } finally {
      await port.close();
    }
  });
});
