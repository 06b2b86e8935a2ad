import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DatabaseAccessError, TimeoutError } from "../errors.ts";
import { type CredentialProvider, createAssumedRoleCredentials } from "./clients.ts";
import { regionOfArn } from "./region-of-arn.ts";
import { toMessageClause } from "./sdk-message-clause.ts";

// A database secret is read through the SDK directly, once per container and secret, rather than by
// @middy/secrets-manager: that middleware fetches the secrets it is given before every handler runs
// (an OPTIONS or HEAD request would read it too) and hands the value on through the context or
// process.env, where a log line could catch it; the estate's secrets are only known per environment
// once the environments file is read. Here a secret is read when a connection first needs it, stays
// in this closure only, and is read again once if PostgreSQL refuses it (rotated meanwhile).

/** The fields RDS writes into a database secret (`dbname` may be absent, e.g. an RDS-managed master secret). */
export interface DatabaseSecret {
  readonly engine?: string;
  readonly host?: string;
  readonly port?: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
}

/** Where the secret is read from: its ARN, and the role of its account when it is another's. */
export interface SecretLocation {
  readonly secretArn: string;
  /** Default: the ARN's region. */
  readonly region?: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  /** How messages name the setting that holds the ARN (KONG_PG_SECRET_ARN, "postgres.secret_arn"). */
  readonly setting: string;
  /** Who reads it, as messages name it: "the function's role", or the credentials in use (the CLI reads entries too). */
  readonly identity: string;
}

export interface DatabaseSecretReader {
  /** The secret's fields, read on first use and cached (a failed read is not cached). */
  read(location: SecretLocation, options?: { readonly signal?: AbortSignal }): Promise<DatabaseSecret>;
  /** Drops a cached secret, so the next read fetches it again (after a refused password). */
  forget(location: SecretLocation): void;
}

/** Engines RDS writes into its secrets for PostgreSQL (RDS, Aurora); others are not Kong's database. */
const POSTGRES_ENGINES = ["postgres", "postgresql", "aurora-postgresql"];

/** A reader with its own cache and clients (one per region and role), for one container. */
export function createDatabaseSecretReader(
  options: { readonly credentials?: CredentialProvider } = {},
): DatabaseSecretReader {
  const cache = new Map<string, Promise<DatabaseSecret>>();
  const clients = new Map<string, SecretsManagerClient>();
  const keyOf = (location: SecretLocation) => `${location.secretArn}\n${location.roleArn ?? ""}`;
  const clientFor = (location: SecretLocation): SecretsManagerClient => {
    const region = location.region ?? regionOfArn(location.secretArn);
    const key = `${region ?? ""}\n${location.roleArn ?? ""}\n${location.externalId ?? ""}`;
    let client = clients.get(key);
    if (client === undefined) {
      const credentials =
        location.roleArn === undefined
          ? options.credentials
          : createAssumedRoleCredentials({
              roleArn: location.roleArn,
              ...(location.externalId === undefined ? {} : { externalId: location.externalId }),
              ...(region === undefined ? {} : { region }),
            });
      client = new SecretsManagerClient({
        ...(region === undefined ? {} : { region }),
        ...(credentials === undefined ? {} : { credentials }),
        // In a VPC without a route to Secrets Manager the connection never opens: fail in seconds
        // with a message that says so, not at the function's timeout.
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
      });
      clients.set(key, client);
    }
    return client;
  };
  return {
    read(location, readOptions = {}) {
      const key = keyOf(location);
      let secret = cache.get(key);
      if (secret === undefined) {
        secret = fetchSecret(clientFor(location), location, readOptions.signal);
        const pending = secret;
        cache.set(key, pending);
        pending.catch(() => {
          if (cache.get(key) === pending) cache.delete(key);
        });
      }
      return secret;
    },
    forget(location) {
      cache.delete(keyOf(location));
    },
  };
}

