import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "@20minutes/s3rver";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { installBucketPathSignatureFix } from "../s3rver-bucket-paths.ts";
import { installConditionalWrites } from "../s3rver-conditional-writes.ts";
import { LOCAL_RESOURCES } from "./local-resources.ts";

/** s3rver's fixed account: it checks SigV4 signatures made with these. */
const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" } as const;

/** The local S3: where it listens, how to put a file in the report bucket, and how to stop it. */
export interface LocalS3 {
  readonly endpoint: string;
  /** Writes one object of the report bucket, as a deployer would (aws s3 cp). */
  put(key: string, body: string): Promise<void>;
  close(): Promise<void>;
}

/** s3rver on a free loopback port, with the report bucket, over a temporary directory removed on close. */
export async function startS3(): Promise<LocalS3> {
  installBucketPathSignatureFix();
  installConditionalWrites();
  const directory = await mkdtemp(join(tmpdir(), "kong-local-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: LOCAL_RESOURCES.bucket }],
  });
  const address = (await server.run()) as AddressInfo;
  // Node's 5 s idle timeout races clients that reuse a pooled socket when the machine is busy
  // (ECONNRESET on a presigned GET); S3 keeps idle connections far longer.
  const http = (server as unknown as { httpServer?: { keepAliveTimeout: number } }).httpServer;
  if (http !== undefined) http.keepAliveTimeout = 60_000;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: {
      accessKeyId: S3RVER_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
  });
  return {
    endpoint,
    put: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: key, Body: body }));
    },
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * The SDK clients take credentials from the environment, as in Lambda: give them s3rver's account
 * (the local Data API does not check signatures) and keep any real AWS identity out of the way.
 */
export function useS3rverCredentials(): () => void {
  const names = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, S3RVER_CREDENTIALS, { AWS_REGION: "us-east-1" });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
