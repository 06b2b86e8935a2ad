import { PassThrough, pipeline } from "node:stream";
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ReportStoreReadError, ReportUploadError } from "../errors.ts";
import {
  type ListedObjects,
  MAX_PRESIGN_SECONDS,
  type ObjectHead,
  type PresignedLink,
  type PresignOptions,
  type ReportStore,
  type ReportUpload,
  type StoredReport,
} from "../store/report-store.ts";
import { adviseOnS3Failure } from "./s3-advice.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

export interface S3ReportStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** SSE-KMS key id or ARN; without it objects use SSE-S3 (AES256). */
  readonly kmsKeyId?: string;
  /** Multipart part size (lib-storage minimum and default: 5 MiB). */
  readonly partSize?: number;
  readonly queueSize?: number;
  readonly now?: () => Date;
}

export interface S3ClientOptions {
  /** A local S3 server (AWS_ENDPOINT_URL_S3); switches to path-style addressing. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: S3ClientConfig["credentials"];
  readonly maxAttempts?: number;
}

/**
 * An S3 client for reports. Checksums only when required: a streamed body of unknown length
 * cannot carry the default CRC32 trailer on PutObject, and presigned GET URLs stay plain.
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  return new S3Client({
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}

/** The report store on S3: streamed multipart upload (aborted on failure) and presigned GET links. */
export function createS3ReportStore(options: S3ReportStoreOptions): ReportStore {
  const { client, bucket } = options;
  const now = options.now ?? (() => new Date());
  const head = async (key: string, signal: AbortSignal | undefined): Promise<ObjectHead | undefined> => {
    try {
      const answer = await client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      return { bytes: answer.ContentLength ?? 0, metadata: { ...answer.Metadata } };
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      // A HEAD answer has no body: the SDK's error says little, the advice (by status) says what to do.
      throw new ReportStoreReadError(
        `Reading s3://${bucket}/${key} failed: ${describeSdkError(error)}. ${adviseOnS3Failure(error, "s3:GetObject")}`,
        { cause: error },
      );
    }
  };
  return {
    bucket,
    head: (key, headOptions = {}) => head(key, headOptions.signal),
    async upload(object: ReportUpload, uploadOptions = {}): Promise<StoredReport> {
      const { signal } = uploadOptions;
      const scoped = scopeClient(client, signal);
      // Upload reads this pass-through, which an abort destroys at once: destroying the source itself
      // can wait forever on a producer stuck in an await.
      const body = new PassThrough();
      pipeline(object.body, body, () => undefined);
      const upload = new Upload({
        client: scoped.client,
        params: {
          Bucket: bucket,
          Key: object.key,
          Body: body,
          ContentType: object.contentType,
          ...(object.fileName === undefined
            ? {}
            : { ContentDisposition: attachmentDisposition(object.fileName) }),
          Metadata: { ...object.metadata },
          // S3 conditional write: 412 when the key exists (single PutObject and CompleteMultipartUpload alike).
          ...(object.ifNoneMatch === true ? { IfNoneMatch: "*" } : {}),
          ...(options.kmsKeyId === undefined
            ? { ServerSideEncryption: "AES256" as const }
            : { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: options.kmsKeyId }),
        },
        queueSize: options.queueSize ?? 2,
        ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
        // On any failure lib-storage sends AbortMultipartUpload, so no parts are left billed.
        leavePartsOnError: false,
      });
      // Stop reading too, so an abort ends the upload without waiting for the source.
      const stopReading = () => body.destroy(abortReason(signal));
      signal?.addEventListener("abort", stopReading, { once: true });
      try {
        signal?.throwIfAborted();
        await upload.done();
        return { bucket, key: object.key };
      } catch (error) {
        body.destroy();
        if (object.ifNoneMatch === true && isPreconditionFailed(error)) {
          // Not written: another run stored this key first. Answer with what is there.
          const existing = await head(object.key, signal);
          if (existing !== undefined) return { bucket, key: object.key, alreadyStored: existing };
        }
        throw toUploadError(error, bucket, object.key, scoped.abortFailure());
      } finally {
        signal?.removeEventListener("abort", stopReading);
      }
    },
    async presign(key: string, presignOptions: PresignOptions): Promise<PresignedLink> {
      const requested = Math.max(
        1,
        Math.min(Math.floor(presignOptions.expiresInSeconds), MAX_PRESIGN_SECONDS),
      );
      const issuedAt = now();
      // A URL signed with temporary credentials dies with them: never promise a longer life.
      const credentials = await client.config.credentials();
      const credentialSeconds =
        credentials.expiration === undefined
          ? Number.POSITIVE_INFINITY
          : Math.floor((credentials.expiration.getTime() - issuedAt.getTime()) / 1000);
      const expiresIn = Math.max(1, Math.min(requested, credentialSeconds));
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(presignOptions.fileName === undefined
          ? {}
          : { ResponseContentDisposition: attachmentDisposition(presignOptions.fileName) }),
      });
      const url = await getSignedUrl(client, command, { expiresIn, signingDate: issuedAt });
      return {
        url,
        expiresAt: new Date(issuedAt.getTime() + expiresIn * 1000),
        ...(expiresIn < requested ? { shortenedBy: "credentials" as const } : {}),
      };
    },
    async list(request, listOptions = {}): Promise<ListedObjects> {
      // ListObjects (v1) with Marker: each page continues after a key this code picks, so the v2
      // continuation token would add nothing. Same permission: s3:ListBucket.
      try {
        const answer = await client.send(
          new ListObjectsCommand({
            Bucket: bucket,
            Prefix: request.prefix,
            MaxKeys: request.maxKeys,
            ...(request.startAfter === undefined ? {} : { Marker: request.startAfter }),
          }),
          listOptions.signal === undefined ? {} : { abortSignal: listOptions.signal },
        );
        const objects = (answer.Contents ?? []).flatMap((object) =>
          object.Key === undefined
            ? []
            : [
                {
                  key: object.Key,
                  bytes: object.Size ?? 0,
                  ...(object.LastModified === undefined ? {} : { lastModified: object.LastModified }),
                },
              ],
        );
        return { objects, truncated: answer.IsTruncated === true };
      } catch (error) {
        throw new ReportStoreReadError(
          `Listing the stored reports under s3://${bucket}/${request.prefix} failed: ${describeSdkError(error)}. ${adviseOnS3Failure(error, "s3:ListBucket")}`,
          { cause: error },
        );
      }
    },
    async read(key, readOptions): Promise<Uint8Array> {
      const where = `s3://${bucket}/${key}`;
      let bytes: Uint8Array;
      try {
        const answer = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key }),
          readOptions.signal === undefined ? {} : { abortSignal: readOptions.signal },
        );
        if ((answer.ContentLength ?? 0) > readOptions.maxBytes) {
          answer.Body?.transformToWebStream().cancel();
          throw new ReportStoreReadError(
            `Reading ${where} failed: ${answer.ContentLength} bytes, more than the ${readOptions.maxBytes} allowed.`,
          );
        }
        bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (error) {
        if (error instanceof ReportStoreReadError) throw error;
        throw new ReportStoreReadError(
          `Reading ${where} failed: ${describeSdkError(error)}. ${adviseOnS3Failure(error, "s3:GetObject")}`,
          { cause: error },
        );
      }
      return bytes;
    },
  };
}

