import { ConfigError } from "../errors.ts";
import { type Env, optional, optionalUrl } from "./read-env.ts";

/** How the report functions sign a tar's manifest: an AWS KMS asymmetric key, when one is set. */
export interface SigningConfig {
  /** REPORT_SIGNING_KEY_ID: the KMS key (id, ARN, alias or alias ARN); unset: reports are not signed. */
  readonly signingKeyId?: string;
  /** AWS_ENDPOINT_URL_KMS: another KMS endpoint (the local one of the tests). */
  readonly kmsEndpoint?: string;
}

const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS = /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:)?alias\/[A-Za-z0-9/_-]{1,250}$/;

/** Reads and validates the signing key; the error names the variable and the forms KMS accepts. */
export function readSigningConfig(env: Env): SigningConfig {
  const kmsEndpoint = optionalUrl(env, "AWS_ENDPOINT_URL_KMS", ["http:", "https:"]);
  const signingKeyId = optional(env, "REPORT_SIGNING_KEY_ID");
  if (signingKeyId !== undefined && ![KEY_ID, KEY_ARN, ALIAS].some((form) => form.test(signingKeyId))) {
    throw new ConfigError(
      "REPORT_SIGNING_KEY_ID",
      `REPORT_SIGNING_KEY_ID "${signingKeyId}" is invalid. Expected an AWS KMS key id (1234abcd-12ab-34cd-56ef-1234567890ab), key ARN (arn:aws:kms:us-east-1:111122223333:key/…), alias (alias/kong-license-report) or alias ARN; unset, reports are not signed.`,
    );
  }
  return {
    ...(signingKeyId === undefined ? {} : { signingKeyId }),
    ...(kmsEndpoint === undefined ? {} : { kmsEndpoint }),
  };
}
