import { readFile } from "node:fs/promises";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { describe } from "vitest";
import { createPgSqlPort } from "#lib/sql/pg-sql-port.ts";
import { createPgliteSqlPort, quoteIdentifier } from "#lib/sql/pglite-sql-port.ts";
import type { SqlPort } from "#lib/sql/port.ts";
import { createEmptyPglite } from "./pglite-data-dir.ts";

/**
 * Test databases holding Kong schemas and data sets.
 *
 *   const db = await openTestDatabase(target);          // once per test file (PGlite: ~0.6 s, 0.6 GB)
 *   const sql = await db.createFixture(SCHEMAS.ee313, DATASETS.t2Kong39);
 *   ... collectReport(sql) ...
 *   await db.close();                                    // afterAll
 *
 * Every fixture lives in its own fresh schema, so fixtures of one file never see each other.
 */

export type TestTarget = "pglite" | "postgres";

/** A SQL file of the repository, path relative to the repository root. */
export interface FixtureFile {
  readonly file: string;
}

/**
 * What `createFixture` loads: a `FixtureFile`, a string that is a repository-relative `.sql`
 * path (no whitespace, e.g. `lib/demo/schema.sql`), or any other string = inline SQL text.
 */
export type FixtureSource = FixtureFile | string;

/** Marks a repository-relative path as a SQL file to load (the explicit form). */
export function fixtureFile(path: string): FixtureFile {
  return { file: path };
}

/** Kong schemas: tables, the `default` workspace and the schema_meta rows of that version. */
export const SCHEMAS = {
  /** Kong Enterprise 3.13 (the demo schema shipped with the package). */
  ee313: fixtureFile("lib/demo/schema.sql"),
  /** Kong Enterprise 2.8: no plugins.consumer_group_id/instance_name/ordering/updated_at, no licenses.checksum. */
  ee28: fixtureFile("test/fixtures/schemas/ee-2.8.sql"),
  /** Open-source 3.5: no enterprise tables or row, consumers without `type`. */
  oss35: fixtureFile("test/fixtures/schemas/oss-3.5.sql"),
  /** Open-source 2.0: no workspaces table, no ws_id columns. */
  oss20: fixtureFile("test/fixtures/schemas/oss-2.0.sql"),
} as const satisfies Record<string, FixtureFile>;

/** Data sets; each file's header names the schema it needs and the expected report values. */
export const DATASETS = {
  t2Kong39: fixtureFile("test/fixtures/datasets/t2-kong-39.sql"),
  t2primeKong35: fixtureFile("test/fixtures/datasets/t2prime-kong-35.sql"),
  t3Workspaces: fixtureFile("test/fixtures/datasets/t3-workspaces.sql"),
  t8EntityCounts: fixtureFile("test/fixtures/datasets/t8-entity-counts.sql"),
  countersWindow: fixtureFile("test/fixtures/datasets/counters-window.sql"),
  lambdasKafkas: fixtureFile("test/fixtures/datasets/lambdas-kafkas.sql"),
  licenses: fixtureFile("test/fixtures/datasets/licenses.sql"),
  /** The newest licence rows are unreadable: the fallback to an older readable row. */
  licensesBrokenNewest: fixtureFile("test/fixtures/datasets/licenses-broken-newest.sql"),
  /** On SCHEMAS.ee28: turns it into Kong 2.6, license_data without year/month (UNKNOWN bucket). */
  licenseDataPre27: fixtureFile("test/fixtures/datasets/license-data-pre-27.sql"),
  hybrid: fixtureFile("test/fixtures/datasets/hybrid.sql"),
  /** On SCHEMAS.ee313: four workspaces (one with a hostile name), discrete-service keys, drifted counters. */
  detailsWorkspaces: fixtureFile("test/fixtures/datasets/details-workspaces.sql"),
  tiersMixed: fixtureFile("test/fixtures/datasets/tiers-mixed.sql"),
  /** On SCHEMAS.ee313: workspace, service and plugin names that are markup, formulas, escapes, bidi and Object.prototype members. */
  hostileNames: fixtureFile("test/fixtures/datasets/hostile-names.sql"),
  upgradePending: fixtureFile("test/fixtures/datasets/upgrade-pending.sql"),
  /** On SCHEMAS.ee313: one migration past 3.13 (3.14), 3.10-3.14 plugins, Kafka family, AI counter rows. */
  kong314: fixtureFile("test/fixtures/datasets/kong-3.14.sql"),
  /** On SCHEMAS.oss35. */
  oss35Basic: fixtureFile("test/fixtures/datasets/oss-3.5-basic.sql"),
  /** On SCHEMAS.oss20. */
  oss20Community: fixtureFile("test/fixtures/datasets/oss-2.0-community.sql"),
  /** On SCHEMAS.ee313: team tags, a licence with entitlements, counters across a term, AI model-hours (issue 21). */
  usageTeams: fixtureFile("test/fixtures/datasets/usage-teams.sql"),
  /** A plain application table and no Kong schema at all: load it alone. */
  notKong: fixtureFile("test/fixtures/datasets/not-kong.sql"),
} as const satisfies Record<string, FixtureFile>;

