/**
 * The demo line of `npm run bench`: the README's main command on the embedded demo database
 * (`node dist/cli.mjs generate --demo`) against the same report of the same data through a real
 * PostgreSQL (`--database-url`), whole processes, wall time and peak RSS side by side, as ratios.
 * Then where the demo's time and memory go, phase by phase, in a child process of its own.
 *
 *   npm run bench:demo                          (builds dist/ first)
 *   npx tsx bench/demo.ts [--runs 5] [--database-url postgres://postgres@127.0.0.1:5432]
 *
 * The PostgreSQL side loads lib/demo/schema.sql and seed.sql into a database of its own,
 * klr_demo_bench_<random>, and drops it at the end. Peak RSS comes from GNU time (/usr/bin/time).
 * Runs are interleaved, so a change of load hits both commands alike.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import pg from "pg";
import { DEMO_SNAPSHOT_FILE } from "../lib/demo/demo-snapshot.ts";
import { readDemoSql } from "../lib/demo/open-demo-database.ts";
import type { LicenseReport } from "../lib/report/types.ts";
import { diffNumbers, numbersOfReport } from "./numbers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist", "cli.mjs");
const gnuTime = "/usr/bin/time";

export interface ProcessSample {
  readonly wallMs: number;
  readonly maxRssKb: number;
}

export interface DemoBenchResult {
  readonly runs: number;
  readonly demo: { readonly medianWallMs: number; readonly medianMaxRssKb: number };
  readonly postgres: { readonly medianWallMs: number; readonly medianMaxRssKb: number };
  readonly wallRatio: number;
  readonly rssRatio: number;
  readonly agree: readonly string[];
  readonly phases: DemoPhases;
  readonly load: { readonly before: number[]; readonly after: number[] };
}

import { buildPsqlScript } from "./whole-process.ts";

/** What bench/demo-phases.mjs prints: each step's time and the RSS after it, the heap, the peak. */
export interface DemoPhases {
  readonly steps: ReadonlyArray<{ readonly step: string; readonly ms: number; readonly rssMb: number }>;
  readonly wasmHeapMb: number;
  readonly dataDirectoryMb: number;
  readonly maxRssMb: number;
}

