import { describe, expect, it } from "vitest";
import { DatabaseAccessError, QueryError, TimeoutError } from "#lib/errors.ts";
import { createPgSqlPort, describeTarget, translatePgError } from "#lib/sql/pg-sql-port.ts";
import { testTargets } from "../helpers/kong-db.ts";

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
    [{ code: "57014" }, TimeoutError, /statement timeout/],
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

  it("describes a connection URL without its password", () => {
    expect(describeTarget("postgres://kong:s3cret@db.internal:6432/kong")).toBe(
      "db.internal:6432/kong as kong",
    );
  });
});

describe.each(testTargets().filter((target) => target === "postgres"))(
  "Function: createPgSqlPort (%s)",
  () => {
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
  },
);
