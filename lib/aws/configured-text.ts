import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError, TimeoutError } from "../errors.ts";
import type { EnvironmentsLocation } from "../estate/types.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

export interface ConfiguredTextClients {
  readonly s3: () => S3Client;
  readonly ssm: () => SSMClient;
}

/** What is read and how its messages name it: the file, its variable, its size cap. */
export interface ConfiguredText {
  /** e.g. "the environments file", "the contract". */
  readonly what: string;
  /** The variable that points at it: ESTATE_ENVIRONMENTS, REPORT_CONTRACT. */
  readonly variable: string;
  readonly maxBytes: number;
  /** What a run stopped by its deadline did not do, e.g. "nothing was stored". */
  readonly whenStopped: string;
}

/**
 * Reads a file the deployment points at, from its S3 object or SSM parameter (SecureString
 * decrypted). A missing or unreadable one, or one past `maxBytes`, is a ConfigError naming the
 * variable and the location; a read stopped by the caller's signal (the function's deadline) is a
 * TimeoutError, not a configuration problem.
 */
export async function readConfiguredText(
  location: EnvironmentsLocation,
  file: ConfiguredText,
  clients: ConfiguredTextClients,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  const where = describeLocation(location);
  const send = options.signal === undefined ? {} : { abortSignal: options.signal };
  try {
    if (location.kind === "s3") {
      const object = await clients
        .s3()
        .send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), send);
      if ((object.ContentLength ?? 0) > file.maxBytes) {
        object.Body?.transformToWebStream().cancel();
        throw unreadable(file, where, `it is larger than ${file.maxBytes} bytes`);
      }
      return (await object.Body?.transformToString("utf-8")) ?? "";
    }
    const parameter = await clients
      .ssm()
      .send(new GetParameterCommand({ Name: location.name, WithDecryption: true }), send);
    return parameter.Parameter?.Value ?? "";
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (options.signal?.aborted === true) {
      throw new TimeoutError(
        `The deadline was reached while reading ${file.what} ${where} (${file.variable}); ${file.whenStopped}. Retry later, or raise the function timeout if this repeats.`,
        { cause: error },
      );
    }
    throw unreadable(file, where, describeAwsError(error));
  }
}

/** `s3://bucket/key` or `ssm:/name`, as the variables write it. */
export function describeLocation(location: EnvironmentsLocation): string {
  return location.kind === "s3" ? `s3://${location.bucket}/${location.key}` : `ssm:${location.name}`;
}

function unreadable(file: ConfiguredText, where: string, reason: string): ConfigError {
  return new ConfigError(
    file.variable,
    `${capitalize(file.what)} ${where} (${file.variable}) could not be read: ${reason}. Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).`,
  );
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function describeAwsError(error: unknown): string {
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
