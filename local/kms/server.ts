import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ServiceFault } from "../aws-json-server.ts";
import { listen } from "../listen.ts";
import { signDigestEcdsaP256, signDigestRsaPss } from "./prehashed.ts";

/**
 * A local AWS KMS endpoint for asymmetric signing keys: the service's JSON protocol (awsJson1_1,
 * `X-Amz-Target: TrentService.<Operation>`) for `GetPublicKey` and `Sign`, over key pairs made with
 * node:crypto, so the real `@aws-sdk/client-kms` client can be pointed at it (`endpoint: url` or
 * AWS_ENDPOINT_URL_KMS). It checks that a request is SigV4-signed for kms, not the signature itself:
 * for loopback use only, as the local Data API.
 */
export type LocalKeySpec = "ECC_NIST_P256" | "ECC_NIST_P384" | "RSA_2048" | "RSA_3072" | "RSA_4096";

export interface LocalKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: LocalKeySpec;
  /** The public key in PEM, what `aws kms get-public-key` gives an auditor. */
  readonly publicKeyPem: string;
}

export interface KmsServer {
  /** `http://host:port`, for the SDK's `endpoint` option. */
  readonly url: string;
  /**
   * Creates a key, as `aws kms create-key --key-usage SIGN_VERIFY --key-spec …` (ENCRYPT_DECRYPT: an
   * RSA key for encryption, whose GetPublicKey names encryption algorithms only).
   */
  createKey(
    keySpec: LocalKeySpec,
    options?: { readonly alias?: string; readonly keyUsage?: "SIGN_VERIFY" | "ENCRYPT_DECRYPT" },
  ): LocalKey;
  /** A disabled key answers DisabledException, as KMS does. */
  disableKey(keyId: string): void;
  /** A key pending deletion answers KMSInvalidStateException, as KMS does. */
  scheduleKeyDeletion(keyId: string): void;
  /** The next `calls` Sign requests answer AccessDeniedException (a key policy without kms:Sign). */
  denySign(calls?: number): void;
  /** The next request answers this error (e.g. ThrottlingException, 400), as KMS can. */
  failNext(type: string, message: string): void;
  /** Requests received, by operation. */
  calls(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

export interface KmsServerOptions {
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  readonly region?: string;
  readonly account?: string;
}

interface StoredKey extends LocalKey {
  readonly privateKey: KeyObject;
  readonly publicDer: Buffer;
  readonly keyUsage: "SIGN_VERIFY" | "ENCRYPT_DECRYPT";
  enabled: boolean;
  pendingDeletion: boolean;
}

const ALGORITHMS: Readonly<Record<LocalKeySpec, readonly string[]>> = {
  ECC_NIST_P256: ["ECDSA_SHA_256"],
  ECC_NIST_P384: ["ECDSA_SHA_384"],
  RSA_2048: ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256"],
  RSA_3072: ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256"],
  RSA_4096: ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256"],
};
/** The algorithms this endpoint can compute; KMS's others are refused by name. */
const COMPUTED = new Set(["ECDSA_SHA_256", "RSASSA_PSS_SHA_256"]);
/** KMS's limit for MessageType RAW. */
const MAX_RAW_BYTES = 4096;

const signedRequest = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/kms\/aws4_request/;

/** Starts the endpoint; resolves once it listens. */
export async function startKmsServer(options: KmsServerOptions = {}): Promise<KmsServer> {
  const region = options.region ?? "us-east-1";
  const account = options.account ?? "000000000000";
  const keys = new Map<string, StoredKey>();
  const aliases = new Map<string, string>();
  const counts: Record<string, number> = {};
  let deniedSigns = 0;
  let nextFault: ServiceFault | undefined;

  const find = (keyId: unknown): StoredKey => {
    if (typeof keyId !== "string" || keyId === "") {
      throw new ServiceFault(
        "ValidationException",
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
      );
    }
    const bare = keyId.replace(/^arn:aws[a-z-]*:kms:[^:]+:\d{12}:/, "");
    const id = bare.startsWith("alias/") ? aliases.get(bare) : bare.replace(/^key\//, "");
    const key = id === undefined ? undefined : keys.get(id);
    if (key === undefined) {
      throw new ServiceFault(
        "NotFoundException",
        `${bare.startsWith("alias/") ? "Alias" : "Key"} '${keyId}' does not exist`,
      );
    }
    if (key.pendingDeletion)
      throw new ServiceFault("KMSInvalidStateException", `${key.arn} is pending deletion.`);
    if (!key.enabled) throw new ServiceFault("DisabledException", `${key.arn} is disabled.`);
    return key;
  };

  const operations: Record<string, (request: Record<string, unknown>) => Record<string, unknown>> = {
    GetPublicKey(request) {
      const key = find(request.KeyId);
      return {
        KeyId: key.arn,
        PublicKey: key.publicDer.toString("base64"),
        CustomerMasterKeySpec: key.keySpec,
        KeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        ...(key.keyUsage === "SIGN_VERIFY"
          ? { SigningAlgorithms: ALGORITHMS[key.keySpec] }
          : { EncryptionAlgorithms: ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] }),
      };
    },
    Sign(request) {
      const key = find(request.KeyId);
      if (key.keyUsage !== "SIGN_VERIFY") {
        throw new ServiceFault(
          "InvalidKeyUsageException",
          `${key.arn} key usage is ${key.keyUsage} which is not valid for Sign.`,
        );
      }
      if (deniedSigns > 0) {
        deniedSigns -= 1;
        throw new ServiceFault(
          "AccessDeniedException",
          `User: arn:aws:sts::${account}:assumed-role/kong-license-report/report is not authorized to perform: kms:Sign on resource: ${key.arn} because no resource-based policy allows the kms:Sign action`,
        );
      }
      const algorithm = request.SigningAlgorithm;
      if (typeof algorithm !== "string" || !ALGORITHMS[key.keySpec].includes(algorithm)) {
        throw new ServiceFault(
          "InvalidKeyUsageException",
          `The signing algorithm ${String(algorithm)} is not valid for ${key.arn}: it supports ${ALGORITHMS[key.keySpec].join(", ")}.`,
        );
      }
      if (!COMPUTED.has(algorithm)) {
        throw new ServiceFault(
          "UnsupportedOperationException",
          `This local endpoint does not compute ${algorithm}.`,
        );
      }
      const message = Buffer.from(typeof request.Message === "string" ? request.Message : "", "base64");
      const type = request.MessageType ?? "RAW";
      const digest = type === "DIGEST" ? message : createHash("sha256").update(message).digest();
      if (type === "RAW" && message.length > MAX_RAW_BYTES) {
        throw new ServiceFault(
          "ValidationException",
          `Message is ${message.length} bytes; RAW messages are at most ${MAX_RAW_BYTES}: send its digest with MessageType DIGEST.`,
        );
      }
      if (type !== "RAW" && type !== "DIGEST") {
        throw new ServiceFault("ValidationException", `MessageType ${String(type)} is not RAW or DIGEST.`);
      }
      if (digest.length !== 32) {
        throw new ServiceFault(
          "ValidationException",
          `Digest is ${digest.length} bytes; ${algorithm} needs 32.`,
        );
      }
      const signature =
        type === "RAW" && algorithm === "ECDSA_SHA_256"
          ? sign("sha256", message, { key: key.privateKey, dsaEncoding: "der" })
          : algorithm === "ECDSA_SHA_256"
            ? signDigestEcdsaP256(key.privateKey, digest)
            : signDigestRsaPss(key.privateKey, digest);
      return { KeyId: key.arn, Signature: signature.toString("base64"), SigningAlgorithm: algorithm };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    try {
      const target = String(req.headers["x-amz-target"] ?? "");
      const name = target.replace(/^TrentService\./, "");
      counts[name] = (counts[name] ?? 0) + 1;
      const operation = target.startsWith("TrentService.") ? operations[name] : undefined;
      if (req.method !== "POST" || operation === undefined) {
        throw new ServiceFault(
          "UnknownOperationException",
          `No operation ${target || "(no X-Amz-Target)"} here.`,
        );
      }
      if (!signedRequest.test(req.headers.authorization ?? "")) {
        throw new ServiceFault("MissingAuthenticationTokenException", "Missing Authentication Token", 403);
      }
      const fault = nextFault;
      nextFault = undefined;
      if (fault !== undefined) throw fault;
      const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
      const answer = JSON.stringify(operation(body));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId });
      res.end(answer);
    } catch (error) {
      const fault =
        error instanceof ServiceFault
          ? error
          : new ServiceFault("KMSInternalException", (error as Error).message, 500);
      res.writeHead(fault.status, {
        "content-type": "application/x-amz-json-1.1",
        "x-amzn-requestid": requestId,
      });
      res.end(JSON.stringify({ __type: fault.type, message: fault.message }));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host, options.port ?? 0);
  return {
    url: `http://${host}:${port}`,
    createKey(keySpec, keyOptions = {}) {
      const keyUsage = keyOptions.keyUsage ?? "SIGN_VERIFY";
      if (keyUsage === "ENCRYPT_DECRYPT" && !keySpec.startsWith("RSA_")) {
        throw new Error(`KMS makes no ENCRYPT_DECRYPT key of spec ${keySpec}: only RSA keys encrypt.`);
      }
      const pair = keySpec.startsWith("ECC_NIST_P")
        ? generateKeyPairSync("ec", { namedCurve: `P-${keySpec.slice(10)}` })
        : generateKeyPairSync("rsa", { modulusLength: Number(keySpec.slice(4)) });
      const keyId = randomUUID();
      const key: StoredKey = {
        keyId,
        arn: `arn:aws:kms:${region}:${account}:key/${keyId}`,
        keySpec,
        publicKeyPem: pair.publicKey.export({ format: "pem", type: "spki" }).toString(),
        privateKey: pair.privateKey,
        publicDer: pair.publicKey.export({ format: "der", type: "spki" }),
        keyUsage,
        enabled: true,
        pendingDeletion: false,
      };
      keys.set(keyId, key);
      if (keyOptions.alias !== undefined) aliases.set(keyOptions.alias, keyId);
      const {
        privateKey: _private,
        publicDer: _der,
        keyUsage: _usage,
        enabled: _enabled,
        pendingDeletion: _deletion,
        ...shown
      } = key;
      return shown;
    },
    disableKey(keyId) {
      const key = keys.get(keyId);
      if (key !== undefined) key.enabled = false;
    },
    scheduleKeyDeletion(keyId) {
      const key = keys.get(keyId);
      if (key !== undefined) key.pendingDeletion = true;
    },
    denySign(calls = 1) {
      deniedSigns += calls;
    },
    failNext(type, message) {
      nextFault = new ServiceFault(type, message);
    },
    calls: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
