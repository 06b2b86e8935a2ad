/**
 * Where GET /license/estate stops running in-process (ESTATE_INLINE_MAX): the whole in-process estate
 * (runEstateInProcess: every environment through the local Data API endpoint with details and its
 * discrete services, estate.json, the tar) for 1, 2, 4, … copies of one benchmark database at
 * concurrency 4, until one run passes the budget (default 25 s of API Gateway's 30 s).
 *
 *   npx tsx bench/estate-inline.ts [--database-url postgres://postgres@127.0.0.1:5432] [--sizes S,M]
 *                                  [--budget-seconds 25] [--concurrency 4]
 *
 * Reads the shared kong_bench_<size> databases (never writes them). Prints a markdown table.
 */
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { openDatabasePort } from "../lib/compose/open-database-port.ts";
import { parseEnvironmentsFile } from "../lib/estate/environments-file.ts";
import type { ReportStore } from "../lib/store/report-store.ts";
import { runEstateInProcess } from "../lib/use-cases/run-estate-in-process.ts";
import { startDataApiServer } from "../local/data-api/server.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
process.env.AWS_ACCESS_KEY_ID ??= "bench";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";
process.env.AWS_REGION ??= "us-east-1";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    sizes: { type: "string", default: "S,M" },
    "budget-seconds": { type: "string", default: "25" },
    concurrency: { type: "string", default: "4" },
  },
});
const budgetMs = Number(values["budget-seconds"]) * 1000;
const concurrency = Number(values.concurrency);
const ARNS = {
  resource_arn: "arn:aws:rds:us-east-1:000000000000:cluster:bench",
  secret_arn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:bench-AbCdEf",
};

/** Takes the bytes and forgets them: the upload to S3 is not what decides the line. */
const store: ReportStore = {
  bucket: "bench",
  async upload(object) {
    await pipeline(object.body, new Writable({ write: (_chunk, _encoding, done) => done() }));
    return { bucket: "bench", key: object.key };
  },
  async presign() {
    return { url: "https://bench.invalid/estate", expiresAt: new Date(Date.now() + 60_000) };
  },
  // An in-process estate never lists or reads back.
  list: () => Promise.reject(new Error("not used by the in-process estate")),
  read: () => Promise.reject(new Error("not used by the in-process estate")),
};

async function measureSize(size: string): Promise<void> {
  const database = `kong_bench_${size.toLowerCase()}`;
  const url = new URL(values["database-url"] ?? "");
  url.pathname = `/${database}`;
  const server = await startDataApiServer({
    backend: { kind: "pg", connectionString: url.toString() },
    resourceArn: ARNS.resource_arn,
    secretArn: ARNS.secret_arn,
  });
  const run = async (count: number) => {
    const file = {
      environments: Array.from({ length: count }, (_, index) => ({
        environment: `copy-${index + 1}`,
        data_api: { ...ARNS, database, endpoint: server.url },
      })),
    };
    const config = parseEnvironmentsFile(JSON.stringify(file), {
      fileName: "bench",
      references: { kind: "environment", env: {} },
    });
    const started = performance.now();
    const link = await runEstateInProcess(
      { format: "tar", includeDetails: false },
      {
        config,
        openPort: async (source) => openDatabasePort(source as never),
        store,
        timeZone: "UTC",
        prefix: "bench/",
        concurrency,
        urlTtlSeconds: 60,
      },
    );
    if (link.environments_reported !== count)
      throw new Error(`only ${link.environments_reported}/${count} reported`);
    return { ms: performance.now() - started, bytes: link.bytes };
  };
  try {
    await run(1); // warm-up: connections, JIT
    const rows: string[] = [];
    let fits = 0;
    for (const count of [1, 2, 4, 8, 12, 16, 24, 32, 48, 64]) {
      const { ms, bytes } = await run(count);
      rows.push(
        `| ${size} | ${count} | ${concurrency} | ${(ms / 1000).toFixed(2)} | ${(ms / count / 1000).toFixed(2)} | ${(bytes / 1024).toFixed(0)} |`,
      );
      if (ms > budgetMs) break;
      fits = count;
    }
    console.log("| size | environments | concurrency | wall s | s per environment | tar KiB |");
    console.log("|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log(`\n${size}: the largest count measured within ${budgetMs / 1000} s is ${fits}\n`);
  } finally {
    await server.close();
  }
}

for (const size of (values.sizes ?? "").split(",")) await measureSize(size.trim());
