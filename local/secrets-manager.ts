import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { parseJsonBody, requireSignature, ServiceFault, startAwsJsonServer } from "./aws-json-server.ts";

/**
 * A local Secrets Manager endpoint: GetSecretValue in the service's JSON 1.1 protocol
 * (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`, `application/x-amz-json-1.1`), with the
 * service's error types, so the real `@aws-sdk/client-secrets-manager` client can be pointed at it
 * (`AWS_ENDPOINT_URL_SECRETS_MANAGER`). It checks that each call is SigV4-signed for the
 * secretsmanager service, with `accessKeyId` when given, but not the signature itself: loopback
 * use only, as the local Data API endpoint.
 */
export interface SecretsManagerServerOptions {
  /** The secrets it holds: full ARN → SecretString (a JSON text for a database secret). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** When set, a call signed with another access key answers UnrecognizedClientException. */
  readonly accessKeyId?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface SecretsManagerServer {
  /** http://host:port, for AWS_ENDPOINT_URL_SECRETS_MANAGER or the client's `endpoint`. */
  readonly url: string;
  /** Stores (or rotates) a secret: later reads get the new value under a new VersionId. */
  putSecret(arn: string, secretString: string): void;
  /** Stores a binary secret (SecretBinary, no SecretString), as `aws secretsmanager create-secret --secret-binary` does. */
  putBinarySecret(arn: string, secretBinary: Uint8Array): void;
  /** Reads of this secret answer AccessDeniedException, as without secretsmanager:GetSecretValue. */
  deny(arn: string): void;
  /** Reads of this secret answer DecryptionFailure, as when its KMS key does not let the caller decrypt. */
  refuseDecryption(arn: string): void;
  /** Reads of this secret answer InvalidRequestException, as once DeleteSecret scheduled its deletion. */
  scheduleDeletion(arn: string): void;
  /** The next `count` GetSecretValue calls (any secret) answer ThrottlingException, as past the service's rate. */
  throttle(count: number): void;
  /** GetSecretValue calls answered, per secret ARN (successful or not). */
  reads(arn: string): number;
  close(): Promise<void>;
}

interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly secretString?: string;
  readonly secretBinary?: Uint8Array;
  readonly versionId: string;
  readonly createdDate: number;
}

/** A secret ARN: `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)-[A-Za-z0-9]{6}$/;

/** Starts the endpoint on a free port; resolves once it listens. */
export async function startSecretsManagerServer(
  options: SecretsManagerServerOptions = {},
): Promise<SecretsManagerServer> {
  const secrets = new Map<string, StoredSecret>();
  const denied = new Set<string>();
  const undecryptable = new Set<string>();
  const deleted = new Set<string>();
  const reads = new Map<string, number>();
  let throttled = 0;
  const store = (arn: string, value: { secretString: string } | { secretBinary: Uint8Array }) => {
    const match = SECRET_ARN.exec(arn);
    if (match === null) throw new Error(`${arn} is not a full secret ARN (with its 6-character suffix)`);
    secrets.set(arn, {
      arn,
      name: match[3] ?? arn,
      ...value,
      versionId: randomUUID(),
      createdDate: Math.floor(Date.now() / 1000),
    });
  };
  const putSecret = (arn: string, secretString: string) => store(arn, { secretString });
  for (const [arn, value] of Object.entries(options.secrets ?? {})) putSecret(arn, value);

  const getSecretValue = (request: Record<string, unknown>): Record<string, unknown> => {
    const id = request.SecretId;
    if (typeof id !== "string" || id === "") {
      throw new ServiceFault("InvalidParameterException", "You must provide a SecretId.");
    }
    // By full ARN or by name, as the service resolves SecretId.
    const secret = secrets.get(id) ?? [...secrets.values()].find((entry) => entry.name === id);
    const arn = secret?.arn ?? id;
    reads.set(arn, (reads.get(arn) ?? 0) + 1);
    if (throttled > 0) {
      throttled -= 1;
      throw new ServiceFault("ThrottlingException", "Rate exceeded");
    }
    if (denied.has(arn)) {
      throw new ServiceFault(
        "AccessDeniedException",
        `User: arn:aws:sts::000000000000:assumed-role/local/local is not authorized to perform: secretsmanager:GetSecretValue on resource: ${id} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
      );
    }
    if (secret === undefined) {
      throw new ServiceFault("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    if (deleted.has(arn)) {
      throw new ServiceFault(
        "InvalidRequestException",
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    if (undecryptable.has(arn)) {
      throw new ServiceFault(
        "DecryptionFailure",
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      // A blob travels base64-encoded in the JSON protocol.
      ...(secret.secretString === undefined ? {} : { SecretString: secret.secretString }),
      ...(secret.secretBinary === undefined
        ? {}
        : { SecretBinary: Buffer.from(secret.secretBinary).toString("base64") }),
      VersionStages: ["AWSCURRENT"],
      CreatedDate: secret.createdDate,
    };
  };

  const handle = (request: IncomingMessage, body: string): Record<string, unknown> => {
    requireSignature(String(request.headers.authorization ?? ""), {
      service: "secretsmanager",
      accessKeyId: options.accessKeyId,
      incompleteType: "IncompleteSignature",
    });
    const target = request.headers["x-amz-target"];
    if (request.method !== "POST" || target !== "secretsmanager.GetSecretValue") {
      throw new ServiceFault("UnknownOperationException", `${String(target)} is not emulated here.`);
    }
    return getSecretValue(parseJsonBody(body));
  };

  const server = await startAwsJsonServer(handle, {
    host: options.host,
    internalErrorType: "InternalServiceError",
    errorBody: (fault) => ({ __type: fault.type, Message: fault.message }),
  });
  return {
    url: server.url,
    putSecret,
    putBinarySecret: (arn, secretBinary) => store(arn, { secretBinary }),
    deny: (arn) => denied.add(arn),
    refuseDecryption: (arn) => undecryptable.add(arn),
    scheduleDeletion: (arn) => deleted.add(arn),
    throttle: (count) => {
      throttled = count;
    },
    reads: (arn) => reads.get(arn) ?? 0,
    close: server.close,
  };
}
