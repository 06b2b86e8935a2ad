/**
 * The estate line of `npm run bench`: COPIES environments that are copies of the size-M database
 * (klr_estate_m1.. made with CREATE DATABASE … TEMPLATE kong_bench_m), collected CONCURRENCY at a
 * time, against the slowest of the same environments collected alone; peak RSS of each phase.
 *
 *   npx tsx bench/estate.ts [--database-url postgres://postgres@127.0.0.1:5432] [--copies 10]
 *                           [--concurrency 4] [--template kong_bench_m] [--drop]
 *
 * Each phase runs in its own child process (`--phase singles|estate`), so peak RSS is the phase's.
 * Prints one JSON object on stdout (the child) or a summary line (the parent).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import pg from "pg";
import { openEnvironmentPort } from "../lib/compose/open-source.ts";
import { buildEstate } from "../lib/estate/build-estate.ts";
import { collectEnvironment, collectEstate } from "../lib/estate/collect-estate.ts";
import type { EstateConfig } from "../lib/estate/types.ts";
import { buildEstateFiles } from "../lib/output/estate-files.ts";

const run = promisify(execFile);
const AS_OF = "2026-11";

export interface EstateBenchResult {
  readonly copies: number;
  readonly concurrency: number;
  readonly template: string;
  /** Each environment alone, in order (ms). */
  readonly singlesMs: number[];
  readonly slowestSingleMs: number;
  readonly estateMs: number;
  readonly ratio: number;
  readonly singlesPeakRssBytes: number;
  readonly estatePeakRssBytes: number;
  readonly servicesPerEnvironment: number;
  readonly estateServices: number;
  readonly estateBytes: number;
}

interface Options {
  readonly adminUrl: string;
  readonly copies: number;
  readonly concurrency: number;
  readonly template: string;
}

export function estateDatabaseName(index: number): string {
  return `klr_estate_m${index}`;
}