/** The demo deployment, migrated to Kong 3.15 by the file itself; load on top of `SCHEMAS.ee313`. */
export const DEMO_SEED: FixtureFile = fixtureFile("lib/demo/seed.sql");

/** Id of the `default` workspace in SCHEMAS.ee313, ee28 and oss35. */
export const DEFAULT_WORKSPACE_ID = "a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30";

/** A port on one fixture schema; `schema` names it for `execRaw(sql, { schema })`. */
export type FixturePort = SqlPort & { readonly schema: string };

export interface TestDatabaseBase {
  /** Loads the sources, in order and in one transaction, into a fresh schema; returns a port on it. */
  createFixture(...sources: FixtureSource[]): Promise<FixturePort>;
  /** Runs SQL as is (no parameters); with `schema`, with search_path set to that schema. */
  execRaw(sql: string, options?: { readonly schema?: string }): Promise<void>;
  /** Closes every fixture port, drops the schemas created (PostgreSQL) and frees the database. */
  close(): Promise<void>;
}

export type TestDatabase =
  | (TestDatabaseBase & { readonly target: "pglite"; readonly db: PGlite })
  | (TestDatabaseBase & { readonly target: "postgres"; readonly connectionString: string });

const databaseUrlVariable = "KONG_TEST_DATABASE_URL";
const repositoryRoot = new URL("../../", import.meta.url);
const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** The targets every database test runs on: PGlite always, PostgreSQL when KONG_TEST_DATABASE_URL is set. */
export function testTargets(): TestTarget[] {
  return testDatabaseUrl() === undefined ? ["pglite"] : ["pglite", "postgres"];
}

/** Why the PostgreSQL target cannot run here, or undefined when KONG_TEST_DATABASE_URL is set. */
export function postgresMissing(): string | undefined {
  return testDatabaseUrl() === undefined ? `${databaseUrlVariable} is not set` : undefined;
}

/**
 * `describe` once per target. Without KONG_TEST_DATABASE_URL the PostgreSQL block is still
 * declared, as skipped with the reason in its name, so the count shows what did not run.
 * `%s` in the name becomes the target.
 */
export function describeTargets(name: string, body: (target: TestTarget) => void): void {
  const missing = postgresMissing();
  for (const target of ["pglite", "postgres"] as const) {
    const skip = target === "postgres" && missing !== undefined;
    const title = name.replace("%s", target) + (skip ? ` [skipped: ${missing}]` : "");
    describe.skipIf(skip)(title, () => body(target));
  }
}

/** Like `describeTargets`, for blocks that only make sense on PostgreSQL. */
export function describePostgres(name: string, body: () => void): void {
  const missing = postgresMissing();
  describe.skipIf(missing !== undefined)(
    name + (missing === undefined ? "" : ` [skipped: ${missing}]`),
    body,
  );
}

