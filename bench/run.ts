/**
 * `npm run bench -- [--sizes S,M,L] [--runs 5] [--database-url postgres://postgres@127.0.0.1:5432]
 *                   [--skip-data-api] [--regenerate] [--baseline-runs N] [--modes floor,report-pg,…]
 *                   [--skip-estate] [--skip-demo]`
 *
 * Generates (or reuses) the synthetic Kong databases, then per size measures, each in its own
 * child process: the floor, the report over pg, the report over the local Data API, the details
 * and the whole tar upload over the Data API, and Kong's per-row walk (the baseline); checks that
 * all of them count the same numbers; then times whole processes (bench/whole-process.ts): the
 * README's main command (dist/cli.mjs) against psql running the same aggregates and Kong's walk;
 * last, the demo line (bench/demo.ts): `--demo` against the same report through PostgreSQL.
 * Prints markdown tables and writes bench/out/results.json and bench/out/chart.svg.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { probeSchema } from "../lib/report/probe-schema.ts";
import { buildFactsStatement } from "../lib/report/read-kong-facts.ts";
import { monthIn, windowStart } from "../lib/report/reporting-month.ts";
import { toPositional } from "../lib/sql/named-params.ts";
import { createPgSqlPort } from "../lib/sql/pg-sql-port.ts";
import { renderChart } from "./chart.ts";
import type { ChildMode, ChildResult, ChildTask } from "./child.ts";
import { benchDemo, type DemoBenchResult, describeDemoBench } from "./demo.ts";
import { benchEstate, describeEstateBench, type EstateBenchResult } from "./estate.ts";
import { ensureBenchDatabase } from "./generate.ts";
import { diffNumbers, type ReportNumbers } from "./numbers.ts";
import { benchDatabaseName, parseSizes, SIZES, type SizeName, withDatabase } from "./sizes.ts";
import { measureWholeProcesses, renderWholeProcess, type WholeProcessTiming } from "./whole-process.ts";

interface Measurement {
  readonly mode: ChildMode;
  readonly label: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Round trips per run (Data API modes: requests the endpoint received per run). */
  readonly roundTrips: number;
  /** Data API modes: largest response on the wire; pg modes: largest result as JSON text. */
  readonly largestResponseBytes: number;
  readonly responseKind: "data-api" | "json";
  readonly maxRssBytes: number;
  readonly extra?: Record<string, number | string>;
}

interface SizeResult {
  readonly size: SizeName;
  readonly rows: (typeof SIZES)[SizeName];
  readonly database: string;
  readonly generatedSeconds: number;
  readonly measurements: Measurement[];
  readonly agreement: Record<string, string[]>;
}

const LABELS: Record<ChildMode, string> = {
  floor: "floor: plain counts (pg)",
  "config-fetch": "floor: lambda/kafka config fetch (pg)",
  "report-pg": "report over pg",
  "report-data-api": "report over Data API",
  "details-pg": "report + details over pg",
  "details-data-api": "report + details over Data API",
  "upload-pg": "tar upload (details, pg)",
  "upload-data-api": "tar upload (details, Data API)",
  baseline: "baseline: Kong's per-row walk (pg)",
};

