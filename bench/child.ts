/**
 * One measured collector, alone in its process so its peak RSS is its own:
 *   node --import tsx bench/child.ts '<ChildTask JSON>'
 * Runs the task once to warm up (and to record result sizes and numbers), then `runs` timed
 * times, and prints one JSON line (ChildResult) on stdout.
 */
import pg from "pg";
import { type CollectOptions, collectReport } from "../lib/collector/collect-report.ts";
import { createPgSqlPort } from "../lib/sql/pg-sql-port.ts";
import { countQueries, type SqlPort, wrapQueries } from "../lib/sql/port.ts";
import { runKongBaseline } from "./baseline.ts";
import { runConfigFetch, runFloor } from "./floor.ts";
import { numbersOfReport, type ReportNumbers } from "./numbers.ts";

export type ChildMode =
  | "floor"
  | "config-fetch"
  | "report-pg"
  | "report-data-api"
  | "details-pg"
  | "details-data-api"
  | "upload-data-api"
  | "upload-pg"
  | "baseline";

export interface ChildTask {
  readonly mode: ChildMode;
  /** PostgreSQL URL of the size's database. */
  readonly url: string;
  readonly database: string;
  /** The local Data API endpoint (data-api modes). */
  readonly dataApiUrl?: string;
  /** The local S3 endpoint and bucket (upload modes). */
  readonly s3?: { readonly endpoint: string; readonly bucket: string };
  readonly runs: number;
  /** Generation time of every report, so all modes count the same counter window. */
  readonly now: string;
}

export interface ChildResult {
  readonly mode: ChildMode;
  readonly timesMs: number[];
  readonly warmupMs: number;
  /** Round trips of one run, counted at the port (the Data API server counts its own). */
  readonly roundTrips: number;
  /** Largest result of the warm-up run as JSON text (pg modes: what a response would carry). */
  readonly largestResultBytes: number;
  readonly numbers?: ReportNumbers;
  /** Peak resident set size of this process. */
  readonly maxRssBytes: number;
  readonly extra?: Record<string, number | string>;
}

const DATA_API_ARNS = {
  resourceArn: "arn:aws:rds:us-east-1:123456789012:cluster:kong-bench",
  secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-bench-AbCdEf",
} as const;
const BENCH_CREDENTIALS = { accessKeyId: "BENCH", secretAccessKey: "BENCH" } as const;

/** A port that can JSON-size its results (warm-up only: sizing costs time). */
function measureResults(port: SqlPort): SqlPort & { measuring: boolean; largest: number } {
  const wrapper = {
    measuring: false,
    largest: 0,
    ...wrapQueries(port, (query) => async (...args) => {
      const rows = await query(...args);
      if (wrapper.measuring)
        wrapper.largest = Math.max(wrapper.largest, Buffer.byteLength(JSON.stringify(rows)));
      return rows;
    }),
  };
  return wrapper;
}

async function openPort(task: ChildTask, transport: "pg" | "data-api"): Promise<SqlPort> {
  if (transport === "pg") return createPgSqlPort({ connectionString: task.url });
  if (task.dataApiUrl === undefined) throw new Error(`${task.mode} needs dataApiUrl`);
  // Imported here so pg-only children never load the AWS SDK (its memory would count).
  const { createRdsDataClient } = await import("../lib/aws/clients.ts");
  const { createRdsDataSqlPort } = await import("../lib/aws/rds-data-sql-port.ts");
  const client = createRdsDataClient({
    endpoint: task.dataApiUrl,
    region: "us-east-1",
    credentials: BENCH_CREDENTIALS,
  });
  return createRdsDataSqlPort({ client, ...DATA_API_ARNS, database: task.database, ownsClient: true });
}

interface Runner {
  run(warmup: boolean): Promise<{ numbers?: ReportNumbers; extra?: Record<string, number | string> }>;
  roundTrips(): number;
  largest(): number;
  close(): Promise<void>;
}

