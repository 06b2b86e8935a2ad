/**
 * Whole processes, timed from spawn to exit, in one run on one database:
 *  - the README's main command, the built CLI: `node dist/cli.mjs generate --database-url … --no-details`
 *  - the same CLI from source (`npm run cli`, through tsx), for reference
 *  - psql running the same aggregates: the collector's catalog probe and report statement, as built
 *    for this database (parameters inlined), with JIT off as the collector sets it
 *  - Kong's per-row walk (bench/baseline.ts) in its own Node process
 * Runs are interleaved so a load change hits every command alike. Build first (npm ci does).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { probeSchema } from "../lib/report/probe-schema.ts";
import { buildFactsStatement } from "../lib/report/read-kong-facts.ts";
import { monthIn, windowStart } from "../lib/report/reporting-month.ts";
import { createPgSqlPort } from "../lib/sql/pg-sql-port.ts";
import { type SqlParams, wrapQueries } from "../lib/sql/port.ts";
import type { ChildTask } from "./child.ts";

export interface WholeProcessTiming {
  readonly label: string;
  readonly command: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
}

const root = fileURLToPath(new URL("..", import.meta.url));

/** Times each command `runs` times (the walk `walkRuns` times), interleaved; medians in ms. */
export async function measureWholeProcesses(
  url: string,
  database: string,
  now: Date,
  runs: number,
  walkRuns: number,
): Promise<WholeProcessTiming[]> {
  const cli = `${root}dist/cli.mjs`;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm ci builds it).`);
  const psqlSql = await buildPsqlScript(url, now);
  const walkTask: ChildTask = { mode: "baseline", url, database, runs: 0, now: now.toISOString() };
  const generate = ["generate", "--database-url", url, "--no-details", "--out", "/dev/null"];
  const commands = [
    { label: "built CLI (README main command)", file: process.execPath, args: [cli, ...generate] },
    {
      label: "CLI from source (tsx)",
      file: process.execPath,
      args: ["--import", "tsx", `${root}bin/cli.ts`, ...generate],
    },
    {
      label: "psql, the same aggregates",
      file: "psql",
      args: ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", psqlSql, "-o", "/dev/null"],
    },
    {
      label: "Kong's per-row walk (node)",
      file: process.execPath,
      args: ["--import", "tsx", `${root}bench/child.ts`, JSON.stringify(walkTask)],
      walk: true,
    },
  ];
  const samples = new Map<string, number[]>(commands.map((command) => [command.label, []]));
  for (let run = 0; run < Math.max(runs, walkRuns); run += 1) {
    for (const command of commands) {
      if (run >= (command.walk === true ? walkRuns : runs)) continue;
      samples.get(command.label)?.push(await timeProcess(command.file, command.args));
    }
  }
  return commands.map((command) => {
    const times = [...(samples.get(command.label) ?? [])].sort((a, b) => a - b);
    return {
      label: command.label,
      command: [command.file === process.execPath ? "node" : command.file, ...command.args]
        .join(" ")
        .replace(url, "$URL")
        .replace(psqlSql, "<probe; report statement>")
        .replace(root, ""),
      runs: times.length,
      medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
      minMs: times[0] ?? Number.NaN,
    };
  });
}

/** The markdown lines of the comparison: the built CLI against psql and against the walk. */
export function renderWholeProcess(size: string, timings: readonly WholeProcessTiming[]): string {
  const find = (prefix: string) => timings.find((timing) => timing.label.startsWith(prefix));
  const cli = find("built CLI");
  const psql = find("psql");
  const walk = find("Kong's");
  const lines = [
    `| whole process at ${size} | runs | median (ms) | min (ms) |`,
    "| --- | ---: | ---: | ---: |",
    ...timings.map((t) => `| ${t.label} | ${t.runs} | ${t.medianMs.toFixed(0)} | ${t.minMs.toFixed(0)} |`),
  ];
  if (cli !== undefined && psql !== undefined && walk !== undefined) {
    lines.push(
      "",
      `${size}: built CLI ${(cli.medianMs / psql.medianMs).toFixed(2)}× psql (target ≤ 1.5×), ${(walk.medianMs / cli.medianMs).toFixed(0)}× faster than Kong's per-row walk (target ≥ 20×)`,
    );
  }
  return lines.join("\n");
}

/** The collector's two statements for this database, parameters inlined, for psql (and bench/demo.ts). */
export async function buildPsqlScript(url: string, now: Date): Promise<string> {
  const statements: string[] = [];
  const port = createPgSqlPort({ connectionString: url });
  const recording = wrapQueries(port, (query) => (sql, params, options) => {
    statements.push(inline(sql, params));
    return query(sql, params, options);
  });
  const schema = await probeSchema(recording);
  await port.close();
  const facts = buildFactsStatement(schema);
  const start = windowStart(monthIn(now, "UTC"));
  statements.push(
    inline(facts, facts.includes(":min_year") ? { min_year: start.year, min_month: start.month } : {}),
  );
  return ["SET jit = off", ...statements].map((sql) => `${sql.trim().replace(/;$/, "")};`).join("\n");
}

/** `:name` placeholders replaced by SQL literals (numbers as they are, strings quoted). */
function inline(sql: string, params: SqlParams | undefined): string {
  return sql.replace(/(?<!:):([a-z_][a-z0-9_]*)/gi, (match, name: string) => {
    const value = params?.[name];
    if (value === undefined) return match;
    if (value === null) return "NULL";
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return `'${value.replaceAll("'", "''")}'`;
  });
}

function timeProcess(file: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve(ms);
      else
        reject(
          new Error(`${file} ${args.slice(0, 3).join(" ")} … exited ${code}: ${stderr.trim().slice(0, 500)}`),
        );
    });
  });
}