const childScript = fileURLToPath(new URL("./child.ts", import.meta.url));
const outDir = fileURLToPath(new URL("./out/", import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "S,M,L" },
      runs: { type: "string", default: "5" },
      "baseline-runs": { type: "string" },
      "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
      "skip-data-api": { type: "boolean", default: false },
      modes: { type: "string" },
      regenerate: { type: "boolean", default: false },
      "skip-estate": { type: "boolean", default: false },
      "skip-demo": { type: "boolean", default: false },
    },
  });
  const sizes = parseSizes(values.sizes);
  const runs = positiveInteger(values.runs, "--runs");
  const baselineRuns =
    values["baseline-runs"] === undefined
      ? runs
      : positiveInteger(values["baseline-runs"], "--baseline-runs");
  const adminUrl = adminUrlOf(values["database-url"]);
  const useDataApi = !values["skip-data-api"];
  const onlyModes = values.modes === undefined ? undefined : parseModes(values.modes);
  const now = new Date();
  const environment = await describeEnvironment(adminUrl);
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim();
  log(`# ${command}\n# ${environment.summary}`);

  const results: SizeResult[] = [];
  const wholeProcesses: Array<{ size: SizeName; timings: WholeProcessTiming[] }> = [];
  for (const name of sizes) {
    const size = SIZES[name];
    log(`\n## ${name}: ${describeRows(size)}`);
    const ensured = await ensureBenchDatabase(adminUrl, size, { regenerate: values.regenerate, log });
    log(
      ensured.generated ? `generated in ${ensured.seconds.toFixed(0)} s` : "reusing the generated database",
    );
    const database = benchDatabaseName(name);
    const task = { url: ensured.url, database, now: now.toISOString() };
    const allModes: ChildMode[] = [
      "floor",
      "config-fetch",
      "report-pg",
      ...(useDataApi
        ? (["report-data-api", "details-data-api", "upload-data-api"] as const)
        : (["details-pg", "upload-pg"] as const)),
      "baseline",
    ];
    const modes = allModes.filter((mode) => onlyModes === undefined || onlyModes.includes(mode));
    const measured: Array<{ measurement: Measurement; numbers?: ReportNumbers }> = [];
    for (const mode of modes) {
      const modeRuns = mode === "baseline" ? baselineRuns : runs;
      const result = await measure({ ...task, mode, runs: modeRuns }, adminUrl);
      measured.push(result);
      const m = result.measurement;
      log(
        `${m.label}: median ${m.medianMs.toFixed(1)} ms, ${m.roundTrips} round trips, largest ${m.largestResponseBytes} B, peak RSS ${mb(m.maxRssBytes)} MB`,
      );
    }
    // The README's main command as a whole process, against psql and Kong's walk, in this one run.
    const wholeProcess = await measureWholeProcesses(ensured.url, database, now, runs, baselineRuns);
    wholeProcesses.push({ size: name, timings: wholeProcess });
    log(renderWholeProcess(name, wholeProcess));
    const explainFile = `${outDir}explain-${name}.txt`;
    await mkdir(outDir, { recursive: true });
    await writeFile(explainFile, await explainReportStatement(ensured.url, now));
    log(`EXPLAIN (ANALYZE, BUFFERS) of the report statement: ${explainFile}`);
    const agreement = checkAgreement(measured);
    for (const [pair, differences] of Object.entries(agreement)) {
      log(differences.length === 0 ? `agree: ${pair}` : `DISAGREE: ${pair}: ${differences.join("; ")}`);
    }
    results.push({
      size: name,
      rows: size,
      database,
      generatedSeconds: Math.round(ensured.seconds),
      measurements: measured.map((m) => m.measurement),
      agreement,
    });
  }

  // The estate line: ten copies of M, four at a time, against the slowest copy alone.
  let estate: EstateBenchResult | undefined;
  if (sizes.includes("M") && !values["skip-estate"]) {
    log("\n## estate: 10 × M at concurrency 4 (bench/estate.ts)");
    estate = await benchEstate(
      { adminUrl, copies: 10, concurrency: 4, template: benchDatabaseName("M") },
      log,
    );
    log(describeEstateBench(estate));
  }

  // The demo line: the README's first command against the same report through PostgreSQL.
  let demo: DemoBenchResult | undefined;
  if (!values["skip-demo"]) {
    log("\n## demo: --demo against the same report through PostgreSQL (bench/demo.ts)");
    demo = await benchDemo({ adminUrl, runs }, log);
    log(describeDemoBench(demo));
  }

  environment.loadAfter = loadavg().map((n) => Number(n.toFixed(2)));
  await mkdir(outDir, { recursive: true });
  await writeFile(
    `${outDir}results.json`,
    `${JSON.stringify({ command, startedAt: now.toISOString(), environment, runs, baselineRuns, results, wholeProcesses, estate, demo }, null, 2)}\n`,
  );
  await writeFile(`${outDir}chart.svg`, renderCharts(results, command));
  process.stdout.write(`\n${renderTable(results, command)}\n${renderSummary(results)}\n`);
  for (const { size, timings } of wholeProcesses)
    process.stdout.write(`\n${renderWholeProcess(size, timings)}\n`);
  if (estate !== undefined) process.stdout.write(`\n${describeEstateBench(estate)}\n`);
  if (demo !== undefined) process.stdout.write(`\n${describeDemoBench(demo)}\n`);
  log(`\nwrote ${outDir}results.json and ${outDir}chart.svg`);
  const disagree = Object.values(results).some((r) => Object.values(r.agreement).some((d) => d.length > 0));
  if (disagree || (demo !== undefined && demo.agree.length > 0)) {
    process.exitCode = 1;
  }
}

