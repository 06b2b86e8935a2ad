import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createKmsClient, createKmsSigner } from "#lib/aws/kms-signer.ts";
import { readSigningConfig } from "#lib/config/signing.ts";
import { ConfigError, ReportUploadError } from "#lib/errors.ts";
import { createLogger } from "#lib/log.ts";
import { checkManifest, checkManifestSignature, type Manifest } from "#lib/output/manifest.ts";
import { fingerprintPublicKey, verifySignature } from "#lib/shared/signature.ts";
import type { ScheduledTriggerEvent } from "#lib/triggers/scheduled-event.ts";
import type { LinkDocument } from "#lib/use-cases/generate-report.ts";
import { createScheduledHandler } from "../../handlers/scheduled.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { type KmsServer, type LocalKey, startKmsServer } from "../../local/kms/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import { DEMO_SEED, openTestDatabase, SCHEMAS, type TestDatabase } from "../helpers/kong-db.ts";
import { buildLambdaContext } from "../helpers/lambda-events.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";
import { runCliCapturing } from "../helpers/run-cli.ts";
import { fetchTar } from "../helpers/untar.ts";

// Reports signed with AWS KMS: the real @aws-sdk/client-kms against a local endpoint speaking KMS's
// JSON protocol (TrentService.GetPublicKey, TrentService.Sign) over key pairs made with node:crypto.

const BUCKET = "signed-reports";

