// The estate state machine run on this machine, no AWS account:
//
//   npx tsx local/bin/estate-state-machine.ts [--format tar|json]
//
//   infra/estate-state-machine.asl.json ──► aws-local-stepfunctions (Map, Retry, Catch)
//     PlanEstate / BuildEstate ──► handlers/estate-aggregate.ts ─┐
//     CollectEnvironment ────────► handlers/estate-collect.ts ───┼─► s3rver (SigV4): environments file, reports, estate tar
//                                                                └─► local Data API endpoints ──► PGlite (two demo Kong databases)
//
// Three environments: prod-eu and prod-us (the demo Kong data, each in its own schema behind its own
// Data API endpoint) and "dr-site", a PostgreSQL URL nobody listens on. Its item is caught; the estate
// is built from the other two. Prints the run's events, the link document and the verification.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import S3rver from "@20minutes/s3rver";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { PGlite } from "@electric-sql/pglite";
import tar from "tar-stream";
import { createEstateAggregateHandler } from "../../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../../handlers/estate-collect.ts";
import { createS3Client } from "../../lib/aws/s3-report-store.ts";
import { readDemoSql } from "../../lib/demo/open-demo-database.ts";
import { verifyEstateDigest } from "../../lib/estate/estate-digest.ts";
import type { EstateDocument } from "../../lib/estate/types.ts";
import { createLogger } from "../../lib/log.ts";
import { verifyReport } from "../../lib/report/verify-report.ts";
import type { EstateLink } from "../../lib/use-cases/store-estate.ts";
import { startDataApiServer } from "../data-api/server.ts";
import { executeLocally, FUNCTION_ARNS, type LambdaHandler } from "../step-functions.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const { values } = parseArgs({ options: { format: { type: "string", default: "tar" } } });
const ARNS = {
  resource_arn: "arn:aws:rds:us-east-1:123456789012:cluster:kong-local",
  secret_arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-local-AbCdEf",
};
const BUCKET = "kong-license-reports-local";
const CONFIG_BUCKET = "kong-config-local";

/** A loopback port nobody listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const directory = await mkdtemp(join(tmpdir(), "estate-sfn-"));
const s3 = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: BUCKET }, { name: CONFIG_BUCKET }],
});
const s3Endpoint = `http://127.0.0.1:${((await s3.run()) as AddressInfo).port}`;
// s3rver's fixed account (it checks SigV4 signatures made with it), read by the SDK's own chain.
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_REGION: "us-east-1",
});
const db = await PGlite.create();
const demo = await readDemoSql();
const endpoints = [];
for (const schema of ["prod_eu", "prod_us"]) {
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema};\n${demo}\nRESET search_path;`);
  endpoints.push(
    await startDataApiServer({
      backend: { kind: "pglite", db },
      searchPath: schema,
      resourceArn: ARNS.resource_arn,
      secretArn: ARNS.secret_arn,
    }),
  );
}
try {
  const [eu, us] = endpoints;
  const environments = {
    environments: [
      { environment: "prod-eu", data_api: { ...ARNS, database: "postgres", endpoint: eu?.url } },
      {
        environment: "dr-site",
        database_url: `postgres://kong:\${DR_PASSWORD}@127.0.0.1:${await closedPort()}/kong`,
      },
      { environment: "prod-us", data_api: { ...ARNS, database: "postgres", endpoint: us?.url } },
    ],
  };
  const client = createS3Client({ endpoint: s3Endpoint, region: "us-east-1" });
  await client.send(
    new PutObjectCommand({
      Bucket: CONFIG_BUCKET,
      Key: "environments.json",
      Body: JSON.stringify(environments),
    }),
  );
  const env = {
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    REPORT_BUCKET: BUCKET,
    REPORT_PREFIX: "license-reports/",
    ESTATE_ENVIRONMENTS: `s3://${CONFIG_BUCKET}/environments.json`,
    ESTATE_CONCURRENCY: "2",
    DR_PASSWORD: "not-a-real-password",
    LOG_LEVEL: "warn",
  };
  const logger = createLogger({ level: "warn", write: (line) => process.stderr.write(`${line}\n`) });
  const functions: Record<string, LambdaHandler> = {
    [FUNCTION_ARNS.EstateCollectFunctionArn]: createEstateCollectHandler({ env, logger })
      .handler as LambdaHandler,
    [FUNCTION_ARNS.EstateAggregateFunctionArn]: createEstateAggregateHandler({ env, logger })
      .handler as LambdaHandler,
  };

  const input = { format: values.format };
  console.log(
    `StartExecution ${JSON.stringify(input)} over ${environments.environments.length} environments`,
  );
  const { output, events } = await executeLocally(functions, input);
  for (const event of events) {
    const detail = event as unknown as { index?: number; catch?: unknown };
    if (
      ["StateEntered", "StateRetried", "StateCaught", "StateFailed"].includes(event.type) ||
      event.type.startsWith("MapIteration")
    ) {
      console.log(
        `  ${event.type.padEnd(22)} ${event.state?.name ?? ""}${detail.index === undefined ? "" : ` [item ${detail.index}]`}`,
      );
    }
  }
  const link = output as EstateLink;
  console.log(
    `Output (the link document, URL signature cut):\n${JSON.stringify({ ...link, url: `${link.url.split("?")[0]}?X-Amz-…` }, null, 2)}`,
  );

  const archive = Buffer.from(await (await fetch(link.url)).arrayBuffer());
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(archive);
  await reading;
  const estate = JSON.parse(files.get("estate.json")?.toString("utf8") ?? "{}") as EstateDocument;
  console.log(`Tar entries: ${[...files.keys()].join(", ")}`);
  console.log(`estate.json digest: ${verifyEstateDigest(estate as never).valid ? "valid" : "INVALID"}`);
  for (const entry of estate.environments) {
    const file = files.get(`environments/${entry.environment}/response.json`);
    const verdict =
      file === undefined
        ? `failed: ${entry.status === "failed" ? entry.error : "?"}`
        : verifyReport(JSON.parse(file.toString("utf8"))).valid
          ? "report checksum valid"
          : "report checksum INVALID";
    console.log(`  ${entry.environment.padEnd(8)} ${entry.status.padEnd(6)} ${verdict}`);
  }
  console.log(`Totals: ${JSON.stringify({ ...estate.totals, plugins_count: "…", counters: "…" })}`);
  client.destroy();
} finally {
  for (const endpoint of endpoints) await endpoint.close();
  await db.close();
  await s3.close();
  await rm(directory, { recursive: true, force: true });
}