/** Runs one child (with its own Data API endpoint / S3 server when the mode needs them). */
async function measure(
  task: Omit<ChildTask, "dataApiUrl" | "s3">,
  adminUrl: string,
): Promise<{ measurement: Measurement; numbers?: ReportNumbers }> {
  const stops: Array<() => Promise<void>> = [];
  let dataApi: { url: string; calls(): number; maxResponseBytes(): number } | undefined;
  let s3: { endpoint: string; bucket: string } | undefined;
  try {
    if (task.mode.endsWith("data-api")) {
      const { startDataApiServer } = await import("../local/data-api/server.ts");
      const server = await startDataApiServer({ backend: { kind: "pg", connectionString: adminUrl } });
      stops.push(() => server.close());
      dataApi = server;
    }
    if (task.mode.startsWith("upload")) {
      const { startLocalS3 } = await import("../test/helpers/local-s3.ts");
      const bucket = "kong-bench-reports";
      const local = await startLocalS3([bucket]);
      stops.push(() => local.close());
      s3 = { endpoint: local.endpoint, bucket };
    }
    const child = await runChild({
      ...task,
      ...(dataApi === undefined ? {} : { dataApiUrl: dataApi.url }),
      ...(s3 === undefined ? {} : { s3 }),
    });
    const sorted = [...child.timesMs].sort((a, b) => a - b);
    const totalRuns = task.runs + 1;
    const measurement: Measurement = {
      mode: task.mode,
      label: LABELS[task.mode],
      runs: task.runs,
      medianMs: median(sorted),
      minMs: sorted[0] ?? 0,
      maxMs: sorted[sorted.length - 1] ?? 0,
      roundTrips: dataApi === undefined ? child.roundTrips : dataApi.calls() / totalRuns,
      largestResponseBytes: dataApi === undefined ? child.largestResultBytes : dataApi.maxResponseBytes(),
      responseKind: dataApi === undefined ? "json" : "data-api",
      maxRssBytes: child.maxRssBytes,
      ...(child.extra === undefined ? {} : { extra: child.extra }),
    };
    return { measurement, ...(child.numbers === undefined ? {} : { numbers: child.numbers }) };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

function runChild(task: ChildTask): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", childScript, JSON.stringify(task)],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${task.mode} on ${task.database} failed: ${stderr.trim() || error.message}`));
          return;
        }
        const line = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(line) as ChildResult);
        } catch {
          reject(new Error(`${task.mode} on ${task.database} printed no result: ${stdout.slice(0, 500)}`));
        }
      },
    );
  });
}