describe("Function: readSigningConfig (REPORT_SIGNING_KEY_ID)", () => {
  it.each([
    "1234abcd-12ab-34cd-56ef-1234567890ab",
    "mrk-1234abcd12ab34cd56ef1234567890ab",
    "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "alias/kong-license-report",
    "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/kong/report-signing",
  ])("accepts the key forms KMS accepts: %s", (keyId) => {
    expect(readSigningConfig({ REPORT_SIGNING_KEY_ID: keyId })).toEqual({ signingKeyId: keyId });
  });

  it("signs nothing when unset or blank, and takes a local endpoint", () => {
    expect(readSigningConfig({ REPORT_SIGNING_KEY_ID: " " })).toEqual({});
    expect(readSigningConfig({ AWS_ENDPOINT_URL_KMS: "http://127.0.0.1:4599" })).toEqual({
      kmsEndpoint: "http://127.0.0.1:4599",
    });
  });

  it.each(["kong-key", "arn:aws:kms:eu-west-1:111122223333:key/not-a-uuid", "alias/", "alias/a b"])(
    "refuses %s, naming the variable and the forms it takes",
    (keyId) => {
      const error = (() => {
        try {
          readSigningConfig({ REPORT_SIGNING_KEY_ID: keyId });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe("REPORT_SIGNING_KEY_ID");
      expect((error as Error).message).toContain("Expected an AWS KMS key id");
    },
  );
});

describe("Adapter: createKmsSigner against the local KMS endpoint", () => {
  let kms: KmsServer;

  beforeAll(async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local-secret");
    vi.stubEnv("AWS_REGION", "us-east-1");
    kms = await startKmsServer();
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await kms?.close();
  });

  const signerOf = (keyId: string) =>
    createKmsSigner({ client: createKmsClient({ endpoint: kms.url }), keyId });

  it.each([
    ["ECC_NIST_P256", "ECDSA_SHA_256"],
    ["RSA_3072", "RSASSA_PSS_SHA_256"],
  ] as const)(
    "%s: identifies the key once and signs what its public key verifies",
    async (spec, algorithm) => {
      const key = kms.createKey(spec, { alias: `alias/report-${spec.toLowerCase()}` });
      const before = kms.calls().GetPublicKey ?? 0;
      const signer = signerOf(`alias/report-${spec.toLowerCase()}`);
      const identity = await signer.identify();
      expect(identity).toEqual({
        algorithm,
        publicKeySha256: fingerprintPublicKey(createPublicKey(key.publicKeyPem)),
        keyId: key.arn,
      });
      // A manifest larger than KMS's 4 KB RAW limit: the adapter sends its digest.
      const message = Buffer.from(`{"files": [${'"x",'.repeat(2000)}"y"]}\n`);
      const signature = await signer.sign(message);
      await signer.sign(Buffer.from("another manifest"));
      expect(kms.calls().GetPublicKey).toBe(before + 1);
      expect(verifySignature(message, signature, createPublicKey(key.publicKeyPem), algorithm)).toBe(true);
      expect(
        verifySignature(Buffer.from(`${message} `), signature, createPublicKey(key.publicKeyPem), algorithm),
      ).toBe(false);
    },
  );

  it("turns KMS's refusals into one message naming the key and what to do, and asks again later", async () => {
    const key = kms.createKey("ECC_NIST_P256");
    const signer = signerOf(key.keyId);
    kms.denySign(1);
    const denied = await signer.sign(Buffer.from("m")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(denied).toBeInstanceOf(ReportUploadError);
    expect((denied as Error).message).toMatch(
      new RegExp(
        `^The report was not stored: signing its manifest with KMS key ${key.keyId} failed \\(Sign: AccessDeniedException: User: .* is not authorized to perform: kms:Sign on resource: ${key.arn}[^)]*\\); the key policy must allow this function's role kms:Sign and kms:GetPublicKey \\(infra/signing\\.yml\\)\\.$`,
      ),
    );
    // The denial was one call: the next report is signed.
    expect((await signer.sign(Buffer.from("m"))).length).toBeGreaterThan(60);

    await expect(signerOf("alias/missing").identify()).rejects.toThrow(
      "signing its manifest with KMS key alias/missing failed (GetPublicKey: NotFoundException: Alias 'alias/missing' does not exist); check REPORT_SIGNING_KEY_ID names a key of this account and region.",
    );
    // A refusal without advice of ours: KMS's words only (throttles and quotas the SDK retries itself).
    kms.failNext("InvalidArnException", "Invalid arn us-east-1");
    await expect(signerOf(key.keyId).sign(Buffer.from("m"), AbortSignal.timeout(5_000))).rejects.toThrow(
      `signing its manifest with KMS key ${key.keyId} failed (GetPublicKey: InvalidArnException: Invalid arn us-east-1).`,
    );
    const p384 = kms.createKey("ECC_NIST_P384");
    await expect(signerOf(p384.keyId).identify()).rejects.toThrow(
      `The report was not stored: KMS key ${p384.keyId} is a ECC_NIST_P384 key for SIGN_VERIFY; signing needs an asymmetric SIGN_VERIFY key of spec ECC_NIST_P256 (ECDSA_SHA_256) or RSA_2048 to RSA_4096 (RSASSA_PSS_SHA_256).`,
    );
    const disabled = kms.createKey("ECC_NIST_P256");
    kms.disableKey(disabled.keyId);
    await expect(signerOf(disabled.keyId).identify()).rejects.toThrow(
      `DisabledException: ${disabled.arn} is disabled); enable the key (aws kms enable-key)`,
    );
  });

  it("refuses a key for encryption, naming its usage and the keys it takes", async () => {
    const encryption = kms.createKey("RSA_2048", { keyUsage: "ENCRYPT_DECRYPT" });

    await expect(signerOf(encryption.keyId).identify()).rejects.toThrow(
      new ReportUploadError(
        `The report was not stored: KMS key ${encryption.keyId} is a RSA_2048 key for ENCRYPT_DECRYPT; signing needs an asymmetric SIGN_VERIFY key of spec ECC_NIST_P256 (ECDSA_SHA_256) or RSA_2048 to RSA_4096 (RSASSA_PSS_SHA_256). Set REPORT_SIGNING_KEY_ID to such a key.`,
      ),
    );
  });

  it("says to cancel the deletion of a key pending deletion", async () => {
    const doomed = kms.createKey("ECC_NIST_P256");
    kms.scheduleKeyDeletion(doomed.keyId);

    await expect(signerOf(doomed.keyId).identify()).rejects.toThrow(
      `The report was not stored: signing its manifest with KMS key ${doomed.keyId} failed (GetPublicKey: KMSInvalidStateException: ${doomed.arn} is pending deletion); the key is pending deletion or unavailable: cancel the deletion or use another key.`,
    );
  });

  it("asks for the public key again at the next report after a failed GetPublicKey", async () => {
    const key = kms.createKey("ECC_NIST_P256");
    const signer = signerOf(key.keyId);
    const before = kms.calls().GetPublicKey ?? 0;
    kms.failNext("KMSInternalException", "Service unavailable");

    await expect(signer.sign(Buffer.from("m"))).rejects.toThrow("GetPublicKey: KMSInternalException");
    const signature = await signer.sign(Buffer.from("m"));

    expect(kms.calls().GetPublicKey).toBe(before + 2);
    expect(
      verifySignature(Buffer.from("m"), signature, createPublicKey(key.publicKeyPem), "ECDSA_SHA_256"),
    ).toBe(true);
  });

  it("finds the endpoint in AWS_ENDPOINT_URL_KMS when none is given, as the SDK does on a function", async () => {
    const key = kms.createKey("RSA_2048");
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", kms.url);
    try {
      const signer = createKmsSigner({ client: createKmsClient(), keyId: key.keyId });

      expect((await signer.identify()).algorithm).toBe("RSASSA_PSS_SHA_256");
    } finally {
      vi.stubEnv("AWS_ENDPOINT_URL_KMS", undefined);
    }
  });

  // Answers KMS does not give (a real endpoint cannot produce them): the local KMS's answer altered
  // after the SDK read it, to check the adapter trusts nothing it did not verify.
  describe("answers that are not what KMS promises", () => {
    const alteredSigner = (
      keyId: string,
      command: "GetPublicKeyCommand" | "SignCommand",
      alter: (output: Record<string, unknown>) => void,
    ) => {
      const client = createKmsClient({ endpoint: kms.url });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === command) alter(result.output as unknown as Record<string, unknown>);
          return result;
        },
        { step: "initialize", name: "alterKmsAnswer" },
      );
      return createKmsSigner({ client, keyId });
    };

    it("refuses a public key that is not of the key's spec", async () => {
      const key = kms.createKey("ECC_NIST_P256");
      const rsa = createPublicKey(kms.createKey("RSA_2048").publicKeyPem).export({
        format: "der",
        type: "spki",
      });
      const signer = alteredSigner(key.keyId, "GetPublicKeyCommand", (output) => {
        output.PublicKey = new Uint8Array(rsa);
      });

      await expect(signer.identify()).rejects.toThrow(
        new ReportUploadError(
          `The report was not stored: KMS key ${key.keyId}'s public key does not match its spec.`,
        ),
      );
    });

    it.each([
      ["no spec and no usage", ["KeySpec", "KeyUsage"], "a ? key for ?"],
      ["no signing algorithms", ["SigningAlgorithms"], "a ECC_NIST_P256 key for SIGN_VERIFY"],
      ["no public key", ["PublicKey"], "a ECC_NIST_P256 key for SIGN_VERIFY"],
    ])("refuses a key described with %s", async (_case, removed, described) => {
      const key = kms.createKey("ECC_NIST_P256");
      const signer = alteredSigner(key.keyId, "GetPublicKeyCommand", (output) => {
        for (const field of removed) delete output[field];
      });

      await expect(signer.identify()).rejects.toThrow(
        `The report was not stored: KMS key ${key.keyId} is ${described}; signing needs an asymmetric SIGN_VERIFY key`,
      );
    });

    it("signs with the configured key id when GetPublicKey names none, and leaves it out of the identity", async () => {
      const key = kms.createKey("ECC_NIST_P256", { alias: "alias/unnamed-answer" });
      const signer = alteredSigner("alias/unnamed-answer", "GetPublicKeyCommand", (output) => {
        delete output.KeyId;
      });

      const identity = await signer.identify();
      const signature = await signer.sign(Buffer.from("m"));

      expect(identity).toStrictEqual({
        algorithm: "ECDSA_SHA_256",
        publicKeySha256: fingerprintPublicKey(createPublicKey(key.publicKeyPem)),
      });
      expect(
        verifySignature(Buffer.from("m"), signature, createPublicKey(key.publicKeyPem), "ECDSA_SHA_256"),
      ).toBe(true);
    });

    it("stores nothing when Sign answers without a signature", async () => {
      const key = kms.createKey("ECC_NIST_P256");
      const signer = alteredSigner(key.keyId, "SignCommand", (output) => {
        delete output.Signature;
      });

      await expect(signer.sign(Buffer.from("m"))).rejects.toThrow(
        new ReportUploadError(
          `The report was not stored: signing its manifest with KMS key ${key.keyId} failed (Sign: Error: KMS answered Sign without a signature).`,
        ),
      );
    });
  });
});

