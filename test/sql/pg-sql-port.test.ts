import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlAdvice } from "#lib/compose/database-advice.ts";
import { DatabaseAccessError, NotKongDatabaseError, QueryError, TimeoutError } from "#lib/errors.ts";
import {
  createPgSqlPort,
  describeTarget,
  translatePgError,
  withLibpqSslModes,
} from "#lib/sql/pg-sql-port.ts";
import { closedPort } from "../helpers/closed-port.ts";
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
      /ran longer than the statement timeout \(60 s\) and was cancelled/,
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

  // Whole messages for every code each branch names (issue 15: a code dropped from a list must fail),
  // with the default limits (60 s statement, 10 s lock) that a call without limits reports, and the
  // default advice: the URL's parts, no setting (lib/sql knows neither the CLI nor the file).
  const where = "db:5432/kong as kong";
  const unreachable = (code: string) =>
    `Cannot reach PostgreSQL at ${where} (${code}). Check the host and port in the URL and that the server is running.`;
  const closed = (code: string) =>
    `The connection to PostgreSQL at ${where} was closed while the report was read (${code}): the server restarted, failed over or ended the session. Run the report again.`;
  const credentials = `PostgreSQL refused the credentials for ${where}. Check the user and password in the URL.`;
  it.each([
    ...["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"].map(
      (code) => [{ code, message: `connect ${code}` }, DatabaseAccessError, unreachable(code)] as const,
    ),
    ...["57P01", "57P02", "57P03", "08000", "08003", "08006", "ECONNRESET", "EPIPE"].map(
      (code) => [{ code, message: "terminating connection" }, DatabaseAccessError, closed(code)] as const,
    ),
    // a server's own error that mentions a connection timeout is not pg's codeless connect timeout
    [{ code: "08006", message: "connection timeout while reading" }, DatabaseAccessError, closed("08006")],
    [{ code: "28P01", message: "password authentication failed" }, DatabaseAccessError, credentials],
    [
      { code: "28000", message: 'no pg_hba.conf entry for host "10.0.0.9"' },
      DatabaseAccessError,
      credentials,
    ],
    ...[
      "SELF_SIGNED_CERT_IN_CHAIN",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      "CERT_HAS_EXPIRED",
      "ERR_TLS_CERT_ALTNAME_INVALID",
    ].map(
      (code) =>
        [
          { code, message: "certificate" },
          DatabaseAccessError,
          `The TLS certificate of PostgreSQL at ${where} is not trusted (${code}). Give the CA bundle in the URL: ?sslmode=verify-full&sslrootcert=/path/to/ca-bundle.pem (for RDS and Aurora, Amazon's global-bundle.pem); with verify-full the URL's host must be a name in the certificate.`,
        ] as const,
    ),
    [
      { code: "3D000", message: 'database "kong" does not exist' },
      DatabaseAccessError,
      `The database in ${where} does not exist. Check the database name in the URL.`,
    ],
    [
      { code: "55P03", message: "canceling statement due to lock timeout" },
      TimeoutError,
      `Gave up after 10 s waiting for a table lock on ${where}. Another session (typically "kong migrations up/finish") holds it. Run the report again once it is done.`,
    ],
    [
      { code: "57014", message: "canceling statement due to statement timeout" },
      TimeoutError,
      `A statement on ${where} ran longer than the statement timeout (60 s) and was cancelled: the database is busy or very large. Run the report again when it is less busy.`,
    ],
  ] as const)(
    "maps %j, without limits given, to exactly the message for it and keeps the driver's error as cause",
    (raw, type, message) => {
      const error = translatePgError(raw, where);
      expect(error).toBeInstanceOf(type);
      expect(error.message).toBe(message);
      expect(error.cause).toBe(raw);
    },
  );

  it("ends each message with the advice it is given: how the setting is named where it was configured", () => {
    const lock = { code: "55P03", message: "canceling statement due to lock timeout" };
    const statement = { code: "57014", message: "canceling statement due to statement timeout" };
    const translate = (raw: object, origin: "command-line" | "environment" | "environments-file") =>
      translatePgError(raw, where, undefined, undefined, urlAdvice(origin)).message;
    expect(translate({ code: "ECONNREFUSED" }, "command-line")).toBe(
      `Cannot reach PostgreSQL at ${where} (ECONNREFUSED). Check the host and port in --database-url and that the server is running.`,
    );
    expect(translate({ code: "28P01" }, "environment")).toBe(
      `PostgreSQL refused the credentials for ${where}. Check the user and password in KONG_DATABASE_URL.`,
    );
    expect(translate({ code: "3D000" }, "environments-file")).toBe(
      `The database in ${where} does not exist. Check "database_url".`,
    );
    expect(translate(lock, "command-line")).toMatch(
      /Run the report again once it is done, or wait longer with --lock-timeout SECONDS\.$/,
    );
    expect(translate(lock, "environment")).toMatch(
      /Run the report again once it is done, or wait longer with KONG_DB_LOCK_TIMEOUT_SECONDS\.$/,
    );
    expect(translate(statement, "environment")).toMatch(
      /Run the report again when it is less busy, or allow more time with KONG_DB_STATEMENT_TIMEOUT_SECONDS\.$/,
    );
    // An environment of the estate has no timeout of its own: nothing to raise.
    expect(translate(lock, "environments-file")).toMatch(/Run the report again once it is done\.$/);
    expect(translate(statement, "environments-file")).toMatch(/Run the report again when it is less busy\.$/);
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

  it("fills libpq's defaults into the description and never echoes an unparsable URL", () => {
    // libpq: port 5432, the user's own name as database and user when the URL gives none.
    expect(describeTarget("postgres://db.internal")).toBe(
      "db.internal:5432/(default database) as (default user)",
    );
    expect(describeTarget("postgres://kong%40corp:pw@db/kong")).toBe("db:5432/kong as kong@corp");
    // An unparsable URL may hold a password in any position: it is not repeated.
    expect(describeTarget("postgres://kong:pa ss@[db/kong")).toBe("the database");
    expect(describeTarget(undefined)).toBe("the database");
    expect(withLibpqSslModes("not a url?sslmode=require")).toBe("not a url?sslmode=require");
    expect(withLibpqSslModes(undefined)).toBeUndefined();
  });

  it.each([
    // pg's own wording when connectionTimeoutMillis passes
    [
      { message: "timeout exceeded when trying to connect" },
      DatabaseAccessError,
      /^Timed out connecting to PostgreSQL at db:5432\/kong as kong: nothing answered\. Check the host and port/,
    ],
    // a cancel that is not the statement timeout: pg_cancel_backend or a user's Ctrl-C on the server
    [
      { code: "57014", message: "canceling statement due to user request" },
      TimeoutError,
      /^A statement on db:5432\/kong as kong was cancelled \(canceling statement due to user request\)\. Run the report again\.$/,
    ],
    // no SQLSTATE at all: no "(SQLSTATE …)" invented
    [new Error("something odd"), QueryError, /^A query on db:5432\/kong as kong failed: something odd$/],
    [null, QueryError, /^A query on db:5432\/kong as kong failed: null$/],
  ])("maps %j without inventing a cause", (raw, type, message) => {
    const error = translatePgError(raw, "db:5432/kong as kong");
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
  });

  it("names the lock timeout it used, and the lock holders only when they are known", () => {
    const limits = { statementTimeoutMs: 60_000, lockTimeoutMs: 2500 };
    const lock = { code: "55P03", message: "canceling statement due to lock timeout" };
    expect(translatePgError(lock, "db:5432/kong as kong", limits).message).toMatch(
      /^Gave up after 2\.5 s waiting for a table lock on db:5432\/kong as kong\. Another session/,
    );
    expect(
      translatePgError(lock, "db:5432/kong as kong", limits, "table plugins is locked by session 7").message,
    ).toMatch(
      /^Gave up after 2\.5 s waiting for a table lock on db:5432\/kong as kong: table plugins is locked by session 7\. /,
    );
    expect(
      translatePgError(
        { code: "57014", message: "canceling statement due to statement timeout" },
        "db:5432/kong as kong",
        limits,
      ).message,
    ).toContain("than the statement timeout (60 s)");
  });
});