/** EXPLAIN (ANALYZE, BUFFERS, SETTINGS) of the report's main statement, exactly as the collector builds it. */
async function explainReportStatement(url: string, now: Date): Promise<string> {
  const port = createPgSqlPort({ connectionString: url });
  const schema = await probeSchema(port);
  await port.close();
  const statement = buildFactsStatement(schema);
  const start = windowStart(monthIn(now, "UTC"));
  const { text, values } = toPositional(
    statement,
    statement.includes(":min_year") ? { min_year: start.year, min_month: start.month } : {},
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${text}`,
      values,
    );
    return `-- ${statement.split("\n").join("\n-- ")}\n\n${rows.map((row) => row["QUERY PLAN"]).join("\n")}\n`;
  } finally {
    await client.end();
  }
}

/** Every path must count the same numbers; the baseline is Kong's own algorithm. */
function checkAgreement(
  measured: Array<{ measurement: Measurement; numbers?: ReportNumbers }>,
): Record<string, string[]> {
  const byMode = new Map(measured.map((m) => [m.measurement.mode, m.numbers]));
  const reference = byMode.get("report-pg");
  const agreement: Record<string, string[]> = {};
  if (reference === undefined) return agreement;
  for (const mode of ["baseline", "report-data-api", "details-data-api", "details-pg"] as const) {
    const other = byMode.get(mode);
    if (other !== undefined) agreement[`report-pg = ${mode}`] = diffNumbers(reference, other);
  }
  return agreement;
}

function renderTable(results: SizeResult[], command: string): string {
  const lines = [
    `Command: \`${command}\``,
    "",
    "| size | measured | median ms (min–max) | runs | round trips / report | largest response (B) | peak RSS (MB) | notes |",
    "|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const result of results) {
    for (const m of result.measurements) {
      const largest =
        m.responseKind === "data-api"
          ? `${m.largestResponseBytes} (wire)`
          : `${m.largestResponseBytes} (JSON)`;
      lines.push(
        `| ${result.size} | ${m.label} | ${m.medianMs.toFixed(1)} (${m.minMs.toFixed(1)}–${m.maxMs.toFixed(1)}) | ${m.runs} | ${formatTrips(m.roundTrips)} | ${largest} | ${mb(m.maxRssBytes)} | ${describeExtra(m)} |`,
      );
    }
  }
  return lines.join("\n");
}

function describeExtra(m: Measurement): string {
  const extra = m.extra ?? {};
  switch (m.mode) {
    case "baseline":
      return `${extra.route_lookups} route lookups`;
    case "config-fetch":
      return `${extra.candidates} rows, ${extra.bytes} B of config`;
    case "details-pg":
    case "details-data-api":
      return `${extra.workspaces} workspaces, details.json ${extra.details_json_bytes} B`;
    case "upload-pg":
    case "upload-data-api":
      return `tar ${extra.tar_bytes} B`;
    default:
      return "";
  }
}

function renderSummary(results: SizeResult[]): string {
  const lines = [
    "",
    "| size | report/floor | report/(floor + config fetch) | baseline/report | Data API calls | largest Data API response (B) | details: calls, largest (B) |",
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const result of results) {
    const get = (mode: ChildMode) => result.measurements.find((m) => m.mode === mode);
    const floor = get("floor");
    const fetch = get("config-fetch");
    const report = get("report-pg");
    const baseline = get("baseline");
    const viaApi = get("report-data-api");
    const details = get("details-data-api") ?? get("details-pg");
    const ratio = (a?: Measurement, b?: number) =>
      a === undefined || b === undefined || b === 0 ? "–" : `${(a.medianMs / b).toFixed(1)}×`;
    lines.push(
      `| ${result.size} | ${ratio(report, floor?.medianMs)} | ${ratio(report, floor === undefined || fetch === undefined ? undefined : floor.medianMs + fetch.medianMs)} | ${baseline === undefined || report === undefined ? "–" : `${(baseline.medianMs / report.medianMs).toFixed(0)}×`} | ${viaApi === undefined ? "–" : formatTrips(viaApi.roundTrips)} | ${viaApi?.largestResponseBytes ?? "–"} | ${details === undefined ? "–" : `${formatTrips(details.roundTrips)}, ${details.largestResponseBytes}`} |`,
    );
  }
  return lines.join("\n");
}