describe("Handler: a scheduled report signed with KMS (REPORT_SIGNING_KEY_ID)", () => {
  let db: TestDatabase;
  let dataApi: DataApiServer;
  let s3: LocalS3;
  let kms: KmsServer;
  let key: LocalKey;
  let env: Record<string, string>;
  let folder: string;
  let logs: string[];

  const invoke = (event: unknown, environment: Record<string, string> = env) =>
    createScheduledHandler({
      env: environment,
      logger: createLogger({ write: (line) => logs.push(line) }),
    }).handler(event as ScheduledTriggerEvent, buildLambdaContext()) as Promise<LinkDocument>;

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const fixture = await db.createFixture(SCHEMAS.ee313, DEMO_SEED);
    dataApi = await startTestEndpoint(db, fixture.schema);
    s3 = await startLocalS3([BUCKET]);
    kms = await startKmsServer();
    key = kms.createKey("ECC_NIST_P256", { alias: "alias/kong-license-report-ci" });
    folder = await mkdtemp(join(tmpdir(), "klr-kms-"));
    vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv("AWS_REGION", "us-east-1");
    env = {
      KONG_DB_RESOURCE_ARN: RESOURCE_ARN,
      KONG_DB_SECRET_ARN: SECRET_ARN,
      KONG_DB_NAME: databaseNameOf(db),
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_KMS: kms.url,
      REPORT_BUCKET: BUCKET,
      REPORT_SIGNING_KEY_ID: "alias/kong-license-report-ci",
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await kms?.close();
    await s3?.close();
    await dataApi?.close();
    await db?.close();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  beforeEach(() => {
    logs = [];
  });

  it("stores a tar whose manifest.sig verifies with the key's public key (as aws kms get-public-key gives it)", async () => {
    const link = await invoke({ format: "tar", asOf: "2026-10" });
    const files = await fetchTar(link.url);
    expect([...files.keys()].slice(-2)).toEqual(["manifest.json", "manifest.sig"]);
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Manifest;
    const publicKey = createPublicKey(key.publicKeyPem);
    expect(manifest.signature).toEqual({
      algorithm: "ECDSA_SHA_256",
      public_key_sha256: fingerprintPublicKey(publicKey),
      key_id: key.arn,
    });
    expect(checkManifest(files, { kind: "report", checksum: link.checksum }).problems).toEqual([]);
    expect(checkManifestSignature(files, manifest, publicKey).valid).toBe(true);

    // The same check through the CLI, as an auditor runs it on the downloaded tar.
    const tar = join(folder, "downloaded.tar");
    await writeFile(tar, Buffer.from(await (await fetch(link.url)).arrayBuffer()));
    const pem = join(folder, "kms-public.pem");
    await writeFile(pem, key.publicKeyPem);
    const run = await runCliCapturing({}, ["verify", "--public-key", pem, tar]);
    expect(run.code, run.stdout).toBe(0);
    const other = join(folder, "other.pem");
    await writeFile(
      other,
      generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "pem", type: "spki" }),
    );
    expect((await runCliCapturing({}, ["verify", "--public-key", other, tar])).code).toBe(1);
  });

  it("stores a JSON report unsigned (no manifest to sign), without calling KMS", async () => {
    const before = kms.calls().Sign ?? 0;
    const link = await invoke({ format: "json" });
    expect(link.format).toBe("json");
    expect(kms.calls().Sign ?? 0).toBe(before);
  });

  it("stores nothing when KMS refuses to sign, and says why", async () => {
    kms.denySign(1);
    await expect(invoke({ format: "tar" })).rejects.toThrow(
      /The report was not stored: signing its manifest with KMS key alias\/kong-license-report-ci failed \(Sign: AccessDeniedException/,
    );
    const keys = await s3.listKeys(BUCKET);
    // Two tars from the cases above at most: the refused one never reached S3.
    expect(keys.filter((k) => k.endsWith(".tar"))).toHaveLength(1);
  });
});
