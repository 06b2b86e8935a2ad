/**
 * The estate state machine past one Map: 100, 250, 500 and 1,000 environments across 50 AWS accounts
 * (one cross-account role each), run through the real plan and aggregate steps (handlers/
 * estate-aggregate.ts, with the SigV4-checking local S3), and the Distributed Map's collect results in
 * between as Step Functions' ResultWriter writes them. Prints how long planning and aggregating take
 * (and their ratios to the smallest estate: linear growth keeps the per-environment time flat) and the
 * largest payload of every state.
 *
 *   npx tsx bench/estate-distributed.ts [--sizes 100,250,500,1000] [--repeat 5]
 *
 * Each step is timed as the median of --repeat runs after a warm-up run (the planning step, much
 * shorter, 4 × --repeat runs): on a shared machine one run says little.
 *
 * The collect step itself runs for real on a sample: five environments of each estate are read from
 * the embedded demo database behind a local Data API endpoint, by the ASL file's own ItemProcessor
 * (aws-local-stepfunctions) with the real collect handler, through local/step-functions.ts's Distributed
 * Map (ItemReader, child executions, ResultWriter). The other environments' stored reports and
 * results are copies of a sample one, renamed: they reach no database (there are none to reach).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import S3rver from "@20minutes/s3rver";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { PGlite } from "@electric-sql/pglite";
import { createEstateAggregateHandler } from "../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../handlers/estate-collect.ts";
import { createS3Client } from "../lib/aws/s3-report-store.ts";
import { readDemoSql } from "../lib/demo/open-demo-database.ts";
import { createLogger } from "../lib/log.ts";
import type { EstateStepLink } from "../lib/use-cases/aggregate-estate.ts";
import { parseConfiguredEnvironments } from "../lib/use-cases/estate-inputs.ts";
import { planEstate, type StateMachinePlan } from "../lib/use-cases/plan-estate.ts";
import { startDataApiServer } from "../local/data-api/server.ts";
import { installBucketPathSignatureFix } from "../local/s3rver-bucket-paths.ts";
import {
  FUNCTION_ARNS,
  type LambdaHandler,
  lambdaContext,
  lambdaInvokeResolver,
  readDefinition,
  runDistributedMap,
} from "../local/step-functions.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,250,500,1000" },
    repeat: { type: "string", default: "5" },
  },
});
const sizes = (values.sizes ?? "").split(",").map(Number);
const repeat = Number(values.repeat);
const ACCOUNTS = 50;
const SAMPLE = 5;
const BUCKET = "kong-license-reports-bench";
const CONFIG_BUCKET = "kong-config-bench";
const ENVIRONMENTS_KEY = "estate/environments.json";

const account = (index: number) => String(210000000000 + (index % ACCOUNTS)).padStart(12, "0");
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

installBucketPathSignatureFix();
const directory = await mkdtemp(join(tmpdir(), "estate-distributed-"));
const s3rver = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: BUCKET }, { name: CONFIG_BUCKET }],
});
const s3Endpoint = `http://127.0.0.1:${((await s3rver.run()) as AddressInfo).port}`;
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_REGION: "us-east-1",
});
const s3 = createS3Client({ endpoint: s3Endpoint, region: "us-east-1" });
const put = (bucket: string, key: string, body: string) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }));
const read = async (key: string) =>
  (await (
    await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
  ).Body?.transformToString("utf8")) ?? "";

const db = await PGlite.create();
await db.exec(await readDemoSql());
const dataApi = await startDataApiServer({ backend: { kind: "pglite", db } });

/** `count` environments in 50 accounts: the first SAMPLE reachable (the demo), the rest cross-account clusters. */
function environmentsFile(count: number) {
  return {
    environments: Array.from({ length: count }, (_, index) => {
      const name = `env-${String(index + 1).padStart(4, "0")}`;
      if (index < SAMPLE) {
        return {
          environment: name,
          data_api: {
            resource_arn: "arn:aws:rds:us-east-1:123456789012:cluster:kong-demo",
            secret_arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-demo-AbCdEf",
            database: "postgres",
            endpoint: dataApi.url,
          },
        };
      }
      return {
        environment: name,
        data_api: {
          resource_arn: `arn:aws:rds:us-east-1:${account(index)}:cluster:kong-${index}`,
          secret_arn: `arn:aws:secretsmanager:us-east-1:${account(index)}:secret:kong-${index}-AbCdEf`,
          database: "kong",
          role_arn: `arn:aws:iam::${account(index)}:role/kong-license-report-reader`,
          external_id: "kong-estate",
        },
      };
    }),
  };
}

