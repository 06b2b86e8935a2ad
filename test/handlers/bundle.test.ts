import { execFile } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDemoPglite } from "#lib/demo/open-demo-database.ts";
import { checkManifestSignature, type Manifest } from "#lib/output/manifest.ts";
import { checkCompanions, readReportFile } from "#lib/output/read-report-file.ts";
import { computeChecksum } from "#lib/report/checksum.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { type KmsServer, type LocalKey, startKmsServer } from "../../local/kms/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { DEMO_SEED, openTestDatabase, SCHEMAS, type TestDatabase } from "../helpers/kong-db.ts";
import { buildHttpApiEvent, buildScheduledEvent } from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;

// Imports a bundle in a fresh Node process, invokes its handler once and prints the result.
const INVOKE = `
const { handler } = await import(process.argv[1]);
const context = { awsRequestId: "bundle-test", getRemainingTimeInMillis: () => 60000 };
const result = await handler(JSON.parse(process.env.TEST_EVENT), context);
process.stdout.write("\\nRESULT " + JSON.stringify(result) + "\\n");
`;

describe("Bundles: dist/http.mjs and dist/scheduled.mjs as Lambda loads them, dist/ as the CLI ships", () => {
  let outdir: string;
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let kms: KmsServer;
  let key: LocalKey;
  let env: NodeJS.ProcessEnv;

  const invoke = async (bundle: string, event: unknown): Promise<{ result: unknown; logs: string[] }> => {
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", INVOKE, join(outdir, bundle)],
      {
        env: { ...env, TEST_EVENT: JSON.stringify(event) },
      },
    );
    const lines = stdout.split("\n").filter((line) => line !== "");
    const resultLine = lines.find((line) => line.startsWith("RESULT ")) ?? "RESULT null";
    return {
      result: JSON.parse(resultLine.slice(7)),
      logs: lines.filter((line) => !line.startsWith("RESULT ")),
    };
  };

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "bundle-test-"));
    await run(process.execPath, [join(root, "scripts/build.mjs"), "--outdir", outdir]);
    db = await openTestDatabase("pglite");
    const fixture = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    dataApi = await startTestEndpoint(db, fixture.schema);
    s3 = await startLocalS3(["bundled"]);
    kms = await startKmsServer();
    key = kms.createKey("ECC_NIST_P256");
    // Only what Lambda would set: no inherited AWS_* from the developer's shell.
    env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_KMS: kms.url,
      REPORT_SIGNING_KEY_ID: key.arn,
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: databaseNameOf(db),
      REPORT_BUCKET: "bundled",
      ADMIN_GROUPS: "kong-admins",
    };
  }, 120_000);

  afterAll(async () => {
    await kms?.close();
    await s3?.close();
    await dataApi?.close();
    await db?.close();
    await rm(outdir, { recursive: true, force: true });
  });

  it("serves GET /license/report?format=tar from the HTTP bundle", async () => {
    // Act
    const { result, logs } = await invoke("http.mjs", await buildHttpApiEvent({ query: "format=tar" }));

    // Assess
    const response = result as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    const link = JSON.parse(response.body) as LinkDocument;
    const download = await fetch(link.url);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(link.bytes);
    expect(logs.map((line) => (JSON.parse(line) as { message: string }).message)).toContain("report stored");
  });

  it("runs a scheduled event from the scheduled bundle", async () => {
    // Act
    const { result } = await invoke("scheduled.mjs", buildScheduledEvent());

    // Assess
    const link = result as LinkDocument;
    expect(link.format).toBe("tar");
    const bytes = new Uint8Array(await (await fetch(link.url)).arrayBuffer());
    const reading = await readReportFile(link.key, { read: async () => bytes });
    expect(computeChecksum(reading.document.content)).toBe(link.checksum);
    expect(reading.document.details).toBeDefined();
    // Every file of the stored tar matches its manifest, and details.json is of this report.
    expect(checkCompanions(reading)).toEqual({ problems: [], detailsVerified: true });
    // Signed by the KMS key through the bundled @aws-sdk/client-kms.
    const files = reading.tar?.files ?? new Map<string, Buffer>();
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Manifest;
    expect(manifest.signature?.key_id).toBe(key.arn);
    expect(checkManifestSignature(files, manifest, createPublicKey(key.publicKeyPem)).valid).toBe(true);
  });

  it("ships the demo database's data directory beside the CLI bundle, and --demo loads it as it is", async () => {
    // Act: the way dist/cli.mjs opens it, told that nothing else may be used.
    const demo = await openDemoPglite({
      shipped: pathToFileURL(join(outdir, "demo-pgdata.tar.gz")),
      cache: () => Promise.reject(new Error("the shipped data directory was not used")),
    });

    // Assess
    try {
      const { rows } = await demo.query("SELECT count(*)::int AS services FROM services");
      expect(rows).toEqual([{ services: 21 }]);
    } finally {
      await demo.close();
    }
  });
});
