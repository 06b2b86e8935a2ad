import { ConfigError } from "../errors.ts";
import { CLUSTER_NAME_PATTERN, CLUSTER_NAME_RULE } from "../history/cluster.ts";
import type { LogLevel } from "../log.ts";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "../report/checksum.ts";
import { readKeyPrefix } from "../store/key-prefix.ts";
import { MAX_PRESIGN_SECONDS } from "../store/report-store.ts";
import { type Env, matching, optional, optionalUrl, readChoice, readInteger } from "./read-env.ts";

/** Where reports go and how they are linked (every function that stores or lists reports). */
export interface StorageConfig {
  readonly bucket: string;
  /** Key prefix, empty or ending with "/". */
  readonly prefix: string;
  readonly urlTtlSeconds: number;
  readonly timeZone: string;
  /** SSE-KMS key; without it objects are encrypted with SSE-S3 (AES256). */
  readonly kmsKeyId?: string;
  /** AWS_ENDPOINT_URL_S3: a local S3 server, addressed path-style. */
  readonly s3Endpoint?: string;
  /** REPORT_CHECKSUM_ALGORITHM: Kong's SHA-1 by default. */
  readonly checksumAlgorithm: ChecksumAlgorithm;
  readonly logLevel: LogLevel;
  /** CLUSTER_NAME: the label on the report's page, details and CSV; groups its stored reports. */
  readonly clusterName?: string;
}

/** What listing stored reports needs: the bucket, the prefix and the link lifetime (no database). */
export interface ListingConfig {
  readonly bucket: string;
  readonly prefix: string;
  readonly urlTtlSeconds: number;
  readonly s3Endpoint?: string;
  readonly logLevel: LogLevel;
}

export const DEFAULT_PREFIX = "license-reports/";
export const DEFAULT_URL_TTL_SECONDS = 900;
/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_URL_TTL_SECONDS = MAX_PRESIGN_SECONDS;

export const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Reads and validates the bucket, prefix, link lifetime, time zone, encryption and log level. */
export function readStorageConfig(env: Env): StorageConfig {
  const s3Endpoint = optionalUrl(env, "AWS_ENDPOINT_URL_S3", ["http:", "https:"]);
  const kmsKeyId = optional(env, "REPORT_KMS_KEY_ID");
  const clusterName = optional(env, "CLUSTER_NAME");
  if (clusterName !== undefined && !CLUSTER_NAME_PATTERN.test(clusterName)) {
    throw new ConfigError(
      "CLUSTER_NAME",
      `CLUSTER_NAME "${clusterName}" is invalid. Expected ${CLUSTER_NAME_RULE}.`,
    );
  }
  return {
    bucket: readBucket(env),
    prefix: readPrefix(env),
    urlTtlSeconds: readUrlTtl(env),
    timeZone: readTimeZone(env),
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    checksumAlgorithm: readChoice(env, "REPORT_CHECKSUM_ALGORITHM", CHECKSUM_ALGORITHMS, "sha1"),
    logLevel: readChoice(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    ...(clusterName === undefined ? {} : { clusterName }),
  };
}

/** Reads the listing's settings (GET /license/reports); the database variables are not needed. */
export function readListingConfig(env: Env): ListingConfig {
  const s3Endpoint = optionalUrl(env, "AWS_ENDPOINT_URL_S3", ["http:", "https:"]);
  return {
    bucket: readBucket(env),
    prefix: readPrefix(env),
    urlTtlSeconds: readUrlTtl(env),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    logLevel: readChoice(env, "LOG_LEVEL", LOG_LEVELS, "info"),
  };
}

function readUrlTtl(env: Env): number {
  return readInteger(env, "REPORT_URL_TTL_SECONDS", {
    min: 1,
    max: MAX_URL_TTL_SECONDS,
    fallback: DEFAULT_URL_TTL_SECONDS,
    hint: "seconds a download link stays valid; at most 604800 (7 days, the SigV4 limit)",
  });
}

function readBucket(env: Env): string {
  return matching(
    env,
    "REPORT_BUCKET",
    BUCKET_NAME,
    "an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens",
  );
}

function readPrefix(env: Env): string {
  const raw = env.REPORT_PREFIX;
  if (raw === undefined) return DEFAULT_PREFIX;
  const read = readKeyPrefix(raw, "REPORT_PREFIX");
  if ("problem" in read) throw new ConfigError("REPORT_PREFIX", read.problem);
  return read.prefix;
}

function readTimeZone(env: Env): string {
  const timeZone = optional(env, "REPORT_TIME_ZONE") ?? "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new ConfigError(
      "REPORT_TIME_ZONE",
      `REPORT_TIME_ZONE "${timeZone}" is not an IANA time zone. Use a name such as UTC, Europe/Paris or America/New_York.`,
    );
  }
  return timeZone;
}