const env = {
  AWS_ENDPOINT_URL_S3: s3Endpoint,
  REPORT_BUCKET: BUCKET,
  REPORT_PREFIX: "license-reports/",
  ESTATE_ENVIRONMENTS: `s3://${CONFIG_BUCKET}/${ENVIRONMENTS_KEY}`,
  ESTATE_CONCURRENCY: "40",
};
const logger = createLogger({ level: "error", write: () => undefined });
const functions: Record<string, LambdaHandler> = {
  [FUNCTION_ARNS.EstateCollectFunctionArn]: createEstateCollectHandler({ env, logger })
    .handler as LambdaHandler,
  [FUNCTION_ARNS.EstateAggregateFunctionArn]: createEstateAggregateHandler({ env, logger })
    .handler as LambdaHandler,
};
const aggregateHandler = functions[FUNCTION_ARNS.EstateAggregateFunctionArn] as LambdaHandler;
const context = () => lambdaContext(FUNCTION_ARNS.EstateAggregateFunctionArn, 300_000) as never;
const mapState = (readDefinition() as { States: Record<string, Record<string, unknown>> }).States
  .CollectManyEnvironments as Record<string, unknown>;

interface Row {
  size: number;
  /** CPU ms of the plan's own work, without S3: validate the file, plan, serialise the items. */
  planWorkCpuMs: number;
  planMs: number;
  planCpuMs: number;
  aggregateMs: number;
  aggregateCpuMs: number;
  payloads: Record<string, number>;
  inlineOutcomesBytes: number;
  link: EstateStepLink;
}

/**
 * The median of `runs` runs (after one warm-up run: the first invocation of a container reads its
 * code), as wall time and as this process's CPU time (the local S3 runs in it too). On a shared
 * machine the CPU time is the steadier measure of the work done.
 */
async function timed<T>(
  work: () => Promise<T>,
  runs = repeat,
): Promise<{ value: T; ms: number; cpuMs: number }> {
  let value = await work();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    value = await work();
    const used = process.cpuUsage(cpu);
    walls.push(performance.now() - started);
    cpus.push((used.user + used.system) / 1000);
  }
  const median = (list: number[]) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  return { value, ms: median(walls), cpuMs: median(cpus) };
}

async function measure(size: number): Promise<Row> {
  const fileText = JSON.stringify(environmentsFile(size));
  await put(CONFIG_BUCKET, ENVIRONMENTS_KEY, fileText);
  const planWork = await timed(async () => {
    const config = parseConfiguredEnvironments({ text: fileText, fileName: "bench" });
    const { environments } = planEstate({
      request: { format: "tar", includeDetails: false },
      config,
      timeZone: "UTC",
      prefix: "license-reports/",
      concurrency: 40,
    });
    return JSON.stringify(environments).length;
  }, 8 * repeat);
  // PlanEstate (each run plans a run of its own; the last one is used).
  const planInput = { step: "plan", request: { format: "tar" }, execution: `bench-${size}` };
  const planned = await timed(
    async () => (await aggregateHandler(planInput as never, context())) as StateMachinePlan,
  );
  const plan = planned.value;

  // The collect step for real on the sample: the Distributed Map's own ItemProcessor over SAMPLE items.
  const sampleKey = `${plan.run.prefix}plan/sample.json`;
  const items = JSON.parse(await read(plan.items.key)) as { environment: string }[];
  await put(BUCKET, sampleKey, JSON.stringify(items.slice(0, SAMPLE)));
  const invoke = lambdaInvokeResolver(functions);
  const sample = await runDistributedMap(
    mapState,
    { ...plan, items: { bucket: BUCKET, key: sampleKey } },
    { invoke, s3 },
  );
  const sampleRecords = JSON.parse(await read(sample.keys[1] ?? "")) as Record<string, string>[];
  const template = sampleRecords[0] as Record<string, string>;
  const storedTemplate = JSON.parse(
    await read(`${plan.run.prefix}environments/${items[0]?.environment}.json`),
  );
  const outputTemplate = JSON.parse(template.Output ?? "{}") as Record<string, unknown>;

  // The other environments' results, as the service would have written them: a stored report each
  // (the sample's, renamed) and one child execution record each; every 50th a caught failure.
  const records = [...sampleRecords];
  const rest = items.slice(SAMPLE);
  for (let start = 0; start < rest.length; start += 50) {
    await Promise.all(
      rest.slice(start, start + 50).map(async ({ environment }, offset) => {
        const index = start + offset + SAMPLE;
        const input = JSON.stringify({ run: plan.run, environment });
        if (index % 50 === 49) {
          const cause = JSON.stringify({
            errorType: "DatabaseAccessError",
            errorMessage: `The RDS Data API denied access (AccessDeniedException) to arn:aws:rds:us-east-1:${account(index)}:cluster:kong-${index} (status 502)`,
            trace: ["DatabaseAccessError: The RDS Data API denied access (AccessDeniedException)"],
          });
          records.push({
            ...template,
            Name: randomUUID(),
            Input: input,
            Output: JSON.stringify({
              environment,
              status: "failed",
              failure: { Error: "DatabaseAccessError", Cause: cause },
            }),
          });
          return;
        }
        const key = `${plan.run.prefix}environments/${environment}.json`;
        await put(BUCKET, key, JSON.stringify({ ...storedTemplate, environment }));
        records.push({
          ...template,
          Name: randomUUID(),
          Input: input,
          Output: JSON.stringify({ ...outputTemplate, environment, key }),
        });
      }),
    );
  }
  const folder = `${plan.results_prefix}/${randomUUID()}/`;
  await put(BUCKET, `${folder}SUCCEEDED_0.json`, JSON.stringify(records));
  const mapRunArn = `arn:aws:states:us-east-1:123456789012:mapRun:kong-license-report-prod-estate/collect:${randomUUID()}`;
  await put(
    BUCKET,
    `${folder}manifest.json`,
    JSON.stringify({
      DestinationBucket: BUCKET,
      MapRunArn: mapRunArn,
      ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: `${folder}SUCCEEDED_0.json`, Size: 0 }] },
    }),
  );
  const mapOutput = {
    MapRunArn: mapRunArn,
    ResultWriterDetails: { Bucket: BUCKET, Key: `${folder}manifest.json` },
  };

  // BuildEstateFromResults.
  const aggregateInput = { step: "aggregate", run: plan.run, results: mapOutput.ResultWriterDetails };
  const aggregated = await timed(
    async () => (await aggregateHandler(aggregateInput as never, context())) as EstateStepLink,
  );

  const childInputs = records.map((record) => Buffer.byteLength(record.Input ?? ""));
  const childOutputs = records.map((record) => Buffer.byteLength(record.Output ?? ""));
  return {
    size,
    planWorkCpuMs: planWork.cpuMs,
    planMs: planned.ms,
    planCpuMs: planned.cpuMs,
    aggregateMs: aggregated.ms,
    aggregateCpuMs: aggregated.cpuMs,
    payloads: {
      "execution input": bytes({ format: "tar" }),
      "PlanEstate output": bytes(plan),
      "CollectManyEnvironments output (plan + map_run)": bytes({ ...plan, map_run: mapOutput }),
      "child execution input (largest)": Math.max(...childInputs),
      "child execution output (largest)": Math.max(...childOutputs),
      "BuildEstateFromResults input": bytes(aggregateInput),
      "BuildEstateFromResults output (execution output)": bytes(aggregated.value),
    },
    // What an inline Map would have carried in the state: every child's output in one array.
    inlineOutcomesBytes: childOutputs.reduce((sum, size) => sum + size + 1, 2),
    link: aggregated.value,
  };
}

