import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_SQL_FILES, openDemoDatabase, readDemoSql } from "#lib/demo/open-demo-database.ts";
import type { SqlPort } from "#lib/sql/port.ts";
import { openTestDatabase, testTargets } from "../helpers/kong-db.ts";

// readDemoSql runs first and closes its database before openDemoDatabase opens another (0.6 GB each).
describe("readDemoSql", () => {
  test("is the schema followed by the seed", async () => {
    const text = await readDemoSql();
    expect(DEMO_SQL_FILES).toEqual(["schema.sql", "seed.sql"]);
    expect(text.indexOf("CREATE TABLE schema_meta")).toBeGreaterThan(-1);
    expect(text.indexOf("CREATE TABLE schema_meta")).toBeLessThan(text.indexOf("INSERT INTO license_data"));
  });

  // Loading the same text into PostgreSQL is what the local stack does with it.
  test.each(testTargets())("loads as one text into a fresh schema on %s", async (target) => {
    const db = await openTestDatabase(target);
    try {
      const sql = await db.createFixture(await readDemoSql());
      const rows = await sql.query("SELECT count(*)::text AS n FROM routes");
      expect(rows).toEqual([{ n: "40" }]);
    } finally {
      await db.close();
    }
  });
});

describe("openDemoDatabase", () => {
  let demo: SqlPort;

  beforeAll(async () => {
    demo = await openDemoDatabase();
  });
  afterAll(async () => {
    await demo?.close();
  });

  test("holds a Kong Enterprise 3.15 deployment in the public schema (the seed migrates the 3.13 schema on)", async () => {
    const rows = await demo.query(
      `SELECT (SELECT last_executed FROM schema_meta WHERE subsystem = 'core') AS core,
              (SELECT count(*) FROM workspaces)::text AS workspaces,
              (SELECT count(*) FROM services)::text AS services,
              current_schema() AS schema`,
    );
    expect(rows).toEqual([{ core: "030_3140_to_3150", workspaces: "5", services: "21", schema: "public" }]);
  });

  test("answers :name parameters like any other port", async () => {
    const rows = await demo.query("SELECT count(*)::text AS n FROM plugins WHERE name = :name", {
      name: "aws-lambda",
    });
    expect(rows).toEqual([{ n: "10" }]);
  });
});
