import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectReport } from "#lib/collector/collect-report.ts";
import { readDemoSql } from "#lib/demo/open-demo-database.ts";
import { KONG_TABLES } from "#lib/report/probe-schema.ts";
import { createPgSqlPort } from "#lib/sql/pg-sql-port.ts";
import { describePostgres } from "../helpers/kong-db.ts";

const ROLE_SQL = readFileSync(resolve(import.meta.dirname, "../../infra/kong-report-role.sql"), "utf8");

describe("infra/kong-report-role.sql", () => {
  it("grants SELECT on exactly the Kong tables the report and the details read", () => {
    const listed = /ARRAY\[([^\]]*)\]/.exec(ROLE_SQL)?.[1] ?? "";
    const tables = [...listed.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]);
    expect(tables).toEqual([...KONG_TABLES]);
    expect(ROLE_SQL).not.toMatch(/GRANT\s+pg_read_all_data|ALL\s+TABLES|GRANT\s+ALL/i);
  });
});

describePostgres("a role with only those grants, on PostgreSQL (postgres)", () => {
  const serverUrl = () => process.env.KONG_TEST_DATABASE_URL as string;
  // Roles are server-wide: named after the test database, so testers sharing a server never collide.
  const base = () => `${new URL(serverUrl()).pathname.slice(1)}_role_${process.pid}`;
  const urlOf = (database: string, user?: string) => {
    const url = new URL(serverUrl());
    url.pathname = `/${database}`;
    if (user !== undefined) url.username = user;
    return url.href;
  };
  const admin = async <T>(database: string, use: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: urlOf(database) });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin(new URL(serverUrl()).pathname.slice(1), (c) => c.query(`CREATE DATABASE "${base()}"`));
    await admin(base(), async (c) => {
      await c.query(await readDemoSql());
      await c.query("SELECT set_config('kong_report.role', $1, false)", [base()]);
      await c.query(ROLE_SQL);
    });
  }, 60_000);

  afterAll(async () => {
    await admin(new URL(serverUrl()).pathname.slice(1), async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${base()}" WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS "${base()}"`);
    });
  });

  it("produces the same report and details as the database owner", async () => {
    const now = new Date("2026-11-15T12:00:00Z");
    const options = { now, details: { includeList: true } } as const;
    const owner = createPgSqlPort({ connectionString: urlOf(base()) });
    const reader = createPgSqlPort({ connectionString: urlOf(base(), base()) });
    try {
      const asOwner = await collectReport(owner, options);
      const asReader = await collectReport(reader, options);
      expect(asReader).toEqual(asOwner);
      // The demo's data really was read: not an empty report that happens to match.
      expect(asReader.report.services_count).toBeGreaterThan(0);
      expect(asReader.report.counters?.total_requests).toBeGreaterThan(0);
      expect(asReader.details.omitted.map((o) => o.key)).not.toContain("rbac_users");
    } finally {
      await owner.close();
      await reader.close();
    }
  });

  it("may call pg_control_system(), the estate's proof that two environments are one database", async () => {
    const client = new pg.Client({ connectionString: urlOf(base(), base()) });
    await client.connect();
    try {
      // EXECUTE on it is PUBLIC's by default: no grant in the role file is needed.
      const { rows } = await client.query<{ system_identifier: string; allowed: boolean }>(
        "SELECT system_identifier::text AS system_identifier, has_function_privilege('pg_control_system()', 'EXECUTE') AS allowed FROM pg_control_system()",
      );
      expect(rows[0]?.allowed).toBe(true);
      expect(rows[0]?.system_identifier).toMatch(/^[1-9]\d{9,19}$/);
    } finally {
      await client.end();
    }
  });

  it("can read nothing else and write nothing", async () => {
    const client = new pg.Client({ connectionString: urlOf(base(), base()) });
    await client.connect();
    try {
      await expect(client.query("SELECT count(*) FROM certificates")).rejects.toThrow(
        "permission denied for table certificates",
      );
      await expect(client.query("SELECT count(*) FROM consumer_groups")).rejects.toThrow("permission denied");
      await expect(client.query("UPDATE services SET name = name")).rejects.toThrow(
        /read-only transaction|permission denied/,
      );
      const { rows } = await client.query<{ member: boolean }>(
        "SELECT pg_has_role(current_user, 'pg_read_all_data', 'member') AS member",
      );
      expect(rows[0]?.member).toBe(false);
      // Even with the read-only default switched off by the session: no temporary table, no new object.
      await client.query("SET default_transaction_read_only = off");
      await expect(client.query("CREATE TEMPORARY TABLE scratch (x int)")).rejects.toThrow(
        /permission denied to create temporary tables/,
      );
      await expect(client.query("CREATE TABLE public.scratch (x int)")).rejects.toThrow(
        "permission denied for schema public",
      );
      await expect(client.query("UPDATE services SET name = name")).rejects.toThrow(
        "permission denied for table services",
      );
    } finally {
      await client.end();
    }
  });
});
