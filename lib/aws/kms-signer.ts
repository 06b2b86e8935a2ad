import { createHash } from "node:crypto";
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
} from "@aws-sdk/client-kms";
import { ReportUploadError } from "../errors.ts";
import {
  fingerprintPublicKey,
  readDerPublicKey,
  type SignatureAlgorithm,
  type Signer,
  type SignerIdentity,
  selectAlgorithm,
} from "../shared/signature.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

/** KMS key specs this tool signs with, and the algorithm each uses (the one OpenSSL checks too). */
const ALGORITHM_OF: Readonly<Record<string, SignatureAlgorithm>> = {
  ECC_NIST_P256: "ECDSA_SHA_256",
  RSA_2048: "RSASSA_PSS_SHA_256",
  RSA_3072: "RSASSA_PSS_SHA_256",
  RSA_4096: "RSASSA_PSS_SHA_256",
};

/** What to do about each KMS refusal, in the words of the deployment. */
const ADVICE: Readonly<Record<string, string>> = {
  AccessDeniedException:
    "the key policy must allow this function's role kms:Sign and kms:GetPublicKey (infra/signing.yml)",
  NotFoundException: "check REPORT_SIGNING_KEY_ID names a key of this account and region",
  DisabledException: "enable the key (aws kms enable-key), or unset REPORT_SIGNING_KEY_ID",
  KMSInvalidStateException:
    "the key is pending deletion or unavailable: cancel the deletion or use another key",
  InvalidKeyUsageException:
    "the key must be an asymmetric SIGN_VERIFY key (ECC_NIST_P256 or RSA_2048 to RSA_4096)",
};

export interface KmsClientOptions {
  /** Another endpoint (the local KMS of the tests); the SDK also reads AWS_ENDPOINT_URL_KMS. */
  readonly endpoint?: string;
}

/** The KMS client, built once per container: the SDK's region, credentials and retries. */
export function createKmsClient(options: KmsClientOptions = {}): KMSClient {
  return new KMSClient({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    // Sign answers in milliseconds; a stuck connection must not eat the function's deadline.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
  });
}

/**
 * Signs with an asymmetric AWS KMS key (the private key never leaves KMS). `identify` reads the
 * public key once per container (GetPublicKey: its spec decides the algorithm, its fingerprint goes
 * into the manifest); `sign` sends the SHA-256 of the message (MessageType DIGEST, so a manifest of
 * any size can be signed; KMS's RAW messages stop at 4 KB). The signature is what `openssl dgst
 * -sha256 -verify` checks over the message itself. A refusal is a ReportUploadError naming the key
 * and what to do: a report that should be signed is not stored unsigned.
 */
export function createKmsSigner(options: { readonly client: KMSClient; readonly keyId: string }): Signer {
  let identity: Promise<SignerIdentity> | undefined;
  const identify = (signal?: AbortSignal): Promise<SignerIdentity> => {
    identity ??= readIdentity(options.client, options.keyId, signal);
    // A failure is not kept: the next report asks again (a policy fixed meanwhile, a throttle).
    identity.catch(() => {
      identity = undefined;
    });
    return identity;
  };
  return {
    identify,
    async sign(message, signal) {
      const { algorithm, keyId } = await identify(signal);
      try {
        const answer = await options.client.send(
          new SignCommand({
            KeyId: keyId ?? options.keyId,
            Message: createHash("sha256").update(message).digest(),
            MessageType: "DIGEST",
            SigningAlgorithm: algorithm,
          }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        if (answer.Signature === undefined) throw new Error("KMS answered Sign without a signature");
        return Buffer.from(answer.Signature);
      } catch (error) {
        throw refuse(options.keyId, "Sign", error);
      }
    },
  };
}

async function readIdentity(client: KMSClient, keyId: string, signal?: AbortSignal): Promise<SignerIdentity> {
  let answer: GetPublicKeyCommandOutput;
  try {
    answer = await client.send(
      new GetPublicKeyCommand({ KeyId: keyId }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    throw refuse(keyId, "GetPublicKey", error);
  }
  const algorithm = ALGORITHM_OF[answer.KeySpec ?? ""];
  if (
    answer.KeyUsage !== "SIGN_VERIFY" ||
    algorithm === undefined ||
    answer.PublicKey === undefined ||
    !(answer.SigningAlgorithms ?? []).includes(algorithm)
  ) {
    throw new ReportUploadError(
      `The report was not stored: KMS key ${keyId} is a ${answer.KeySpec ?? "?"} key for ${answer.KeyUsage ?? "?"}; signing needs an asymmetric SIGN_VERIFY key of spec ECC_NIST_P256 (ECDSA_SHA_256) or RSA_2048 to RSA_4096 (RSASSA_PSS_SHA_256). Set REPORT_SIGNING_KEY_ID to such a key.`,
    );
  }
  const publicKey = readDerPublicKey(answer.PublicKey);
  // The key's own algorithm, as verify derives it from the public key an auditor is given.
  if (selectAlgorithm(publicKey) !== algorithm) {
    throw new ReportUploadError(
      `The report was not stored: KMS key ${keyId}'s public key does not match its spec.`,
    );
  }
  return {
    algorithm,
    publicKeySha256: fingerprintPublicKey(publicKey),
    ...(answer.KeyId === undefined ? {} : { keyId: answer.KeyId }),
  };
}

/** A KMS call that failed (the SDK's errors; the one of ours: Sign answered without a signature). */
function refuse(keyId: string, operation: string, error: unknown): ReportUploadError {
  const name = (error as Error).name;
  const advice = ADVICE[name];
  return new ReportUploadError(
    `The report was not stored: signing its manifest with KMS key ${keyId} failed (${operation}: ${name}: ${toMessageClause((error as Error).message)})${advice === undefined ? "" : `; ${advice}`}.`,
    { cause: error },
  );
}