/** Opens one test database; share it across the tests of a file and close it in `afterAll`. */
export async function openTestDatabase(target: TestTarget): Promise<TestDatabase> {
  if (target === "pglite") return openPgliteDatabase();
  const connectionString = testDatabaseUrl();
  if (connectionString === undefined) {
    throw new Error(`${databaseUrlVariable} is not set: the "postgres" test target needs it.`);
  }
  return openPostgresDatabase(connectionString);
}

function testDatabaseUrl(): string | undefined {
  const value = process.env[databaseUrlVariable];
  if (value === undefined || value === "") return undefined;
  const host = new URL(value).hostname;
  if (!loopbackHosts.has(host)) {
    throw new Error(`${databaseUrlVariable} must point at a loopback PostgreSQL (127.0.0.1), not ${host}.`);
  }
  return value;
}

/**
 * Mutation runs only (vitest.mutate.config.ts sets it, with `isolate: false`): one PGlite per worker
 * thread, kept across test files and mutants, and each fixture loaded once and handed out again
 * for the same sources. A mutant then costs its tests, not a database and ~100 fixture loads. A
 * schema that `execRaw` changes is never handed out again, and is dropped at `close()`. Two fixtures
 * of the same sources within one test get the same schema here; a test relying on them being apart
 * fails Stryker's dry run, which then refuses to start.
 */
const reuseVariable = "KONG_TEST_REUSE_PGLITE";

interface SharedPglite {
  readonly db: Promise<PGlite>;
  /** Schema of each clean fixture, by the text of its sources. */
  readonly clean: Map<string, string>;
  schemas: number;
}

const sharedKey = Symbol.for("kong-license-report.test.shared-pglite");

async function openPgliteDatabase(): Promise<TestDatabase> {
  if (process.env[reuseVariable] === "1") return openSharedPgliteDatabase();
  const db = await createEmptyPglite();
  const ports: FixturePort[] = [];
  let fixtures = 0;
  return {
    target: "pglite",
    db,
    async createFixture(...sources) {
      fixtures += 1;
      const schema = `fx_${fixtures}`;
      await loadPgliteFixture(db, schema, await Promise.all(sources.map(resolveSource)));
      const port = trackPort(createPgliteSqlPort({ db, searchPath: schema }), schema);
      ports.push(port);
      return port;
    },
    async execRaw(sql, options) {
      if (options?.schema === undefined) await db.exec(sql);
      else await execInPgliteSchema(db, options.schema, sql);
    },
    async close() {
      await Promise.all(ports.map((port) => port.close()));
      if (!db.closed) await db.close();
    },
  };
}

async function openSharedPgliteDatabase(): Promise<TestDatabase> {
  const holder = globalThis as { [sharedKey]?: SharedPglite };
  holder[sharedKey] ??= { db: createEmptyPglite(), clean: new Map(), schemas: 0 };
  const shared = holder[sharedKey];
  const db = await shared.db;
  const ports: FixturePort[] = [];
  const dirty = new Set<string>();
  const markDirty = (schema: string) => {
    dirty.add(schema);
    for (const [key, value] of shared.clean) if (value === schema) shared.clean.delete(key);
  };
  return {
    target: "pglite",
    db,
    async createFixture(...sources) {
      const loaded = await Promise.all(sources.map(resolveSource));
      const key = loaded.map(({ sql }) => sql).join("\0");
      let schema = shared.clean.get(key);
      if (schema === undefined) {
        shared.schemas += 1;
        schema = `fx_shared_${shared.schemas}`;
        await loadPgliteFixture(db, schema, loaded);
        shared.clean.set(key, schema);
      }
      const port = trackPort(createPgliteSqlPort({ db, searchPath: schema }), schema);
      ports.push(port);
      return port;
    },
    async execRaw(sql, options) {
      if (options?.schema === undefined) {
        for (const schema of shared.clean.values()) markDirty(schema);
        await db.exec(sql);
        return;
      }
      markDirty(options.schema);
      await execInPgliteSchema(db, options.schema, sql);
    },
    async close() {
      await Promise.all(ports.map((port) => port.close()));
      for (const schema of dirty) await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    },
  };
}

