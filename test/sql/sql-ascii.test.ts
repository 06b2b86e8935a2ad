import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectReport } from "#lib/collector/collect-report.ts";
import { readDemoSql } from "#lib/demo/open-demo-database.ts";
import { createPgSqlPort } from "#lib/sql/pg-sql-port.ts";
import { describePostgres } from "../helpers/kong-db.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";

// A SQL_ASCII database keeps whatever bytes it was given: one workspace or plugin name that is not
// UTF-8 made PostgreSQL refuse every statement that read it (SQLSTATE 22021), and the whole report
// failed. Now such bytes become U+FFFD, the report is produced, and the details name the entity.
describePostgres("A SQL_ASCII Kong database with names that are not UTF-8 (postgres)", () => {
  const serverUrl = () => process.env.KONG_TEST_DATABASE_URL as string;
  const database = () => `${new URL(serverUrl()).pathname.slice(1)}_ascii_${process.pid}`;
  const urlOf = (name: string) => {
    const url = new URL(serverUrl());
    url.pathname = `/${name}`;
    return url.href;
  };
  const admin = async (name: string, statements: string[]) => {
    const client = new pg.Client({ connectionString: urlOf(name) });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin(new URL(serverUrl()).pathname.slice(1), [
      `CREATE DATABASE "${database()}" ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`,
    ]);
    await admin(database(), [
      await readDemoSql(),
      // Latin-1 "café" and a lone 0xFF: not UTF-8. E'' with \x escapes writes the raw bytes.
      "UPDATE workspaces SET name = E'caf\\xe9-team' WHERE name = 'default'",
      "UPDATE plugins SET name = E'x\\xff-plugin' WHERE id = (SELECT id FROM plugins WHERE name = 'prometheus' LIMIT 1)",
    ]);
  }, 60_000);

  afterAll(async () => {
    await admin(new URL(serverUrl()).pathname.slice(1), [
      `DROP DATABASE IF EXISTS "${database()}" WITH (FORCE)`,
    ]);
  });

  it("produces the report, shows the bytes as U+FFFD and names each entity in a warning", async () => {
    // Prepare
    const port = createPgSqlPort({ connectionString: urlOf(database()) });

    // Act
    const collected = await collectReport(port, {
      now: new Date("2026-11-15T12:00:00Z"),
      details: {},
    }).finally(() => port.close());

    // Assess: the demo has one prometheus row (lib/demo/seed.sql), now a custom plugin of its own.
    expect(collected.report.plugins_count.tiers.custom["x\uFFFD-plugin"]).toBe(1);
    expect(collected.report.plugins_count.tiers.free.prometheus).toBeUndefined();
    const workspace = collected.details.workspaces?.find((entry) => entry.name.startsWith("caf"));
    expect(workspace?.name).toBe("caf\uFFFD-team");
    const tail =
      "its bytes that are not valid UTF-8 are shown as U+FFFD, so it may differ from the name in Kong.";
    expect(collected.details.warnings.filter((warning) => warning.includes("U+FFFD"))).toEqual([
      `Plugin name "x\uFFFD-plugin" (in plugins_count): ${tail}`,
      `Workspace "caf\uFFFD-team" (id ${workspace?.id}): ${tail}`,
    ]);
  });

  it("says so on the CLI's stderr too, one warning per entity, and still writes the report", async () => {
    // Act
    const run = await runCliCapturing({}, [
      "generate",
      "--database-url",
      urlOf(database()),
      "--include-details",
      "--out",
      "-",
    ]);

    // Assess: the report on stdout, each changed name in a warning line of its own.
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { plugins_count: { tiers: { custom: Record<string, number> } } };
    expect(report.plugins_count.tiers.custom["x\uFFFD-plugin"]).toBe(1);
    const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(
      'warning: Plugin name "x\uFFFD-plugin" (in plugins_count): its bytes that are not valid UTF-8 are shown as U+FFFD, so it may differ from the name in Kong.',
    );
    expect(warnings[1]).toMatch(/^warning: Workspace "caf\uFFFD-team" \(id [0-9a-f-]{36}\): its bytes/);
  });
});