function renderCharts(results: SizeResult[], command: string): string {
  const styles: Array<{ mode: ChildMode; color: string; dashed?: boolean }> = [
    { mode: "baseline", color: "#d62728" },
    { mode: "upload-data-api", color: "#8c564b", dashed: true },
    { mode: "upload-pg", color: "#8c564b", dashed: true },
    { mode: "details-data-api", color: "#9467bd", dashed: true },
    { mode: "details-pg", color: "#9467bd", dashed: true },
    { mode: "report-data-api", color: "#ff7f0e" },
    { mode: "report-pg", color: "#1f77b4" },
    { mode: "config-fetch", color: "#7f7f7f", dashed: true },
    { mode: "floor", color: "#2ca02c", dashed: true },
  ];
  const present = styles.filter((s) => results.some((r) => r.measurements.some((m) => m.mode === s.mode)));
  const seriesOf = (pick: (m: Measurement) => number, modes: (mode: ChildMode) => boolean = () => true) =>
    present
      .filter((s) => modes(s.mode))
      .map((s) => ({
        label: LABELS[s.mode],
        color: s.color,
        ...(s.dashed === undefined ? {} : { dashed: s.dashed }),
        values: results.map((r) => {
          const m = r.measurements.find((candidate) => candidate.mode === s.mode);
          return m === undefined ? undefined : pick(m);
        }),
      }));
  const notFloor = (mode: ChildMode) => mode !== "floor" && mode !== "config-fetch";
  return renderChart({
    title: "License report against database size",
    subtitle: `${command} (medians; one child process per line and size)`,
    x: results.map((r) => ({
      value: r.rows.plugins,
      label: `${r.size} (${r.rows.plugins.toLocaleString("en")} plugins)`,
    })),
    xLabel: "database size (plugin rows, log scale)",
    panels: [
      { title: "Wall time per report (log scale)", formatY: formatMs, series: seriesOf((m) => m.medianMs) },
      {
        title: "Round trips per report (Data API calls for Data API lines; log scale)",
        formatY: (v) => String(v),
        series: seriesOf((m) => m.roundTrips, notFloor),
      },
      {
        title: "Largest response (Data API: bytes on the wire; pg: rows as JSON; log scale)",
        formatY: formatBytes,
        series: seriesOf((m) => m.largestResponseBytes, notFloor),
      },
      {
        title: "Peak RSS of the measured process (log scale)",
        formatY: (v) => `${v} MB`,
        series: seriesOf((m) => m.maxRssBytes / 1024 / 1024),
      },
    ],
  });
}

function formatMs(value: number): string {
  return value >= 1000 ? `${value / 1000} s` : `${value} ms`;
}

/** Decimal units: the ticks are powers of ten. */
function formatBytes(value: number): string {
  if (value >= 1e6) return `${value / 1e6} MB`;
  if (value >= 1e3) return `${value / 1e3} kB`;
  return `${value} B`;
}

interface Environment {
  summary: string;
  postgres: string;
  settings: Record<string, string>;
  cpus: number;
  node: string;
  loadBefore: number[];
  loadAfter?: number[];
}

async function describeEnvironment(adminUrl: string): Promise<Environment> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings
        WHERE name IN ('shared_buffers', 'work_mem', 'jit', 'jit_above_cost', 'max_parallel_workers_per_gather',
                       'effective_cache_size', 'random_page_cost') ORDER BY name`,
    );
    const version =
      (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "";
    const settings = Object.fromEntries(rows.map((row) => [row.name, row.setting]));
    const loadBefore = loadavg().map((n) => Number(n.toFixed(2)));
    return {
      summary: `PostgreSQL ${version} (${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}); ${cpus().length} CPUs; Node ${process.version}; load ${loadBefore.join(" ")}`,
      postgres: version,
      settings,
      cpus: cpus().length,
      node: process.version,
      loadBefore,
    };
  } finally {
    await client.end();
  }
}

function adminUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(
      `--database-url must point at a loopback PostgreSQL (the bench creates and drops databases), not ${url.hostname}.`,
    );
  }
  return url.pathname === "" || url.pathname === "/" ? withDatabase(databaseUrl, "postgres") : databaseUrl;
}

function describeRows(size: (typeof SIZES)[SizeName]): string {
  return `${size.services} services, ${size.routes} routes, ${size.plugins} plugins, ${size.workspaces} workspaces, ${size.consumers} consumers, license_data ${size.nodes} nodes × ${size.months} months`;
}

function parseModes(text: string): ChildMode[] {
  const modes = text.split(",").map((mode) => mode.trim());
  for (const mode of modes) {
    if (!(mode in LABELS)) {
      throw new Error(`Unknown mode "${mode}" in --modes: use ${Object.keys(LABELS).join(", ")}.`);
    }
  }
  return modes as ChildMode[];
}

function positiveInteger(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} must be a positive integer, not "${text}".`);
  return n;
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function formatTrips(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

await main();