// No PostgreSQL needed: what the port says when the network, not the server, fails.
describe("Function: createPgSqlPort (network faults)", () => {
  it("reports a port nothing listens on as unreachable, naming host, port and database", async () => {
    const port = createPgSqlPort({
      connectionString: `postgres://kong:s3cret@127.0.0.1:${await closedPort()}/kong`,
    });
    try {
      const error = await port.query("SELECT 1").catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect((error as Error).message).toMatch(
        /^Cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/kong as kong \(ECONNREFUSED\)\. Check the host and port/,
      );
      expect((error as Error).message).not.toContain("s3cret");
    } finally {
      await port.close();
    }
  });

  it("reports a server that hangs up during the handshake as a closed connection", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port: tcpPort } = server.address() as AddressInfo;
    const port = createPgSqlPort({ connectionString: `postgres://kong@127.0.0.1:${tcpPort}/kong` });
    try {
      const error = await port.query("SELECT 1").catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect((error as Error).message).toMatch(
        /was closed while the report was read .*Run the report again\.$/,
      );
    } finally {
      await port.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("gives up on a server that accepts but never answers after the connect timeout", async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port: tcpPort } = server.address() as AddressInfo;
    const port = createPgSqlPort({
      connectionString: `postgres://kong@127.0.0.1:${tcpPort}/kong`,
      connectTimeoutMs: 200,
    });
    try {
      const error = await port.query("SELECT 1").catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect((error as Error).message).toBe(
        `Timed out connecting to PostgreSQL at 127.0.0.1:${tcpPort}/kong as kong: nothing answered. Check the host and port in the URL and that a firewall or security group lets this machine in.`,
      );
    } finally {
      await port.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("sends nothing once the caller has aborted", async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port: tcpPort } = server.address() as AddressInfo;
    const port = createPgSqlPort({ connectionString: `postgres://kong@127.0.0.1:${tcpPort}/kong` });
    try {
      const controller = new AbortController();
      controller.abort(new Error("deadline passed"));
      await expect(port.query("SELECT 1", {}, { signal: controller.signal })).rejects.toThrow(
        "deadline passed",
      );
      expect(connections).toBe(0);
    } finally {
      await port.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
      advice: urlAdvice("command-line"),
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
      expect((error as Error).message).toMatch(
        / Run the report again once it is done, or wait longer with --lock-timeout SECONDS\.$/,
      );
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
      advice: urlAdvice("command-line"),
    });
    try {
      const error = await port.query("SELECT pg_sleep(5)::text AS slept").catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/ran longer than the statement timeout \(0\.2 s\)/);
      expect((error as Error).message).toMatch(/, or allow more time with --statement-timeout SECONDS\.$/);
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
      advice: urlAdvice("command-line"),
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
