/**
 * Local Data API endpoint: round-trip latency through the real SDK client, and one report through
 * the Data API next to the same report through a direct connection (time, calls, largest answer).
 *
 *   npx tsx bench/data-api.ts [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--rounds 300]
 */
import { parseArgs } from "node:util";
import { ExecuteStatementCommand } from "@aws-sdk/client-rds-data";
import { PGlite } from "@electric-sql/pglite";
import { createRdsDataClient } from "../lib/aws/clients.ts";
import { createRdsDataSqlPort } from "../lib/aws/rds-data-sql-port.ts";
import { collectReport } from "../lib/collector/collect-report.ts";
import { readDemoSql } from "../lib/demo/open-demo-database.ts";
import { createPgSqlPort } from "../lib/sql/pg-sql-port.ts";
import { createPgliteSqlPort } from "../lib/sql/pglite-sql-port.ts";
import type { SqlPort } from "../lib/sql/port.ts";
import { type DataApiServerOptions, startDataApiServer } from "../local/data-api/server.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const { values } = parseArgs({ options: { "database-url": { type: "string" }, rounds: { type: "string" } } });
const rounds = Number(values.rounds ?? 300);
const ARNS = {
  resourceArn: "arn:aws:rds:us-east-1:000000000000:cluster:bench",
  secretArn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:bench",
};

async function measure(
  label: string,
  backend: DataApiServerOptions["backend"],
  direct: SqlPort,
  database: string,
  searchPath?: string,
) {
  const server = await startDataApiServer({
    backend,
    ...ARNS,
    ...(searchPath === undefined ? {} : { searchPath }),
  });
  const client = createRdsDataClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  const command = new ExecuteStatementCommand({ ...ARNS, database, sql: "SELECT 1" });
  for (let i = 0; i < 20; i += 1) await client.send(command);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    await client.send(command);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const port = createRdsDataSqlPort({ client, ...ARNS, database });
  const now = new Date();
  await collectReport(port, { now });
  await collectReport(direct, { now });
  const before = port.calls();
  let started = performance.now();
  await collectReport(port, { now });
  const viaDataApiMs = performance.now() - started;
  started = performance.now();
  await collectReport(direct, { now });
  const directMs = performance.now() - started;
  console.log(
    `${label}: SELECT 1 round trip p50 ${samples[Math.floor(rounds / 2)]?.toFixed(2)} ms, p95 ${samples[Math.floor(rounds * 0.95)]?.toFixed(2)} ms (${rounds} calls); ` +
      `report via Data API ${viaDataApiMs.toFixed(1)} ms in ${port.calls() - before} calls (largest answer ${server.maxResponseBytes()} B), direct ${directMs.toFixed(1)} ms`,
  );
  client.destroy();
  await server.close();
}

const demoSql = await readDemoSql();
const db = await PGlite.create();
await db.exec(demoSql);
await measure("pglite (demo)", { kind: "pglite", db }, createPgliteSqlPort({ db }), "postgres");
await db.close();

const url = values["database-url"];
if (url !== undefined) {
  const schema = `bench_data_api_${process.pid}`;
  const admin = createPgSqlPort({ connectionString: url });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const loader = createPgSqlPort({ connectionString: url, searchPath: schema });
  try {
    // One statement per query call: the pg port uses the extended protocol only with parameters.
    await loader.query(demoSql);
    const direct = createPgSqlPort({ connectionString: url, searchPath: schema });
    const database = new URL(url).pathname.slice(1) || "postgres";
    await measure("postgres (demo)", { kind: "pg", connectionString: url }, direct, database, schema);
    await direct.close();
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await loader.close();
    await admin.close();
  }
}
