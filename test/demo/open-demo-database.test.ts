import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
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

// Where the SQL files are depends on how the program was installed; as root no real file system
// refuses a read, so readFile is wrapped for the locations under test (the others are real reads).
describe("reading the demo's files when they are not beside the code", () => {
  afterEach(() => {
    vi.doUnmock("node:fs/promises");
    vi.resetModules();
  });

  async function loadWith(fail: (url: string) => NodeJS.ErrnoException | undefined) {
    vi.resetModules();
    vi.doMock("node:fs/promises", async (importOriginal) => {
      const actual = await importOriginal<typeof import("node:fs/promises")>();
      const readFile = async (path: URL, options: BufferEncoding) => {
        const error = fail(String(path));
        if (error !== undefined) throw error;
        return actual.readFile(path, options);
      };
      return { ...actual, readFile, default: { ...actual, readFile } };
    });
    return import("#lib/demo/open-demo-database.ts");
  }
  const fsError = (code: string, url: string) =>
    Object.assign(new Error(`${code}: open '${url}'`), { code }) as NodeJS.ErrnoException;

  test("names the missing file and every place it looked, and says how to get it back", async () => {
    // Not beside the sources either: then neither demo/ nor ../lib/demo/ holds it (they do not exist here).
    const demo = await loadWith((url) =>
      url.endsWith("/lib/demo/schema.sql") ? fsError("ENOENT", url) : undefined,
    );
    await expect(demo.readDemoSql()).rejects.toThrow(
      "The demo database file schema.sql is missing (looked in ./, ./demo/, ../lib/demo/ relative to the program). Reinstall kong-license-report, or run npm run build.",
    );
  });

  test("does not call an unreadable file missing: the read error itself is reported", async () => {
    const demo = await loadWith((url) => (url.endsWith("/seed.sql") ? fsError("EACCES", url) : undefined));
    await expect(demo.readDemoSql()).rejects.toMatchObject({ code: "EACCES" });
  });

  test("does not take an unreadable shipped snapshot for a missing one: the read error itself is reported", async () => {
    const demo = await loadWith((url) =>
      url.endsWith("/demo-pgdata.tar.gz") ? fsError("EACCES", url) : undefined,
    );
    await expect(demo.readDemoSnapshot()).rejects.toMatchObject({ code: "EACCES" });
  });
});
