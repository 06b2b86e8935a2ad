import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";

/**
 * Asymmetric signatures over a file's bytes, with the two algorithms AWS KMS and OpenSSL share:
 * ECDSA on P-256 with SHA-256 (a DER signature), and RSASSA-PSS with SHA-256, MGF1-SHA-256 and a
 * 32-byte salt. A signature proves who holds the private key; anyone can check it with the public
 * key (`openssl dgst -sha256 -verify pub.pem -signature FILE.sig FILE`).
 */
export type SignatureAlgorithm = "ECDSA_SHA_256" | "RSASSA_PSS_SHA_256";

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ["ECDSA_SHA_256", "RSASSA_PSS_SHA_256"];

/** Who signs: the algorithm, the public key's fingerprint, and the KMS key when it is one. */
export interface SignerIdentity {
  readonly algorithm: SignatureAlgorithm;
  /** Lowercase hex SHA-256 of the public key's DER SubjectPublicKeyInfo (`openssl pkey -pubin -outform DER | sha256sum`). */
  readonly publicKeySha256: string;
  /** The AWS KMS key ARN, when the key lives in KMS. */
  readonly keyId?: string;
}

/** A port: something that signs bytes with a private key it may never show (a PEM file, AWS KMS). */
export interface Signer {
  identify(signal?: AbortSignal): Promise<SignerIdentity>;
  sign(message: Buffer, signal?: AbortSignal): Promise<Buffer>;
}

/** Why a key cannot be used, completing "FILE …". */
export class UnusableKeyError extends Error {
  override readonly name = "UnusableKeyError";
}

/** Signs with a private key in a PEM file (PKCS#8, SEC1 or PKCS#1; not encrypted). */
export function createPemSigner(pem: string): Signer {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch (error) {
    const encrypted = /ENCRYPTED|passphrase/i.test(`${pem.slice(0, 200)} ${(error as Error).message}`);
    throw new UnusableKeyError(
      encrypted
        ? "is an encrypted private key: decrypt it first (openssl pkey -in FILE -out plain.pem), or keep the key in AWS KMS"
        : "is not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)",
      { cause: error },
    );
  }
  const publicKey = createPublicKey(key);
  const identity: SignerIdentity = {
    algorithm: selectAlgorithm(publicKey),
    publicKeySha256: fingerprintPublicKey(publicKey),
  };
  return {
    identify: async () => identity,
    sign: async (message) => signWith(key, identity.algorithm, message),
  };
}

/** Reads a public key from PEM (a SubjectPublicKeyInfo, or a certificate's key); a private key is refused. */
export function readPublicKey(pem: string): KeyObject {
  if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(pem)) {
    throw new UnusableKeyError(
      "is a private key: give the public key (openssl pkey -in key.pem -pubout -out pub.pem), which is all verify needs",
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (error) {
    throw new UnusableKeyError("is not a PEM public key (-----BEGIN PUBLIC KEY-----)", { cause: error });
  }
  selectAlgorithm(key);
  return key;
}

/** Reads a DER SubjectPublicKeyInfo (what KMS GetPublicKey answers). */
export function readDerPublicKey(der: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
}

/** The algorithm a key signs with: ECDSA_SHA_256 for P-256, RSASSA_PSS_SHA_256 for RSA of 2048 bits or more. */
export function selectAlgorithm(key: KeyObject): SignatureAlgorithm {
  // Every asymmetric KeyObject has a type and details; a symmetric one is no signing key at all.
  const { namedCurve, modulusLength = 0 } = key.asymmetricKeyDetails ?? {};
  const type = String(key.asymmetricKeyType);
  if (type === "ec" && namedCurve === "prime256v1") return "ECDSA_SHA_256";
  if ((type === "rsa" || type === "rsa-pss") && modulusLength >= 2048) return "RSASSA_PSS_SHA_256";
  const what =
    type === "ec"
      ? `an EC key on ${namedCurve}`
      : type.startsWith("rsa")
        ? `an RSA key of ${modulusLength} bits`
        : `an ${type} key`;
  throw new UnusableKeyError(
    `is ${what}: use an EC key on P-256 (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256) or an RSA key of 2048 bits or more, as AWS KMS's ECC_NIST_P256 and RSA_2048 to RSA_4096 keys`,
  );
}

/** Lowercase hex SHA-256 of the key's DER SubjectPublicKeyInfo. */
export function fingerprintPublicKey(key: KeyObject): string {
  return createHash("sha256")
    .update(key.export({ format: "der", type: "spki" }))
    .digest("hex");
}

/** Checks a signature over `message`; false (never a throw) for a signature that is not well formed. */
export function verifySignature(
  message: Buffer,
  signature: Buffer,
  key: KeyObject,
  algorithm: SignatureAlgorithm,
): boolean {
  try {
    return verify("sha256", message, keyOptions(key, algorithm), signature);
  } catch {
    return false;
  }
}

function signWith(key: KeyObject, algorithm: SignatureAlgorithm, message: Buffer): Buffer {
  return sign("sha256", message, keyOptions(key, algorithm));
}

function keyOptions(key: KeyObject, algorithm: SignatureAlgorithm) {
  // KMS's RSASSA_PSS_SHA_256 uses a salt as long as the digest (32 bytes); ECDSA signatures are DER.
  return algorithm === "RSASSA_PSS_SHA_256"
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key, dsaEncoding: "der" as const };
}
