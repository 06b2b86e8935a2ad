import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlAdvice } from "#lib/compose/database-advice.ts";
import { DatabaseAccessError, QueryError, TimeoutError } from "#lib/errors.ts";
import { createPgSqlPort } from "#lib/sql/pg-sql-port.ts";
import { rejectionOf } from "../data-api/harness.ts";
import {
  initThrowawayCluster,
  removeThrowawayCluster,
  startThrowawayCluster,
  type ThrowawayServer,
} from "../helpers/throwaway-postgres.ts";

/**
 * SQLSTATEs raised by a real PostgreSQL and mapped by the direct adapter. The shared test cluster
 * trusts every local connection, so authentication failures (28xxx) come from a throwaway cluster
 * this file creates under the temp folder, on a free port, with password and reject rules of its
 * own, and removes afterwards.
 */

const databaseUrl = process.env.KONG_TEST_DATABASE_URL ?? "";
const noPostgres = databaseUrl === "" ? "KONG_TEST_DATABASE_URL is not set" : undefined;

describe.skipIf(noPostgres !== undefined)(
  `PostgreSQL errors, raised for real (${noPostgres ?? "KONG_TEST_DATABASE_URL"})`,
  () => {
    const withDatabase = (name: string) => {
      const url = new URL(databaseUrl);
      url.pathname = `/${name}`;
      return url.toString();
    };

    it("3D000: a database that does not exist names host, port and database, never a password", async () => {
      const url = new URL(withDatabase("klr_tests_absent"));
      url.password = "never-shown";
      // The CLI's words for its --database-url (test/errors/setting-advice.test.ts: the others').
      const port = createPgSqlPort({ connectionString: url.toString(), advice: urlAdvice("command-line") });
      try {
        const error = await rejectionOf(port.query("SELECT 1 AS one"));

        expect(error).toBeInstanceOf(DatabaseAccessError);
        expect(error.message).toBe(
          `The database in ${url.hostname}:${url.port || "5432"}/klr_tests_absent as ${url.username} does not exist. Check --database-url.`,
        );
        expect(error.message).not.toContain("never-shown");
      } finally {
        await port.close();
      }
    });

    it("57014: a statement past the port's statement timeout is a TimeoutError", async () => {
      // 50 ms against a 30 s sleep: the cancel comes first however slow the runner is.
      const port = createPgSqlPort({ connectionString: databaseUrl, statementTimeoutMs: 50 });
      try {
        const error = await rejectionOf(port.query("SELECT pg_sleep(30)::text AS slept"));

        expect(error).toBeInstanceOf(TimeoutError);
        expect(error.message).toMatch(/ran longer than the statement timeout \(.*\) and was cancelled/);
      } finally {
        await port.close();
      }
    });

    it("42P01: an undefined table is a QueryError naming the SQLSTATE and the relation", async () => {
      const port = createPgSqlPort({ connectionString: databaseUrl });
      try {
        const error = await rejectionOf(port.query("SELECT * FROM klr_no_such_table"));

        expect(error).toBeInstanceOf(QueryError);
        expect(error.message).toMatch(/\(SQLSTATE 42P01\): relation "klr_no_such_table" does not exist$/);
      } finally {
        await port.close();
      }
    });
  },
);

const cluster = await initThrowawayCluster("right-password");
const clusterBlocker = "blocker" in cluster ? cluster.blocker : undefined;

describe.skipIf(clusterBlocker !== undefined)(
  `PostgreSQL authentication errors (28xxx) on a throwaway cluster (${clusterBlocker ?? "initdb available"})`,
  () => {
    const folder = "folder" in cluster ? cluster.folder : "";
    let server: ThrowawayServer | undefined;
    let port: number;

    beforeAll(async () => {
      // Our own rules: one role rejected outright (28000), everyone else by password (28P01).
      server = await startThrowawayCluster(folder, {
        hba: ["host all klr_rejected 127.0.0.1/32 reject", "host all all 127.0.0.1/32 scram-sha-256"],
      });
      port = server.port;
    }, 300_000);

    afterAll(async () => {
      if (folder === "") return;
      await server?.stop();
      await removeThrowawayCluster(folder);
    }, 120_000);

    it.each([
      ["28P01", "a wrong password", "postgres", "wrong-password"],
      ["28000", "a role the server's rules reject", "klr_rejected", "any"],
    ])(
      "%s: %s is a DatabaseAccessError that never shows the password",
      async (_code, _what, user, password) => {
        const sql = createPgSqlPort({
          connectionString: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
          advice: urlAdvice("command-line"),
        });
        try {
          const error = await rejectionOf(sql.query("SELECT 1 AS one"));

          expect(error).toBeInstanceOf(DatabaseAccessError);
          expect(error.message).toBe(
            `PostgreSQL refused the credentials for 127.0.0.1:${port}/postgres as ${user}. Check the user and password in --database-url.`,
          );
          expect(error.message).not.toContain(password);
          expect((error.cause as { code?: string }).code).toBe(_code);
        } finally {
          await sql.close();
        }
      },
    );

    it("accepts the right password (the rule under test is the cluster's, not a broken setup)", async () => {
      const sql = createPgSqlPort({
        connectionString: `postgres://postgres:right-password@127.0.0.1:${port}/postgres`,
      });
      try {
        expect(await sql.query("SELECT 'in'::text AS answer")).toEqual([{ answer: "in" }]);
      } finally {
        await sql.close();
      }
    });
  },
);
