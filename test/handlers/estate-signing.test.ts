import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { EstateDocument } from "#lib/estate/types.ts";
import type { HttpResponse } from "#lib/http/http-api-event.ts";
import { createLogger } from "#lib/log.ts";
import { checkManifestSignature, type Manifest } from "#lib/output/manifest.ts";
import { fingerprintPublicKey } from "#lib/shared/signature.ts";
import type { EstateLink } from "#lib/use-cases/store-estate.ts";
import { createEstateAggregateHandler } from "../../handlers/estate-aggregate.ts";
import { createEstateCollectHandler } from "../../handlers/estate-collect.ts";
import { createEstateHttpHandler } from "../../handlers/estate-http.ts";
import { type KmsServer, type LocalKey, startKmsServer } from "../../local/kms/server.ts";
import { executeLocally, FUNCTION_ARNS, type LambdaHandler } from "../../local/step-functions.ts";
import { type EstateFixture, startEstateFixture } from "../helpers/estate-fixture.ts";
import { buildHttpApiEvent, buildLambdaContext } from "../helpers/lambda-events.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { fetchTar } from "../helpers/untar.ts";

// The estate functions sign an estate tar's manifest with the deployment's KMS key, as the report
// functions sign a report's (REPORT_SIGNING_KEY_ID; infra/signing.yml lets their roles Sign): the
// in-process GET /license/estate and the state machine's aggregate step, against the local KMS
// endpoint speaking KMS's JSON protocol, the SigV4-checking S3 and the local Data API.

const ALIAS = "alias/kong-license-report-ci";

describe("Handlers: an estate tar signed with KMS (REPORT_SIGNING_KEY_ID)", () => {
  let fixture: EstateFixture;
  let kms: KmsServer;
  let key: LocalKey;
  let folder: string;
  let env: Record<string, string>;

  /** The estate tar behind a link, checked as an auditor would: the signature, then `verify --public-key`. */
  const expectSignedByKey = async (url: string) => {
    const files = await fetchTar(url);
    expect([...files.keys()].slice(-2)).toEqual(["manifest.json", "manifest.sig"]);
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Manifest;
    const publicKey = createPublicKey(key.publicKeyPem);
    expect(manifest.kind).toBe("estate");
    expect(manifest.signature).toEqual({
      algorithm: "ECDSA_SHA_256",
      public_key_sha256: fingerprintPublicKey(publicKey),
      key_id: key.arn,
    });
    expect(checkManifestSignature(files, manifest, publicKey).valid).toBe(true);

    const tar = join(folder, `estate-${Date.now()}.tar`);
    await writeFile(tar, Buffer.from(await (await fetch(url)).arrayBuffer()));
    const pem = join(folder, "kms-public.pem");
    await writeFile(pem, key.publicKeyPem);
    const run = await runCliCapturing({}, ["verify", "--public-key", pem, tar]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("manifest.sig is a valid ECDSA_SHA_256 signature of manifest.json");
    const other = join(folder, "other.pem");
    await writeFile(
      other,
      generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "pem", type: "spki" }),
    );
    expect((await runCliCapturing({}, ["verify", "--public-key", other, tar])).code).toBe(1);
    return JSON.parse(files.get("estate.json")?.toString("utf8") ?? "") as EstateDocument;
  };

  beforeAll(async () => {
    fixture = await startEstateFixture("pglite", ["demo"]);
    kms = await startKmsServer();
    key = kms.createKey("ECC_NIST_P256", { alias: ALIAS });
    folder = await mkdtemp(join(tmpdir(), "klr-estate-kms-"));
    // The KMS client finds its endpoint as in Lambda; credentials and region are the fixture's.
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", kms.url);
    env = { ...fixture.env, ADMIN_GROUPS: "kong-admins", REPORT_SIGNING_KEY_ID: ALIAS };
  }, 180_000);

  afterAll(async () => {
    await kms?.close();
    await fixture?.close();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await fixture.writeEnvironments({
      environments: [{ environment: "prod-eu", data_api: fixture.dataApi("demo") }],
    });
  });

  it("GET /license/estate in-process stores a tar whose manifest.sig verifies with the key's public key", async () => {
    // Act
    const { handler } = createEstateHttpHandler({ env, logger: createLogger({ write: () => undefined }) });
    const event = await buildHttpApiEvent({ path: "/license/estate", query: "format=tar" });
    const response = (await handler(event, buildLambdaContext(28_000) as never)) as HttpResponse;

    // Assess: the demo's 21 services (lib/demo/seed.sql), under a signature of the deployment's key.
    expect(response.statusCode, response.body).toBe(200);
    const link = JSON.parse(response.body) as EstateLink;
    const estate = await expectSignedByKey(link.url);
    expect(estate.totals).toMatchObject({ services_count: 21, environments_reported: 1 });
  });

  it("the state machine's aggregate step signs the estate tar it stores", async () => {
    // Act: the ASL with the real step handlers, as Step Functions runs them.
    const logger = createLogger({ write: () => undefined });
    const functions = {
      [FUNCTION_ARNS.EstateCollectFunctionArn]: createEstateCollectHandler({ env, logger })
        .handler as LambdaHandler,
      [FUNCTION_ARNS.EstateAggregateFunctionArn]: createEstateAggregateHandler({ env, logger })
        .handler as LambdaHandler,
    };
    const { output } = await executeLocally(functions, { format: "tar", as_of: "2026-10" });

    // Assess
    expect(output).toMatchObject({ format: "tar", as_of: "2026-10", environments_reported: 1 });
    await expectSignedByKey(String((output as { url: unknown }).url));
  });

  it("stores a JSON estate unsigned (no manifest to sign), without calling KMS", async () => {
    // Prepare
    const before = kms.calls().Sign ?? 0;

    // Act
    const { handler } = createEstateHttpHandler({ env, logger: createLogger({ write: () => undefined }) });
    const event = await buildHttpApiEvent({ path: "/license/estate", query: "format=json" });
    const response = (await handler(event, buildLambdaContext(28_000) as never)) as HttpResponse;

    // Assess
    expect(response.statusCode, response.body).toBe(200);
    expect(kms.calls().Sign ?? 0).toBe(before);
  });

  it("stores no estate when KMS refuses to sign, and says why without a secret", async () => {
    // Prepare
    const before = await fixture.s3.listKeys("reports");
    kms.denySign(1);

    // Act
    const { handler } = createEstateHttpHandler({ env, logger: createLogger({ write: () => undefined }) });
    const event = await buildHttpApiEvent({ path: "/license/estate", query: "format=tar" });
    const response = (await handler(event, buildLambdaContext(28_000) as never)) as HttpResponse;

    // Assess
    expect(response.statusCode).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(response.body).message).toMatch(
      /signing its manifest with KMS key alias\/kong-license-report-ci failed/,
    );
    expect(await fixture.s3.listKeys("reports")).toEqual(before);
  });
});
