import { mkdtemp, readdir, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "@20minutes/s3rver";
import router from "@20minutes/s3rver/lib/routes.js";
import type { S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "#lib/aws/s3-report-store.ts";
import { installBucketPathSignatureFix } from "../../local/s3rver-bucket-paths.ts";
import { installConditionalWrites } from "../../local/s3rver-conditional-writes.ts";

/** s3rver's hard-coded account; any other key or secret fails its SigV4 check. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface LocalS3 {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly server: S3rver;
  /** A client for the server (path-style, checksums when required). */
  client(options?: { endpoint?: string; maxAttempts?: number }): S3Client;
  /** Keys of every object in `bucket`. */
  listKeys(bucket: string): Promise<string[]>;
  /** Multipart uploads begun and neither completed nor aborted (read from the server's store). */
  listPendingUploads(bucket: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts @20minutes/s3rver in-process on 127.0.0.1 with fresh buckets. It checks SigV4 signatures
 * and presigned-URL expiry like S3, and (local/s3rver-conditional-writes.ts) refuses a write with
 * `If-None-Match: *` to a key that exists, as S3 does. Buckets come from `configureBuckets` (its CreateBucket rejects
 * the SDK's signature).
 */
export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  installAbortMultipartUpload();
  installBucketPathSignatureFix();
  installConditionalWrites();
  const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const clients: S3Client[] = [];
  const client = (options: { endpoint?: string; maxAttempts?: number } = {}) => {
    const created = createS3Client({
      endpoint: options.endpoint ?? endpoint,
      region: "us-east-1",
      credentials: S3RVER_CREDENTIALS,
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    });
    clients.push(created);
    return created;
  };
  return {
    endpoint,
    server,
    client,
    async listKeys(bucket) {
      // Read from the store: s3rver 4 signs bucket-level paths differently from the SDK (ListObjects fails).
      const { objects } = await server.store.listObjects(bucket, {});
      return objects.map((object) => object.key);
    },
    async listPendingUploads(bucket) {
      const uploads = server.store.getResourcePath(bucket, undefined, "uploads");
      return readdir(uploads).catch(() => []);
    },
    async close() {
      for (const created of clients) created.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

let abortInstalled = false;

/**
 * s3rver 4 answers AbortMultipartUpload (DELETE /bucket/key?uploadId=…) with 405. Add the real
 * operation to its router, after its SigV4 check: drop the upload's parts, answer 204, or 404 NoSuchUpload.
 */
function installAbortMultipartUpload(): void {
  if (abortInstalled) return;
  abortInstalled = true;
  const layer = router.stack.find(
    (item) => item.path === "/:bucket/:key+" && item.methods.includes("DELETE"),
  );
  const original = layer?.stack.at(-1);
  if (layer === undefined || original === undefined)
    throw new Error("s3rver's DELETE object route was not found");
  layer.stack[layer.stack.length - 1] = async (ctx, next) => {
    if (ctx.params.queryMethod !== "uploadId") return original(ctx, next);
    const uploadId = String(ctx.query.uploadId);
    const uploads = ctx.store.getResourcePath(ctx.params.bucket, undefined, "uploads");
    const pending = await readdir(uploads).catch(() => [] as string[]);
    if (!/^[A-Za-z0-9-]+$/.test(uploadId) || !pending.includes(uploadId)) {
      ctx.status = 404;
      ctx.type = "application/xml";
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
      return;
    }
    await rm(join(uploads, uploadId), { recursive: true, force: true });
    ctx.status = 204;
  };
}