/**
 * The client lib-storage drives, with the caller's abort signal added to the data-carrying requests
 * (PutObject, UploadPart) so an abort stops them mid-flight. AbortMultipartUpload never gets the
 * signal: it is the cleanup that must still run after an abort.
 */
function scopeClient(client: S3Client, signal: AbortSignal | undefined) {
  let abortFailure: unknown;
  const send = async (command: unknown, sendOptions?: Record<string, unknown>) => {
    const carriesData = command instanceof PutObjectCommand || command instanceof UploadPartCommand;
    const withSignal =
      carriesData && signal !== undefined ? { ...sendOptions, abortSignal: signal } : sendOptions;
    try {
      return await (client.send as (c: unknown, o?: unknown) => Promise<unknown>)(command, withSignal);
    } catch (error) {
      if (command instanceof AbortMultipartUploadCommand) abortFailure = error;
      throw error;
    }
  };
  const scoped = new Proxy(client, {
    get(target, property) {
      return property === "send" ? send : Reflect.get(target, property, target);
    },
  });
  return { client: scoped, abortFailure: () => abortFailure };
}

function toUploadError(
  error: unknown,
  bucket: string,
  key: string,
  abortFailure: unknown,
): ReportUploadError {
  const where = `s3://${bucket}/${key}`;
  const reason = describeSdkError(error);
  const leftover =
    abortFailure === undefined
      ? "Nothing was stored."
      : `Aborting the multipart upload also failed (${describeSdkError(abortFailure)}); the bucket's lifecycle rule for incomplete multipart uploads removes the parts.`;
  return new ReportUploadError(
    `Uploading the report to ${where} failed: ${reason}. ${leftover} ${adviseOnS3Failure(error, "s3:PutObject")}`,
    { cause: error },
  );
}

/** S3's answer to `If-None-Match: *` on a key that exists (lib-storage keeps the SDK's error). */
function isPreconditionFailed(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || (error as { name?: unknown }).name === "PreconditionFailed";
}

function describeSdkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  // A network failure's code (ECONNRESET) says more than the SDK's wrapper name.
  const code = (error as { code?: unknown }).code;
  const name = typeof code === "string" ? code : error.name;
  const message = toMessageClause(error.message);
  return message === "" || message === name ? name : `${name}: ${message}`;
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : Object.assign(new Error("The upload was aborted."), { name: "AbortError" });
}

/** `attachment; filename="…"` for an ASCII report file name. */
function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/["\\\r\n]/g, "_")}"`;
}
