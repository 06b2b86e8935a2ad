import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError, TimeoutError } from "../errors.ts";
import type { EnvironmentsLocation } from "../estate/types.ts";
import { describeAwsError, describeLocation } from "./environments-source.ts";

/** A contract is a few hundred bytes; anything past this is not one. */
const MAX_BYTES = 64 * 1024;

/**
 * Reads the contract file from its S3 object or SSM parameter (SecureString decrypted), the way the
 * estate reads its environments file, and says why it could not in the same words. A missing or
 * unreadable one is a ConfigError naming REPORT_CONTRACT; a read stopped by the deadline is a
 * TimeoutError.
 */
export async function readContractText(
  location: EnvironmentsLocation,
  clients: { readonly s3: () => S3Client; readonly ssm: () => SSMClient },
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  const where = describeLocation(location);
  const send = options.signal === undefined ? {} : { abortSignal: options.signal };
  try {
    if (location.kind === "s3") {
      const object = await clients
        .s3()
        .send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), send);
      if ((object.ContentLength ?? 0) > MAX_BYTES) {
        object.Body?.transformToWebStream().cancel();
        throw unreadable(where, `it is larger than ${MAX_BYTES} bytes`);
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
        `The deadline was reached while reading the contract ${where} (REPORT_CONTRACT); nothing was stored. Retry later.`,
        { cause: error },
      );
    }
    throw unreadable(where, describeAwsError(error));
  }
}

function unreadable(where: string, reason: string): ConfigError {
  return new ConfigError(
    "REPORT_CONTRACT",
    `The contract ${where} (REPORT_CONTRACT) could not be read: ${reason}. Check that it exists and that the function's role may read it (s3:GetObject or ssm:GetParameter).`,
  );
}