async function fetchSecret(
  client: SecretsManagerClient,
  location: SecretLocation,
  signal: AbortSignal | undefined,
): Promise<DatabaseSecret> {
  let text: string | undefined;
  try {
    const answer = await client.send(
      new GetSecretValueCommand({ SecretId: location.secretArn }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    text = answer.SecretString;
  } catch (error) {
    throw describeReadError(error, location, signal);
  }
  return parseDatabaseSecret(text, location);
}

/**
 * The secret's JSON in the format RDS writes. Messages name the fields that are wrong, never a
 * value: the whole text is the credential.
 */
export function parseDatabaseSecret(text: string | undefined, location: SecretLocation): DatabaseSecret {
  const where = `The secret ${location.secretArn} (${location.setting})`;
  const format =
    'the JSON RDS writes: {"engine": "postgres", "host": "…", "port": 5432, "username": "…", "password": "…", "dbname": "kong"} (dbname optional)';
  if (text === undefined) {
    throw new DatabaseAccessError(`${where} holds no text (a binary secret?); expected ${format}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DatabaseAccessError(`${where} is not JSON; expected ${format}.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DatabaseAccessError(`${where} is not a JSON object; expected ${format}.`);
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const text_ = (key: string, required: boolean): string | undefined => {
    const field = record[key];
    if (field === undefined || field === null) {
      if (required) problems.push(`"${key}" is missing`);
      return undefined;
    }
    if (typeof field !== "string" || field === "") {
      problems.push(`"${key}" is not a non-empty string`);
      return undefined;
    }
    return field;
  };
  const username = text_("username", true);
  const password = text_("password", true);
  const host = text_("host", false);
  const dbname = text_("dbname", false);
  const engine = text_("engine", false);
  const rawPort = record.port;
  let port: number | undefined;
  if (rawPort !== undefined && rawPort !== null) {
    // RDS writes a number; secrets written by hand often hold "5432".
    const number = typeof rawPort === "number" ? rawPort : Number(String(rawPort));
    if (Number.isInteger(number) && number >= 1 && number <= 65535) port = number;
    else problems.push('"port" is not a port number');
  }
  if (engine !== undefined && !POSTGRES_ENGINES.includes(engine.toLowerCase())) {
    problems.push(`"engine" is "${engine.slice(0, 40)}", not PostgreSQL`);
  }
  if (problems.length > 0 || username === undefined || password === undefined) {
    throw new DatabaseAccessError(`${where} is not usable: ${problems.join("; ")}. Expected ${format}.`);
  }
  return {
    username,
    password,
    ...(engine === undefined ? {} : { engine }),
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(dbname === undefined ? {} : { dbname }),
  };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"]);

function describeReadError(error: unknown, location: SecretLocation, signal: AbortSignal | undefined): Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  const name =
    typeof code === "string" && NETWORK_CODES.has(code)
      ? code
      : error instanceof Error
        ? error.name
        : "Error";
  const said = error instanceof Error ? toMessageClause(error.message) : "";
  const secret = `the secret ${location.secretArn} (${location.setting})`;
  const cause = { cause: error };
  if (signal?.aborted === true) {
    return new TimeoutError(
      `The deadline was reached while reading ${secret} from Secrets Manager; nothing was read.`,
      cause,
    );
  }
  switch (name) {
    case "ResourceNotFoundException":
      return new DatabaseAccessError(
        `Secrets Manager found no secret ${location.secretArn} (${location.setting}; ${name}). Give the full ARN, with its 6-character suffix, in the secret's region.`,
        cause,
      );
    case "AccessDeniedException":
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
      return new DatabaseAccessError(
        `Secrets Manager refused to read ${secret} (${name}): ${location.roleArn === undefined ? location.identity : `the role ${location.roleArn}`} must be allowed secretsmanager:GetSecretValue on it.`,
        cause,
      );
    case "DecryptionFailure":
      return new DatabaseAccessError(
        `Secrets Manager could not decrypt ${secret} (${name}): a customer-managed KMS key must allow ${location.roleArn === undefined ? location.identity : `the role ${location.roleArn}`} kms:Decrypt (via Secrets Manager).`,
        cause,
      );
    case "InvalidRequestException":
      return new DatabaseAccessError(
        `Secrets Manager cannot answer for ${secret} (${name}${said === "" ? "" : `: ${said}`}); is it scheduled for deletion?`,
        cause,
      );
    case "TimeoutError":
    case "RequestTimeout":
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "ETIMEDOUT":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new DatabaseAccessError(
        `Secrets Manager did not answer while reading ${secret} (${name}). Check the network path to Secrets Manager: a function in private subnets needs an interface VPC endpoint for it or a NAT gateway (docs/deploy.md).`,
        cause,
      );
    default:
      return new DatabaseAccessError(
        `Reading ${secret} from Secrets Manager failed (${name}${said === "" ? "" : `: ${said}`}).`,
        cause,
      );
  }
}
