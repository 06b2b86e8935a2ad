import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { AbortMultipartUploadCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { createS3Client, createS3ReportStore } from "#lib/aws/s3-report-store.ts";
import { ReportStoreReadError, ReportUploadError } from "#lib/errors.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "../helpers/local-s3.ts";

const BUCKET = "reports";
const MiB = 1024 * 1024;

/** A deterministic body of `size` bytes, streamed in 64 KiB chunks (unknown length to the SDK). */
function streamOf(size: number, seed = 7): { stream: Readable; sha256: string } {
  const chunk = 64 * 1024;
  const hash = createHash("sha256");
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < size; offset += chunk) {
    const part = Buffer.alloc(Math.min(chunk, size - offset), (offset / chunk + seed) % 251);
    hash.update(part);
    chunks.push(part);
  }
  return { stream: Readable.from(chunks), sha256: hash.digest("hex") };
}

describe("Adapter: createS3ReportStore against a local S3 that checks SigV4", () => {
  let s3: LocalS3;
  let proxy: FaultProxy;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    proxy = await startFaultProxy(s3.endpoint);
  });

  afterAll(async () => {
    await proxy.close();
    await s3.close();
  });

  beforeEach(() => {
    proxy.decide = () => "forward";
    proxy.seen.length = 0;
  });

  it("stores a small report in one PutObject with type, download name, metadata and SSE-S3", async () => {
    // Prepare
    const store = createS3ReportStore({ client: s3.client({ endpoint: proxy.endpoint }), bucket: BUCKET });
    const body = Buffer.from('{"checksum":"abc"}\n');

    // Act
    const stored = await store.upload({
      key: "t/small.json",
      body: Readable.from([body]),
      contentType: "application/json",
      fileName: "report-2026_10_05_03_27_PM.json",
      metadata: { checksum: "abc", "kong-version": "3.13.x" },
    });

    // Assess
    expect(stored).toEqual({ bucket: BUCKET, key: "t/small.json" });
    const head = await s3.client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: "t/small.json" }));
    expect(head.ContentType).toBe("application/json");
    expect(head.ContentDisposition).toBe('attachment; filename="report-2026_10_05_03_27_PM.json"');
    expect(head.Metadata).toEqual({ checksum: "abc", "kong-version": "3.13.x" });
    expect(head.ContentLength).toBe(body.byteLength);
    const put = proxy.seen.filter((request) => request.method === "PUT");
    expect(put).toHaveLength(1);
    expect(put[0]?.headers["x-amz-server-side-encryption"]).toBe("AES256");
  });

  it("asks for SSE-KMS with the configured key", async () => {
    // Prepare
    const kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const store = createS3ReportStore({
      client: s3.client({ endpoint: proxy.endpoint }),
      bucket: BUCKET,
      kmsKeyId,
    });

    // Act
    await store.upload({
      key: "t/kms.json",
      body: Readable.from([Buffer.from("{}")]),
      contentType: "application/json",
      metadata: {},
    });

    // Assess
    const put = proxy.seen.find((request) => request.method === "PUT");
    expect(put?.headers["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(put?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(kmsKeyId);
  });

  it("streams a 12 MiB body as a multipart upload that leaves no pending upload", async () => {
    // Prepare
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const { stream, sha256 } = streamOf(12 * MiB);

    // Act
    await store.upload({ key: "t/big.tar", body: stream, contentType: "application/x-tar", metadata: {} });

    // Assess
    const object = await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "t/big.tar" }));
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    expect(bytes.byteLength).toBe(12 * MiB);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha256);
    expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
  });

  it("cuts the multipart upload into parts of the configured size", async () => {
    // Prepare: 12 MiB in 6 MiB parts is 2 parts (lib-storage's default 5 MiB would make 3).
    const store = createS3ReportStore({
      client: s3.client({ endpoint: proxy.endpoint }),
      bucket: BUCKET,
      partSize: 6 * MiB,
    });
    const { stream, sha256 } = streamOf(12 * MiB, 11);

    // Act
    await store.upload({ key: "t/parts.tar", body: stream, contentType: "application/x-tar", metadata: {} });

    // Assess
    const parts = proxy.seen.filter(
      (request) => request.method === "PUT" && request.url.includes("partNumber="),
    );
    expect(parts.map((request) => request.headers["content-length"])).toEqual([
      String(6 * MiB),
      String(6 * MiB),
    ]);
    const object = await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "t/parts.tar" }));
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha256);
    expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
  });

  it("aborts the multipart upload when S3 drops a part mid-body: no object, no parts left", async () => {
    // Prepare: every attempt at part 2 loses its connection halfway.
    proxy.decide = (request) => (request.url?.includes("partNumber=2") ? "cut-mid-body" : "forward");
    const store = createS3ReportStore({
      client: s3.client({ endpoint: proxy.endpoint, maxAttempts: 2 }),
      bucket: BUCKET,
    });

    // Act
    const failure = await store
      .upload({
        key: "t/cut.tar",
        body: streamOf(12 * MiB).stream,
        contentType: "application/x-tar",
        metadata: {},
      })
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ReportUploadError);
    expect((failure as Error).message).toContain("s3://reports/t/cut.tar");
    expect((failure as Error).message).toContain("Nothing was stored.");
    expect(
      proxy.seen.some((request) => request.method === "DELETE" && request.url.includes("uploadId=")),
    ).toBe(true);
    expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
    expect(await s3.listKeys(BUCKET)).not.toContain("t/cut.tar");
  });

  it("says the parts may remain when aborting the multipart upload fails too, never 'Nothing was stored'", async () => {
    // Prepare: part 2 and every AbortMultipartUpload (DELETE ?uploadId=) lose their connection.
    proxy.decide = (request) =>
      request.url?.includes("partNumber=2") ||
      (request.method === "DELETE" && request.url?.includes("uploadId="))
        ? "cut-mid-body"
        : "forward";
    const store = createS3ReportStore({
      client: s3.client({ endpoint: proxy.endpoint, maxAttempts: 1 }),
      bucket: BUCKET,
    });

    // The parts stay behind, as the message will say: remove them however the assertions end, so a
    // failure here cannot fail the next test's "no pending upload" check.
    onTestFinished(async () => {
      for (const uploadId of await s3.listPendingUploads(BUCKET)) {
        await s3
          .client()
          .send(
            new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "t/abort-fails.tar", UploadId: uploadId }),
          );
      }
    });

    // Act
    const failure = await store
      .upload({
        key: "t/abort-fails.tar",
        body: streamOf(12 * MiB).stream,
        contentType: "application/x-tar",
        metadata: {},
      })
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ReportUploadError);
    const message = (failure as Error).message;
    expect(message).toContain("s3://reports/t/abort-fails.tar");
    expect(message).toMatch(/Aborting the multipart upload also failed \(.+\); the bucket's lifecycle rule/);
    expect(message).not.toContain("Nothing was stored");
    expect(
      proxy.seen.some((request) => request.method === "DELETE" && request.action === "cut-mid-body"),
    ).toBe(true);
    // The parts really are still there, as the message says.
    expect(await s3.listPendingUploads(BUCKET)).toHaveLength(1);
    expect(await s3.listKeys(BUCKET)).not.toContain("t/abort-fails.tar");
  });

  // The deadline aborts with an Error, as the handlers do, or with a plain string: either way the
  // multipart upload is aborted and nothing is left.
  it.each([
    ["an Error", new Error("deadline"), "t/aborted.tar"],
    ["a plain string", "deadline", "t/aborted-plain.tar"],
  ])(
    "stops on an abort mid-upload (its reason %s) and still aborts the multipart upload",
    async (_, reason, key) => {
      // Prepare: 6 MiB arrive (part 1 goes out), then the source stalls as a slow generator would.
      const controller = new AbortController();
      const first = streamOf(6 * MiB).stream;
      const stalled = Readable.from(
        (async function* () {
          for await (const chunk of first) yield chunk as Buffer;
          await new Promise(() => undefined);
        })(),
      );
      proxy.decide = (request) => {
        if (request.url?.includes("partNumber=1")) setTimeout(() => controller.abort(reason), 150);
        return "forward";
      };
      const store = createS3ReportStore({ client: s3.client({ endpoint: proxy.endpoint }), bucket: BUCKET });

      // Act
      const failure = await store
        .upload(
          { key, body: stalled, contentType: "application/x-tar", metadata: {} },
          { signal: controller.signal },
        )
        .catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ReportUploadError);
      expect(controller.signal.aborted).toBe(true);
      expect((failure as Error).message).toMatch(
        new RegExp(
          `^Uploading the report to s3://reports/${key.replace(".", "\\.")} failed: (AbortError|(Error: )?deadline)\\b.*Nothing was stored\\.`,
        ),
      );
      expect(
        proxy.seen.some((request) => request.method === "DELETE" && request.url.includes("uploadId=")),
      ).toBe(true);
      expect(await s3.listPendingUploads(BUCKET)).toEqual([]);
      expect(await s3.listKeys(BUCKET)).not.toContain(key);
    },
  );

  it("fails with ReportUploadError and stores nothing when the source stream fails", async () => {
    // Prepare
    const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
    const broken = Readable.from(
      (async function* () {
        yield Buffer.alloc(1024);
        throw new Error("source exploded");
      })(),
    );

    // Act
    const failure = await store
      .upload({ key: "t/broken.json", body: broken, contentType: "application/json", metadata: {} })
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ReportUploadError);
    expect((failure as Error).message).toContain("source exploded");
    expect(await s3.listKeys(BUCKET)).not.toContain("t/broken.json");
  });

  it("refuses to start an upload whose signal already aborted: nothing sent, the reason named", async () => {
    // Prepare
    const store = createS3ReportStore({ client: s3.client({ endpoint: proxy.endpoint }), bucket: BUCKET });
    const controller = new AbortController();
    controller.abort("deadline reached");

    // Act
    const failure = await store
      .upload(
        {
          key: "t/never.json",
          body: Readable.from([Buffer.from("{}")]),
          contentType: "application/json",
          metadata: {},
        },
        { signal: controller.signal },
      )
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ReportUploadError);
    expect((failure as Error).message).toBe(
      `Uploading the report to s3://${BUCKET}/t/never.json failed: deadline reached. Nothing was stored. Retry; if it fails again, S3's answer above says why.`,
    );
    expect(proxy.seen).toEqual([]);
  });

  describe("head", () => {
    beforeAll(async () => {
      await createS3ReportStore({ client: s3.client(), bucket: BUCKET }).upload({
        key: "t/head.json",
        body: Readable.from([Buffer.from("{}\n")]),
        contentType: "application/json",
        metadata: { checksum: "c0ffee" },
      });
    });

    it("answers a stored object's size and metadata, and nothing for a missing key", async () => {
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });

      const found = await store.head?.("t/head.json");
      const missing = await store.head?.("t/nowhere.json");

      expect(found).toEqual({ bytes: 3, metadata: { checksum: "c0ffee" } });
      expect(missing).toBeUndefined();
    });

    it("fails, rather than answering 'missing', when S3 refuses the request", async () => {
      const stranger = createS3Client({
        endpoint: s3.endpoint,
        region: "us-east-1",
        credentials: {
          accessKeyId: S3RVER_CREDENTIALS.accessKeyId,
          secretAccessKey: "wrong-secret-never-shown",
        },
      });
      onTestFinished(() => stranger.destroy());
      const store = createS3ReportStore({ client: stranger, bucket: BUCKET });

      const error = await store.head?.("t/head.json").catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ReportStoreReadError);
      // HeadObject needs s3:GetObject (S3 API reference); a HEAD answer carries no error text.
      expect((error as Error).message).toMatch(
        /^Reading s3:\/\/reports\/t\/head\.json failed: .+\. Check that the credentials in use are valid and may use s3:GetObject on this bucket and prefix\.$/,
      );
      expect((error as Error).message).not.toContain("never-shown");
    });
  });

  describe("read", () => {
    const body = Buffer.from('{"estate":"stored"}\n');
    beforeAll(async () => {
      await createS3ReportStore({ client: s3.client(), bucket: BUCKET }).upload({
        key: "t/read.json",
        body: Readable.from([body]),
        contentType: "application/json",
        metadata: {},
      });
    });

    it("answers a stored object's bytes up to maxBytes", async () => {
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });

      const bytes = await store.read("t/read.json", { maxBytes: body.length });

      expect(Buffer.from(bytes)).toEqual(body);
    });

    it("refuses an object over maxBytes without reading it, naming both sizes", async () => {
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });

      const error = await store.read("t/read.json", { maxBytes: body.length - 1 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ReportStoreReadError);
      expect((error as Error).message).toBe(
        `Reading s3://${BUCKET}/t/read.json failed: ${body.length} bytes, more than the ${body.length - 1} allowed.`,
      );
    });

    it("names S3's answer for a missing key in one sentence", async () => {
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });

      const error = await store.read("t/missing.json", { maxBytes: 1024 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ReportStoreReadError);
      expect((error as Error).message).toBe(
        `Reading s3://${BUCKET}/t/missing.json failed: NoSuchKey: The specified key does not exist. The object is gone: the bucket's lifecycle rules may have expired it.`,
      );
    });
  });

  describe("presign", () => {
    beforeAll(async () => {
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
      await store.upload({
        key: "t/link.json",
        body: Readable.from([Buffer.from('{"ok":true}')]),
        contentType: "application/json",
        metadata: {},
      });
    });

    it("signs a GET URL that the server serves with the download name", async () => {
      // Prepare
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });

      // Act
      const link = await store.presign("t/link.json", { expiresInSeconds: 60, fileName: "report.json" });
      const response = await fetch(link.url);

      // Assess
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('{"ok":true}');
      expect(response.headers.get("content-disposition")).toBe('attachment; filename="report.json"');
      expect(new URL(link.url).searchParams.get("X-Amz-Expires")).toBe("60");
      expect(link.shortenedBy).toBeUndefined();
    });

    it("is refused by the server once tampered with or pointed at another key", async () => {
      // Prepare
      const store = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
      const link = await store.presign("t/link.json", { expiresInSeconds: 60 });
      const tampered = new URL(link.url);
      const signature = tampered.searchParams.get("X-Amz-Signature") ?? "";
      tampered.searchParams.set(
        "X-Amz-Signature",
        `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`,
      );
      const otherKey = new URL(link.url);
      otherKey.pathname = otherKey.pathname.replace("link.json", "kms.json");

      // Act
      const responses = await Promise.all([fetch(tampered), fetch(otherKey)]);

      // Assess
      expect(responses.map((response) => response.status)).toEqual([403, 403]);
      expect(await responses[0]?.text()).toContain("SignatureDoesNotMatch");
    });

    it("is refused by the server once expired", async () => {
      // Prepare: signed an hour ago for one second.
      const store = createS3ReportStore({
        client: s3.client(),
        bucket: BUCKET,
        now: () => new Date(Date.now() - 3_600_000),
      });

      // Act
      const link = await store.presign("t/link.json", { expiresInSeconds: 1 });
      const response = await fetch(link.url);

      // Assess
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("AccessDenied");
      expect(link.expiresAt.getTime()).toBeLessThan(Date.now());
    });

    it("caps the lifetime at 7 days and at the expiry of temporary credentials", async () => {
      // Prepare
      const capped = createS3ReportStore({ client: s3.client(), bucket: BUCKET });
      const expiring = createS3ReportStore({
        client: createS3Client({
          endpoint: s3.endpoint,
          region: "us-east-1",
          credentials: { ...S3RVER_CREDENTIALS, expiration: new Date(Date.now() + 120_000) },
        }),
        bucket: BUCKET,
      });

      // Act
      const long = await capped.presign("t/link.json", { expiresInSeconds: 30 * 86_400 });
      const short = await expiring.presign("t/link.json", { expiresInSeconds: 3_600 });

      // Assess
      expect(new URL(long.url).searchParams.get("X-Amz-Expires")).toBe("604800");
      expect(Number(new URL(short.url).searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(120);
      expect(short.shortenedBy).toBe("credentials");
      expect(short.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
      expect((await fetch(short.url)).status).toBe(200);
    });
  });
});