function urlOf(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function configOf(options: Options): EstateConfig {
  return {
    environments: Array.from({ length: options.copies }, (_, i) => ({
      name: `m${i + 1}`,
      source: {
        kind: "postgres" as const,
        url: urlOf(options.adminUrl, estateDatabaseName(i + 1)),
        settings: "environments-file" as const,
      },
      node: {},
      secrets: [],
    })),
    discrete: [],
  };
}

/** Creates the copies that do not exist yet; the template must have no other session. */
export async function ensureEstateDatabases(options: Options, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: urlOf(options.adminUrl, "postgres") });
  await client.connect();
  try {
    const existing = new Set(
      (await client.query<{ datname: string }>("SELECT datname FROM pg_database")).rows.map((r) => r.datname),
    );
    if (!existing.has(options.template)) {
      throw new Error(`${options.template} does not exist: run npm run bench -- --sizes M first.`);
    }
    for (let i = 1; i <= options.copies; i += 1) {
      const name = estateDatabaseName(i);
      if (existing.has(name)) continue;
      const started = performance.now();
      await client.query(`CREATE DATABASE ${name} TEMPLATE ${options.template}`);
      log(
        `created ${name} from ${options.template} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await client.end();
  }
}

export async function dropEstateDatabases(options: Options): Promise<void> {
  const client = new pg.Client({ connectionString: urlOf(options.adminUrl, "postgres") });
  await client.connect();
  try {
    for (let i = 1; i <= options.copies; i += 1) {
      await client.query(`DROP DATABASE IF EXISTS ${estateDatabaseName(i)}`);
    }
  } finally {
    await client.end();
  }
}

async function runSingles(options: Options): Promise<Record<string, unknown>> {
  const config = configOf(options);
  const times: number[] = [];
  let services = 0;
  for (const spec of config.environments) {
    const started = performance.now();
    const outcome = await collectEnvironment(spec, { openPort: openEnvironmentPort, asOf: AS_OF });
    times.push(performance.now() - started);
    if (outcome.status !== "ok") throw new Error(`${spec.name} failed: ${outcome.error}`);
    if (!("report" in outcome)) throw new Error(`${spec.name} has no report`);
    services = outcome.report.services_count;
  }
  return { times, services, rss: process.resourceUsage().maxRSS * 1024 };
}

async function runEstate(options: Options): Promise<Record<string, unknown>> {
  const config = configOf(options);
  const started = performance.now();
  const outcomes = await collectEstate(config, {
    openPort: openEnvironmentPort,
    asOf: AS_OF,
    concurrency: options.concurrency,
  });
  const estate = buildEstate(outcomes, { asOf: AS_OF, generatedAt: new Date() });
  const bytes = buildEstateFiles(estate, "tar").reduce((sum, file) => sum + file.content.byteLength, 0);
  const ms = performance.now() - started;
  const failed = outcomes.filter((outcome) => outcome.status === "failed");
  if (failed.length > 0) throw new Error(`${failed.length} environment(s) failed`);
  return { ms, services: estate.totals.services_count, bytes, rss: process.resourceUsage().maxRSS * 1024 };
}

async function runPhase(phase: string, options: Options): Promise<Record<string, unknown>> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      script,
      "--phase",
      phase,
      "--database-url",
      options.adminUrl,
      "--copies",
      String(options.copies),
      "--concurrency",
      String(options.concurrency),
      "--template",
      options.template,
    ],
    {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Creates the copies if needed, then measures both phases, each in its own process. */
export async function benchEstate(options: Options, log: (line: string) => void): Promise<EstateBenchResult> {
  await ensureEstateDatabases(options, log);
  const singles = await runPhase("singles", options);
  const estate = await runPhase("estate", options);
  const singlesMs = (singles.times as number[]).map((ms) => Math.round(ms));
  const slowestSingleMs = Math.max(...singlesMs);
  const estateMs = Math.round(estate.ms as number);
  return {
    copies: options.copies,
    concurrency: options.concurrency,
    template: options.template,
    singlesMs,
    slowestSingleMs,
    estateMs,
    ratio: Number((estateMs / slowestSingleMs).toFixed(2)),
    singlesPeakRssBytes: singles.rss as number,
    estatePeakRssBytes: estate.rss as number,
    servicesPerEnvironment: singles.services as number,
    estateServices: estate.services as number,
    estateBytes: estate.bytes as number,
  };
}

export function describeEstateBench(result: EstateBenchResult): string {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const agree = result.estateServices === result.servicesPerEnvironment * result.copies;
  return `estate: ${result.copies} × M (${result.template}) at concurrency ${result.concurrency}: ${(result.estateMs / 1000).toFixed(1)} s wall vs slowest single ${(result.slowestSingleMs / 1000).toFixed(1)} s = ${result.ratio}× (target ≤ 1.5×); peak RSS ${mb(result.estatePeakRssBytes)} MB (one environment at a time: ${mb(result.singlesPeakRssBytes)} MB); singles ${result.singlesMs.map((ms) => (ms / 1000).toFixed(1)).join(", ")} s; services ${result.estateServices} = ${result.copies} × ${result.servicesPerEnvironment}: ${agree ? "agree" : "DISAGREE"}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phase: { type: "string" },
      "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
      copies: { type: "string", default: "10" },
      concurrency: { type: "string", default: "4" },
      template: { type: "string", default: "kong_bench_m" },
      drop: { type: "boolean", default: false },
    },
  });
  const options: Options = {
    adminUrl: values["database-url"],
    copies: Number(values.copies),
    concurrency: Number(values.concurrency),
    template: values.template,
  };
  if (values.phase === "singles" || values.phase === "estate") {
    const result = values.phase === "singles" ? await runSingles(options) : await runEstate(options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (values.drop) {
    await dropEstateDatabases(options);
    process.stderr.write(`dropped ${options.copies} estate copies\n`);
    return;
  }
  const result = await benchEstate(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${describeEstateBench(result)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