/** Runs the demo line: both commands `runs` times, interleaved, then the phases child. */
export async function benchDemo(
  options: { readonly adminUrl: string; readonly runs: number },
  log: (line: string) => void,
): Promise<DemoBenchResult> {
  for (const file of [cli, join(root, "dist", DEMO_SNAPSHOT_FILE)]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build.`);
  }
  if (!existsSync(gnuTime)) throw new Error(`${gnuTime} (GNU time) is missing: apt-get install time.`);
  const before = loadavg().map((n) => Number(n.toFixed(2)));
  const database = `klr_demo_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  const folder = await mkdtemp(join(tmpdir(), "klr-demo-bench-"));
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(options.adminUrl);
    url.pathname = `/${database}`;
    const loader = new pg.Client({ connectionString: url.href });
    await loader.connect();
    try {
      await loader.query(await readDemoSql());
    } finally {
      await loader.end();
    }
    const commands = {
      demo: ["generate", "--demo", "--out", join(folder, "demo.json")],
      postgres: ["generate", "--database-url", url.href, "--out", join(folder, "postgres.json")],
    };
    const samples: Record<keyof typeof commands, ProcessSample[]> = { demo: [], postgres: [] };
    for (let run = 0; run < options.runs; run += 1) {
      for (const name of ["demo", "postgres"] as const) {
        const sample = await timeProcess([cli, ...commands[name]], join(folder, `${name}.time`));
        samples[name].push(sample);
        log(
          `${name} run ${run + 1}: ${sample.wallMs.toFixed(0)} ms, ${(sample.maxRssKb / 1024).toFixed(0)} MB`,
        );
      }
    }
    const read = async (name: string) =>
      numbersOfReport(JSON.parse(await readFile(join(folder, `${name}.json`), "utf8")) as LicenseReport);
    const agree = diffNumbers(await read("demo"), await read("postgres"));
    const demo = medians(samples.demo);
    const postgres = medians(samples.postgres);
    const phases = await measurePhases(url.href, folder);
    return {
      runs: options.runs,
      demo,
      postgres,
      wallRatio: demo.medianWallMs / postgres.medianWallMs,
      rssRatio: demo.medianMaxRssKb / postgres.medianMaxRssKb,
      agree,
      phases,
      load: { before, after: loadavg().map((n) => Number(n.toFixed(2))) },
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await admin.end();
    await rm(folder, { recursive: true, force: true });
  }
}

/** The demo line as markdown: both commands side by side, the ratios, then the phases. */
export function describeDemoBench(result: DemoBenchResult): string {
  const mb = (kb: number) => (kb / 1024).toFixed(0);
  const { demo, postgres } = result;
  return [
    `| whole process, ${result.runs} runs, medians | wall (ms) | peak RSS (MB) |`,
    "| --- | ---: | ---: |",
    `| \`node dist/cli.mjs generate --demo\` | ${demo.medianWallMs.toFixed(0)} | ${mb(demo.medianMaxRssKb)} |`,
    `| \`node dist/cli.mjs generate --database-url …\` (PostgreSQL, same data) | ${postgres.medianWallMs.toFixed(0)} | ${mb(postgres.medianMaxRssKb)} |`,
    `| demo / PostgreSQL | ${result.wallRatio.toFixed(2)}× (target ≤ 2×) | ${result.rssRatio.toFixed(2)}× (${mb(demo.medianMaxRssKb)} MB, target ≤ 300 MB) |`,
    "",
    `numbers: ${result.agree.length === 0 ? "agree" : `DISAGREE: ${result.agree.join("; ")}`}; load average ${result.load.before.join(" ")} → ${result.load.after.join(" ")}`,
    "",
    "| demo phase (one process) | ms | RSS after (MB) |",
    "| --- | ---: | ---: |",
    ...result.phases.steps.map((s) => `| ${s.step} | ${s.ms.toFixed(0)} | ${s.rssMb.toFixed(0)} |`),
    "",
    `WebAssembly heap ${result.phases.wasmHeapMb.toFixed(0)} MB, data directory ${result.phases.dataDirectoryMb.toFixed(1)} MB unpacked, peak RSS ${result.phases.maxRssMb.toFixed(0)} MB.`,
  ].join("\n");
}

function medians(samples: readonly ProcessSample[]): { medianWallMs: number; medianMaxRssKb: number } {
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    medianWallMs: middle(samples.map((s) => s.wallMs)),
    medianMaxRssKb: middle(samples.map((s) => s.maxRssKb)),
  };
}

/** One run under GNU time: wall from spawn to exit (this process's clock), peak RSS from time. */
function timeProcess(args: readonly string[], timeFile: string): Promise<ProcessSample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(gnuTime, ["-f", "%M", "-o", timeFile, process.execPath, ...args], {
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
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`${args.slice(1, 3).join(" ")} exited ${code}: ${stderr.trim().slice(0, 500)}`));
        return;
      }
      readFile(timeFile, "utf8").then(
        (text) => resolve({ wallMs, maxRssKb: Number(text.trim().split("\n").pop()) }),
        reject,
      );
    });
  });
}

const execFileAsync = promisify(execFile);

/**
 * Runs bench/demo-phases.mjs in a plain Node child (alone in its process, so its memory is the
 * demo's own) with the report's SQL as the collector builds it for this data.
 */
async function measurePhases(url: string, folder: string): Promise<DemoPhases> {
  const sqlFile = join(folder, "report.sql");
  await writeFile(sqlFile, await buildPsqlScript(url, new Date()));
  const script = fileURLToPath(new URL("./demo-phases.mjs", import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, [script, sqlFile]);
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as DemoPhases;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
    },
  });
  const host = new URL(values["database-url"]).hostname;
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) {
    throw new Error(
      `--database-url must point at a loopback PostgreSQL (the bench creates a database), not ${host}.`,
    );
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a whole number ≥ 1, not ${values.runs}`);
  const result = await benchDemo({ adminUrl: values["database-url"], runs }, (line) =>
    process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${describeDemoBench(result)}\n`);
  if (result.agree.length > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
