import { Signer } from "@aws-sdk/rds-signer";
import { DatabaseAccessError } from "../errors.ts";
import { type CredentialProvider, createAssumedRoleCredentials } from "./clients.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

export interface RdsAuthTokenOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly region: string;
  /** A role in the database's account (cross-account estates); default the SDK's credential chain. */
  readonly roleArn?: string;
  readonly externalId?: string;
  /** Credentials to sign with instead of the chain (tests). */
  readonly credentials?:
    | CredentialProvider
    | { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * IAM database authentication: a function that makes a new token (valid 15 minutes, signed locally
 * with SigV4 by @aws-sdk/rds-signer, no network call) each time pg opens a connection. The token is
 * the password: it never appears in a message.
 */
export function createRdsAuthToken(options: RdsAuthTokenOptions): () => Promise<string> {
  const credentials =
    options.roleArn === undefined
      ? options.credentials
      : createAssumedRoleCredentials({
          roleArn: options.roleArn,
          ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
          region: options.region,
        });
  const signer = new Signer({
    hostname: options.host,
    port: options.port,
    username: options.user,
    region: options.region,
    ...(credentials === undefined ? {} : { credentials: credentials as CredentialProvider }),
  });
  return async () => {
    try {
      return await signer.getAuthToken();
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      const said = error instanceof Error ? toMessageClause(error.message) : "";
      throw new DatabaseAccessError(
        `Could not make an IAM authentication token for ${options.user} at ${options.host}:${options.port} (${name}${said === "" ? "" : `: ${said}`}): signing it needs AWS credentials (on AWS the function's role; elsewhere AWS_PROFILE or the access keys)${options.roleArn === undefined ? "" : ` allowed to assume ${options.roleArn}`}.`,
        { cause: error },
      );
    }
  };
}
