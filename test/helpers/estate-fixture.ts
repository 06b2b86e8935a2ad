import { PutObjectCommand } from "@aws-sdk/client-s3";
import { vi } from "vitest";
import type { DataApiServer } from "../../local/data-api/server.ts";
import { databaseNameOf, RESOURCE_ARN, SECRET_ARN, startTestEndpoint } from "../data-api/harness.ts";
import {
  DATASETS,
  DEMO_SEED,
  type FixtureSource,
  openTestDatabase,
  SCHEMAS,
  type TestDatabase,
  type TestTarget,
} from "./kong-db.ts";
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from "./local-s3.ts";

export const REPORT_BUCKET = "reports";
export const CONFIG_BUCKET = "kong-config";
export const ENVIRONMENTS_KEY = "estate/environments.json";

/** Kong databases an estate test can list, each behind its own local Data API endpoint. */
export const ESTATE_DATABASES = {
  /** The demo deployment (lib/demo/seed.sql documents its values). */
  demo: [SCHEMAS.ee313, DEMO_SEED],
  /** Kong's T2 data set (test/fixtures/datasets/t2-kong-39.sql documents its values). */
  t2: [SCHEMAS.ee313, DATASETS.t2Kong39],
  /** Not a Kong database: the collector refuses it. */
  notKong: [DATASETS.notKong],
} as const satisfies Record<string, readonly FixtureSource[]>;

export type EstateDatabase = keyof typeof ESTATE_DATABASES;

export interface EstateFixture {
  readonly db: TestDatabase;
  readonly s3: LocalS3;
  /** What the estate functions need besides the environments: bucket, prefix, where the file is. */
  readonly env: Record<string, string>;
  /** A `data_api` entry for the environments file, reaching `database` through its endpoint. */
  dataApi(database: EstateDatabase): Record<string, string>;
  /** Writes the environments file to its S3 object. */
  writeEnvironments(file: unknown): Promise<void>;
  close(): Promise<void>;
}

/**
 * The world of an estate test: a test database (PGlite or PostgreSQL) holding each of `databases` in
 * its own schema behind its own local Data API endpoint, the SigV4-checking local S3 with the report
 * and config buckets, and the SDK's credential chain pointed at it (vi.stubEnv; unstubbed on close).
 */
export async function startEstateFixture(
  target: TestTarget,
  databases: readonly EstateDatabase[],
): Promise<EstateFixture> {
  const db = await openTestDatabase(target);
  const endpoints = new Map<EstateDatabase, DataApiServer>();
  for (const name of databases) {
    const fixture = await db.createFixture(...ESTATE_DATABASES[name]);
    endpoints.set(name, await startTestEndpoint(db, fixture.schema));
  }
  const s3 = await startLocalS3([REPORT_BUCKET, CONFIG_BUCKET]);
  vi.stubEnv("AWS_ACCESS_KEY_ID", S3RVER_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", S3RVER_CREDENTIALS.secretAccessKey);
  vi.stubEnv("AWS_REGION", "us-east-1");
  return {
    db,
    s3,
    env: {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      REPORT_BUCKET,
      REPORT_PREFIX: "license-reports/",
      REPORT_URL_TTL_SECONDS: "300",
      ESTATE_ENVIRONMENTS: `s3://${CONFIG_BUCKET}/${ENVIRONMENTS_KEY}`,
      ESTATE_CONCURRENCY: "2",
    },
    dataApi(database) {
      const endpoint = endpoints.get(database);
      if (endpoint === undefined) throw new Error(`${database} was not started in this fixture`);
      return {
        resource_arn: RESOURCE_ARN,
        secret_arn: SECRET_ARN,
        database: databaseNameOf(db),
        endpoint: endpoint.url,
      };
    },
    async writeEnvironments(file) {
      await s3
        .client()
        .send(
          new PutObjectCommand({ Bucket: CONFIG_BUCKET, Key: ENVIRONMENTS_KEY, Body: JSON.stringify(file) }),
        );
    },
    async close() {
      vi.unstubAllEnvs();
      await s3.close();
      for (const endpoint of endpoints.values()) await endpoint.close();
      await db.close();
    },
  };
}
