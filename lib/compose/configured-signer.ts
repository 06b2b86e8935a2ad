import { createKmsClient, createKmsSigner } from "../aws/kms-signer.ts";
import type { SigningConfig } from "../config/signing.ts";
import type { Signer } from "../shared/signature.ts";

/** The KMS signer of REPORT_SIGNING_KEY_ID, shared by the report and estate functions; none when unset. */
export function createConfiguredSigner(signing: SigningConfig | undefined): Signer | undefined {
  if (signing?.signingKeyId === undefined) return undefined;
  const { signingKeyId, kmsEndpoint } = signing;
  const client = createKmsClient(kmsEndpoint === undefined ? {} : { endpoint: kmsEndpoint });
  return createKmsSigner({ client, keyId: signingKeyId });
}