/** Creates `schema` and loads the sources into it, in order and in one transaction. */
async function loadPgliteFixture(
  db: PGlite,
  schema: string,
  loaded: ReadonlyArray<{ label: string; sql: string }>,
): Promise<void> {
  await db.exec(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
  await db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
    for (const { label, sql } of loaded) {
      await tx.exec(sql).catch((error: unknown) => {
        throw fixtureLoadError(label, sql, schema, error);
      });
    }
  });
}

async function execInPgliteSchema(db: PGlite, schema: string, sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
    await tx.exec(sql);
  });
}

async function openPostgresDatabase(connectionString: string): Promise<TestDatabase> {
  const pool = new pg.Pool({ connectionString, max: 2 });
  pool.on("error", () => undefined);
  const ports: FixturePort[] = [];
  const schemas: string[] = [];
  // pid + time keep schemas of parallel test workers and reruns apart.
  const prefix = `fx_p${process.pid}_${Date.now().toString(36)}`;

  const runInSchema = async (
    schema: string | undefined,
    statements: Array<{ label: string; sql: string }>,
  ) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      if (schema !== undefined) await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
      for (const { label, sql } of statements) {
        await client.query(sql).catch((error: unknown) => {
          throw fixtureLoadError(label, sql, schema ?? "(no schema)", error);
        });
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    target: "postgres",
    connectionString,
    async createFixture(...sources) {
      const schema = `${prefix}_${schemas.length + 1}`;
      const loaded = await Promise.all(sources.map(resolveSource));
      schemas.push(schema);
      await pool.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
      await runInSchema(schema, loaded);
      const port = trackPort(createPgSqlPort({ connectionString, searchPath: schema }), schema);
      ports.push(port);
      return port;
    },
    async execRaw(sql, options) {
      await runInSchema(options?.schema, [{ label: "execRaw", sql }]);
    },
    async close() {
      await Promise.all(ports.map((port) => port.close()));
      for (const schema of schemas.splice(0)) {
        await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      }
      await pool.end();
    },
  };
}

/** Makes close() idempotent so a test may close its port and the database close it again. */
function trackPort(port: SqlPort, schema: string): FixturePort {
  let closing: Promise<void> | undefined;
  return {
    schema,
    query: (sql, params, options) => port.query(sql, params, options),
    runReadOnly: (work, options) => port.runReadOnly(work, options),
    close() {
      closing ??= port.close();
      return closing;
    },
  };
}

const sqlFileCache = new Map<string, Promise<string>>();
const sqlPathPattern = /^[\w./-]+\.sql$/;

async function resolveSource(source: FixtureSource): Promise<{ label: string; sql: string }> {
  const file = typeof source === "string" ? (sqlPathPattern.test(source) ? source : undefined) : source.file;
  if (file === undefined) return { label: "inline SQL", sql: source as string };
  let text = sqlFileCache.get(file);
  if (text === undefined) {
    text = readFile(new URL(file, repositoryRoot), "utf8");
    sqlFileCache.set(file, text);
  }
  return { label: file, sql: await text };
}

// No `cause`: the drivers' errors carry the whole SQL text, which would flood the test output.
function fixtureLoadError(label: string, sql: string, schema: string, error: unknown): Error {
  const { message = String(error), position } = (error ?? {}) as {
    message?: string;
    position?: string | number;
  };
  const offset = Number(position);
  const line =
    Number.isInteger(offset) && offset > 0 ? `, line ${sql.slice(0, offset).split("\n").length}` : "";
  return new Error(`Loading ${label} into schema ${schema} failed${line}: ${message}`);
}
