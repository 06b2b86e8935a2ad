import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { demoSnapshotName } from "#lib/demo/demo-snapshot.ts";
import { openDemoPglite, readDemoSnapshot, readDemoSql } from "#lib/demo/open-demo-database.ts";
import { openTestDatabase } from "../helpers/kong-db.ts";

// Each build runs initdb and the demo SQL (a few seconds, 0.7 GB): this file builds two of its own.
let folder: string;
const fileIn = (name: string) => pathToFileURL(join(folder, name));
const neverCalled = () => Promise.reject(new Error("the cache must not be looked at"));

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "demo-snapshot-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("readDemoSnapshot", () => {
  test("takes the snapshot shipped beside the program as it is, without building or caching", async () => {
    await writeFile(fileIn("shipped.tar.gz"), "shipped bytes");
    const snapshot = await readDemoSnapshot({ shipped: fileIn("shipped.tar.gz"), cache: neverCalled });
    expect(Buffer.from(snapshot).toString()).toBe("shipped bytes");
  });

  test("without one, builds it from the demo SQL once, saves it in the cache for that SQL, and loads the cache after", async () => {
    const sql = await readDemoSql();
    const asked: string[] = [];
    const places = {
      shipped: fileIn("absent.tar.gz"),
      cache: async (text: string) => {
        asked.push(text);
        return fileIn("cache/demo.tar.gz");
      },
    };
    const built = await readDemoSnapshot(places);
    expect(asked).toEqual([sql]);
    expect(await readFile(fileIn("cache/demo.tar.gz"))).toEqual(Buffer.from(built));
    expect(gunzipSync(built).length).toBeGreaterThan(1_000_000);

    await writeFile(fileIn("cache/demo.tar.gz"), "cached bytes");
    expect(Buffer.from(await readDemoSnapshot(places)).toString()).toBe("cached bytes");
  });

  test("still answers when the cache cannot be written (a read-only installation)", async () => {
    await writeFile(fileIn("a-file"), "");
    // A folder inside a plain file: reading and mkdir fail with ENOTDIR, even as root.
    const cache = fileIn("a-file/cache/demo.tar.gz");
    const snapshot = await readDemoSnapshot({ shipped: fileIn("absent.tar.gz"), cache: async () => cache });
    expect(gunzipSync(snapshot).length).toBeGreaterThan(1_000_000);
  });
});

describe("the demo database loaded from the snapshot", () => {
  let demo: PGlite;

  beforeAll(async () => {
    // As --demo loads it when running from the sources: from node_modules/.cache, built on first use.
    demo = await openDemoPglite();
  });
  afterAll(async () => {
    await demo?.close();
  });

  test("holds every row of the demo SQL, table by table", async () => {
    const countsIn = async (query: (sql: string) => Promise<Array<Record<string, unknown>>>) => {
      const tables = await query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
      );
      const counts: Record<string, string> = {};
      for (const { table_name } of tables) {
        const [row] = await query(`SELECT count(*)::text AS n FROM "${String(table_name)}"`);
        counts[String(table_name)] = String(row?.n);
      }
      return counts;
    };
    const fromSnapshot = await countsIn(async (sql) => (await demo.query<Record<string, unknown>>(sql)).rows);

    const db = await openTestDatabase("pglite");
    try {
      const fixture = await db.createFixture(await readDemoSql());
      const fromSql = await countsIn((sql) => fixture.query(sql));
      expect(Object.keys(fromSql).length).toBeGreaterThan(15);
      expect(fromSnapshot).toEqual(fromSql);
    } finally {
      await db.close();
    }
  });

  test("runs with small shared memory, one WAL megabyte per segment, and no template databases", async () => {
    const { rows } = await demo.query(
      `SELECT current_setting('shared_buffers') AS shared_buffers,
              current_setting('max_connections') AS max_connections,
              current_setting('wal_segment_size') AS wal_segment_size,
              (SELECT string_agg(datname, ',') FROM pg_database) AS databases`,
    );
    expect(rows).toEqual([
      { shared_buffers: "8MB", max_connections: "2", wal_segment_size: "1MB", databases: "postgres" },
    ]);
  });
});

describe("demoSnapshotName", () => {
  test("changes with the SQL and with the PGlite version, so a cache never serves another demo", () => {
    const name = demoSnapshotName("SELECT 1", "0.5.14");
    expect(name).toMatch(/^demo-pgdata-0\.5\.14-[0-9a-f]{16}\.tar\.gz$/);
    expect(demoSnapshotName("SELECT 1", "0.5.14")).toBe(name);
    expect(demoSnapshotName("SELECT 2", "0.5.14")).not.toBe(name);
    expect(demoSnapshotName("SELECT 1", "0.5.15")).not.toBe(name);
  });
});
