import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError, TimeoutError } from "../errors.ts";
import type { EnvironmentsLocation } from "../estate/types.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

export interface EnvironmentsSourceClients {
  readonly s3: () => S3Client;
  readonly ssm: () => SSMClient;
}

/** The environments file's text and how messages name it. */
export interface EnvironmentsText {
  readonly text: string;
  readonly fileName: string;
}

/** The largest environments file read (1,000 environments with a role each take about 400 KB). */
const MAX_BYTES = 1024 * 1024;

/**
 * Reads the environments file from its configured S3 object or SSM parameter (SecureString
 * decrypted). A missing object or parameter, or one the function may not read, is a ConfigError
 * naming ESTATE_ENVIRONMENTS and the location; a read stopped by the caller's signal (the function's
 * deadline) is a TimeoutError, not a configuration problem.
 */
export async function readEnvironmentsText(
  location: EnvironmentsLocation,
  clients: EnvironmentsSourceClients,
  options: { readonly signal?: AbortSignal } = {},
): Promise<EnvironmentsText> {
  const fileName = describeLocation(location);
  const send = { ...(options.signal === undefined ? {} : { abortSignal: options.signal }) };
  try {
    if (location.kind === "s3") {
      const object = await clients
        .s3()
        .send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), send);
      if ((object.ContentLength ?? 0) > MAX_BYTES) {
        object.Body?.transformToWebStream().cancel();
        throw unreadable(fileName, `it is larger than ${MAX_BYTES} bytes`);
      }
      return { text: (await object.Body?.transformToString("utf-8")) ?? "", fileName };
    }
    const parameter = await clients
      .ssm()
      .send(new GetParameterCommand({ Name: location.name, WithDecryption: true }), send);
    return { text: parameter.Parameter?.Value ?? "", fileName };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (options.signal?.aborted === true) {
      throw new TimeoutError(
        `The deadline was reached while reading the environments file ${fileName} (ESTATE_ENVIRONMENTS); nothing was collected. Retry later, or raise the function timeout if this repeats.`,
        { cause: error },
      );
    }
    throw unreadable(fileName, describeAwsError(error));
  }
}

/** `s3://bucket/key` or `ssm:/name`, as ESTATE_ENVIRONMENTS writes it. */
export function describeLocation(location: EnvironmentsLocation): string {
  return location.kind === "s3" ? `s3://${location.bucket}/${location.key}` : `ssm:${location.name}`;
}

function unreadable(fileName: string, reason: string): ConfigError {
  return new ConfigError(
    "ESTATE_ENVIRONMENTS",
    `The environments file ${fileName} (ESTATE_ENVIRONMENTS) could not be read: ${reason}. Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).`,
  );
}

/** Why S3 or SSM did not give a file, in a few words: "no such parameter", "access denied", or the SDK's name and first line. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const known: Record<string, string> = {
    NoSuchKey: "no such object",
    NoSuchBucket: "no such bucket",
    ParameterNotFound: "no such parameter",
    AccessDenied: "access denied",
    AccessDeniedException: "access denied",
  };
  const message = toMessageClause(error.message);
  return known[error.name] ?? (message === "" ? error.name : `${error.name}: ${message}`);
}