try {
  const rows: Row[] = [];
  for (const size of sizes) {
    const row = await measure(size);
    rows.push(row);
    console.error(
      `measured ${size}: plan ${row.planMs.toFixed(0)} ms, aggregate ${row.aggregateMs.toFixed(0)} ms`,
    );
  }
  const base = rows[0] as Row;
  console.log(
    `Estate past one Map: ${ACCOUNTS} accounts, median of ${4 * repeat} (plan) and ${repeat} (aggregate) runs after a warm-up, node ${process.version}\n`,
  );
  const table = (title: string, wall: (row: Row) => number, cpu: (row: Row) => number) => {
    console.log(`\n${title}\n`);
    console.log(
      "| environments | size ratio | wall ms | wall ratio | CPU ms | CPU ratio | CPU ms per environment |",
    );
    console.log("|---|---|---|---|---|---|---|");
    for (const row of rows) {
      console.log(
        `| ${row.size} | ${(row.size / base.size).toFixed(1)} | ${wall(row).toFixed(0)} | ${(wall(row) / wall(base)).toFixed(2)} | ${cpu(row).toFixed(0)} | ${(cpu(row) / cpu(base)).toFixed(2)} | ${(cpu(row) / row.size).toFixed(2)} |`,
      );
    }
  };
  table(
    "PlanEstate (read and validate the file, store the items)",
    (row) => row.planMs,
    (row) => row.planCpuMs,
  );
  console.log(
    "\nPlanEstate's own work, without its two S3 calls (validate the file, plan, serialise the items)\n",
  );
  console.log("| environments | size ratio | CPU ms | CPU ratio | CPU µs per environment |");
  console.log("|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.size} | ${(row.size / base.size).toFixed(1)} | ${row.planWorkCpuMs.toFixed(2)} | ${(row.planWorkCpuMs / base.planWorkCpuMs).toFixed(2)} | ${((1000 * row.planWorkCpuMs) / row.size).toFixed(1)} |`,
    );
  }
  table(
    "BuildEstateFromResults (manifest, results, every stored report, estate.json, the tar)",
    (row) => row.aggregateMs,
    (row) => row.aggregateCpuMs,
  );
  const last = rows.at(-1) as Row;
  console.log(`\nPayloads at ${last.size} environments (bytes of JSON; Step Functions' limit is 262,144):\n`);
  console.log("| state | bytes |");
  console.log("|---|---|");
  for (const [state, size] of Object.entries(last.payloads)) console.log(`| ${state} | ${size} |`);
  console.log(
    `\nAn inline Map's outcomes at ${last.size} environments would have been ${last.inlineOutcomesBytes} bytes in one state.`,
  );
  console.log(
    `Estate: ${last.link.environments} environments, ${last.link.environments_reported} reported, ${last.link.failed.length} failures in the output (+${last.link.failed_omitted ?? 0} omitted), ${last.link.bytes} bytes of tar.`,
  );
} finally {
  s3.destroy();
  await dataApi.close();
  await db.close();
  await s3rver.close();
  await rm(directory, { recursive: true, force: true });
}
