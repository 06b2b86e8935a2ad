import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ApiAccessError, TimeoutError } from "../errors.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

// A token kept out of the environments file: an SSM parameter (a SecureString, decrypted), or a
// Secrets Manager secret read through Parameter Store's /aws/reference/secretsmanager/ path (one SDK
// client for both; Parameter Store honours the secret's own IAM policy). The estate functions read no
// environment variable through the file, so on AWS this is how an admin_token stays a secret.

/** Where a token is kept. */
export type SecretReference =
  | { readonly kind: "ssm"; readonly name: string }
  | { readonly kind: "secretsmanager"; readonly id: string; readonly jsonKey?: string };

/** Parameter Store's path that reads a Secrets Manager secret. */
const SECRETS_MANAGER_PATH = "/aws/reference/secretsmanager/";

/**
 * The secret's value. A missing or unreadable parameter or secret is an ApiAccessError naming the
 * reference (never a value) and the permission to check; a secret read with `jsonKey` must be a JSON
 * object holding that key as a string.
 */
export async function readSecretReference(
  reference: SecretReference,
  ssm: () => SSMClient,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  const name = reference.kind === "ssm" ? reference.name : `${SECRETS_MANAGER_PATH}${reference.id}`;
  const where =
    reference.kind === "ssm"
      ? `admin_token {"ssm": "${reference.name}"}`
      : `admin_token {"secretsmanager": "${reference.id}"}`;
  let value: string | undefined;
  try {
    const answer = await ssm().send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
      options.signal === undefined ? {} : { abortSignal: options.signal },
    );
    value = answer.Parameter?.Value;
  } catch (error) {
    if (options.signal?.aborted === true) {
      throw new TimeoutError(`${where}: stopped at the deadline before it was read.`, { cause: error });
    }
    throw new ApiAccessError(`${where} could not be read: ${describeSsmError(error, reference)}.`);
  }
  if (value === undefined || value === "") throw new ApiAccessError(`${where} is empty.`);
  if (reference.kind === "ssm" || reference.jsonKey === undefined) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const token = (parsed as Record<string, unknown> | undefined)?.[reference.jsonKey];
  if (typeof token !== "string" || token === "") {
    throw new ApiAccessError(
      `${where}: the secret is not a JSON object with a string "${reference.jsonKey}" (json_key).`,
    );
  }
  return token;
}

function describeSsmError(error: unknown, reference: SecretReference): string {
  // The deployment's parameters that grant them (infra/estate.yml): only the estate functions read references.
  const permission =
    reference.kind === "ssm"
      ? "ssm:GetParameter on the parameter (and kms:Decrypt on its key), which the deployment grants under its estateTokenParameterPath (and estateTokenKmsKeyArn)"
      : "ssm:GetParameter on /aws/reference/secretsmanager/* and secretsmanager:GetSecretValue on the secret, which the deployment grants for the secret names under its estateTokenSecretPrefix (refer to the secret by name)";
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  if (error.name === "ParameterNotFound") {
    return reference.kind === "ssm" ? "no such parameter" : "no such secret";
  }
  if (error.name === "AccessDeniedException" || error.name === "AccessDenied") {
    return `access denied: the function's role needs ${permission}`;
  }
  const message = toMessageClause(error.message);
  return message === "" ? error.name : `${error.name}: ${message}`;
}