async function createRunner(task: ChildTask): Promise<Runner> {
  const options: CollectOptions = { now: new Date(task.now) };
  if (task.mode === "baseline") {
    const client = new pg.Client({ connectionString: task.url });
    await client.connect();
    let last = { roundTrips: 0, largest: 0 };
    return {
      async run(warmup) {
        const result = await runKongBaseline(client, { now: options.now as Date, measureBytes: warmup });
        last = { roundTrips: result.roundTrips, largest: warmup ? result.largestPageBytes : last.largest };
        return { numbers: result.numbers, extra: { route_lookups: result.routeLookups } };
      },
      roundTrips: () => last.roundTrips,
      largest: () => last.largest,
      close: () => client.end(),
    };
  }

  const transport = task.mode.endsWith("data-api") ? "data-api" : "pg";
  const measured = measureResults(await openPort(task, transport));
  const counted = countQueries(measured);
  let callsBefore = 0;
  let callsPerRun = 0;
  const track = async <T>(body: () => Promise<T>, warmup: boolean): Promise<T> => {
    measured.measuring = warmup;
    callsBefore = counted.calls();
    try {
      return await body();
    } finally {
      callsPerRun = counted.calls() - callsBefore;
      measured.measuring = false;
    }
  };
  const base = {
    roundTrips: () => callsPerRun,
    largest: () => measured.largest,
    close: () => counted.close(),
  };
  switch (task.mode) {
    case "floor":
      return {
        ...base,
        run: (warmup) => track(async () => ({ extra: textOnly(await runFloor(counted)) }), warmup),
      };
    case "config-fetch":
      return {
        ...base,
        run: (warmup) => track(async () => ({ extra: textOnly(await runConfigFetch(counted)) }), warmup),
      };
    case "report-pg":
    case "report-data-api":
      return {
        ...base,
        run: (warmup) =>
          track(
            async () => ({ numbers: numbersOfReport((await collectReport(counted, options)).report) }),
            warmup,
          ),
      };
    case "details-pg":
    case "details-data-api":
      return {
        ...base,
        run: (warmup) =>
          track(async () => {
            const collected = await collectReport(counted, { ...options, details: {} });
            return {
              numbers: numbersOfReport(collected.report),
              extra: {
                workspaces: collected.details.workspaces?.length ?? 0,
                details_json_bytes: Buffer.byteLength(JSON.stringify(collected.details)),
              },
            };
          }, warmup),
      };
    case "upload-pg":
    case "upload-data-api":
      return { ...base, run: await createUploadRun(task, counted, options, track) };
  }
}

function textOnly(row: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value ?? ""]));
}

/** The whole Lambda use case: collect with details, tar, stream to S3 (local s3rver). */
async function createUploadRun(
  task: ChildTask,
  sql: SqlPort,
  options: CollectOptions,
  track: <T>(body: () => Promise<T>, warmup: boolean) => Promise<T>,
): Promise<Runner["run"]> {
  if (task.s3 === undefined) throw new Error(`${task.mode} needs s3`);
  const { generateReport } = await import("../lib/use-cases/generate-report.ts");
  const { createS3Client, createS3ReportStore } = await import("../lib/aws/s3-report-store.ts");
  const client = createS3Client({
    endpoint: task.s3.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  const store = createS3ReportStore({ client, bucket: task.s3.bucket });
  let run = 0;
  return (warmup) =>
    track(async () => {
      run += 1;
      const link = await generateReport({
        sql,
        store,
        format: "tar",
        details: true,
        collect: { now: options.now as Date },
        prefix: `bench/${task.database}/`,
        urlTtlSeconds: 3600,
        uniqueId: () => `run-${run}`,
        trigger: "cli",
        // A cluster of its own per run: each run pays the two listing calls, never earlier runs' downloads.
        cluster: { name: `bench-run-${run}`, segment: `bench-run-${run}` },
      });
      return { extra: { tar_bytes: link.bytes } };
    }, warmup);
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? "{}") as ChildTask;
  const runner = await createRunner(task);
  try {
    const warmStarted = performance.now();
    const first = await runner.run(true);
    const warmupMs = performance.now() - warmStarted;
    const roundTrips = runner.roundTrips();
    const timesMs: number[] = [];
    for (let i = 0; i < task.runs; i += 1) {
      const started = performance.now();
      await runner.run(false);
      timesMs.push(performance.now() - started);
    }
    const result: ChildResult = {
      mode: task.mode,
      timesMs,
      warmupMs,
      roundTrips,
      largestResultBytes: runner.largest(),
      ...(first.numbers === undefined ? {} : { numbers: first.numbers }),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(first.extra === undefined ? {} : { extra: first.extra }),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await runner.close();
  }
}

await main();
