import {
  DatabaseAccessError,
  DatabaseResumingError,
  QueryError,
  type ReportError,
  TimeoutError,
} from "../errors.ts";
import { readOnlyRefusal, type SqlParams } from "../sql/port.ts";
import { regionOfArn } from "./region-of-arn.ts";

// The Data API's failures: which a later attempt can cure (classifyFailure), and each as a
// ReportError whose message says what to do, without parameter values (translateError).

/** What the retry loop does with a failure: wait and retry (resuming, transient), stop (fatal, aborted). */
export type FailureKind = "resuming" | "transient" | "fatal" | "aborted";

/**
 * How messages name the settings to check, as written where the source was configured (the CLI's
 * options, the functions' variables, the environments file's keys); the composition root knows.
 */
export interface DataApiSettingNames {
  readonly resourceArn: string;
  readonly database: string;
  readonly endpoint: string;
}

/** Names no setting: for a port built without the composition root (tests, benches). */
export const DATA_API_SETTINGS: DataApiSettingNames = {
  resourceArn: "the cluster ARN",
  database: "the database name",
  endpoint: "the endpoint",
};

/** What a failure's message names: the cluster, its secret and database, and how long it was tried. */
export interface FailureContext {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
  readonly settings: DataApiSettingNames;
  /** `the Aurora cluster <arn> (database <name>)`, as every message names it. */
  readonly target: string;
  readonly params: SqlParams | undefined;
  readonly retryAfterSeconds: number;
  attempts: number;
  waitedMs: number;
}

interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const throttlingNames = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);
const serverNames = new Set([
  "InternalServerErrorException",
  "ServiceUnavailableError",
  "DatabaseUnavailableException",
]);
const droppedConnectionCodes = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN"]);

/** Whether a failure is worth another attempt: AWS tells it by name, HTTP status or socket code. */
export function classifyFailure(error: unknown, signal: AbortSignal | undefined): FailureKind {
  const { name = "", message = "", code = "", $metadata } = (error ?? {}) as SdkErrorShape;
  const status = $metadata?.httpStatusCode ?? 0;
  if (signal?.aborted === true || name === "AbortError") return "aborted";
  if (name === "DatabaseResumingException") return "resuming";
  // Aurora Serverless v1 answered a paused cluster with this BadRequestException.
  if (name === "BadRequestException" && /Communications link failure/i.test(message)) return "resuming";
  if (throttlingNames.has(name) || serverNames.has(name) || status === 429 || status >= 500)
    return "transient";
  if (droppedConnectionCodes.has(code) || name === "TimeoutError" || name === "RequestTimeout")
    return "transient";
  return "fatal";
}

/** Throttled: the Data API's front end refused the call before it reached the database. */
export function isThrottling(error: unknown): boolean {
  const { name = "", $metadata } = (error ?? {}) as SdkErrorShape;
  return throttlingNames.has(name) || $metadata?.httpStatusCode === 429;
}

/** The transaction the call named no longer exists (ended early, or never known to the Data API). */
export function isTransactionGone(error: unknown): boolean {
  const { name = "", message = "" } = (error ?? {}) as SdkErrorShape;
  return (
    name === "TransactionNotFoundException" ||
    (name === "BadRequestException" && /transaction\b.*\bnot found/i.test(message))
  );
}

/** The failure as a ReportError that says what failed and what to do, parameter values removed. */
export function translateError(error: unknown, kind: FailureKind, context: FailureContext): ReportError {
  const { target } = context;
  const { name = "Error", message = String(error), code = "" } = (error ?? {}) as SdkErrorShape;
  const cause = { cause: error };
  const detail = redact(firstLine(message), context.params);
  const tried = `${context.attempts} attempt${context.attempts === 1 ? "" : "s"} over ${Math.round(context.waitedMs / 1000)} s`;

  if (kind === "resuming") {
    return new DatabaseResumingError(
      context.retryAfterSeconds,
      `The Aurora cluster ${context.resourceArn} is resuming after an automatic pause and did not answer within ${tried}; try again in ${context.retryAfterSeconds} s.`,
      cause,
    );
  }
  if (kind === "transient") {
    return new DatabaseAccessError(
      `The RDS Data API kept failing for ${target} (${name}${code ? ` ${code}` : ""}) after ${tried}; try again in a minute.`,
      cause,
    );
  }
  switch (name) {
    case "AccessDeniedException":
    case "ForbiddenException":
      return new DatabaseAccessError(
        `The RDS Data API denied access (${name}). Check the cluster ARN ${context.resourceArn}; the caller's IAM policy must allow rds-data:BeginTransaction, rds-data:ExecuteStatement, rds-data:CommitTransaction and rds-data:RollbackTransaction on it and secretsmanager:GetSecretValue on ${context.secretArn}. The service said: ${detail}`,
        cause,
      );
    case "HttpEndpointNotEnabledException":
      return endpointNotEnabled(context.resourceArn, error);
    case "InvalidSecretException":
    case "SecretsErrorException":
      return badSecret(context.secretArn, detail, error);
    case "DatabaseNotFoundException":
      return new DatabaseAccessError(
        `The Aurora cluster ${context.resourceArn} has no DB instance the Data API can use (DatabaseNotFoundException). Add a writer instance or check ${context.settings.resourceArn}.`,
        cause,
      );
    case "NotFoundException":
      return new DatabaseAccessError(
        `The RDS Data API found no cluster ${context.resourceArn}. Check ${context.settings.resourceArn} (and that its region is the client's).`,
        cause,
      );
    case "InvalidResourceStateException":
      return new DatabaseAccessError(
        `The Aurora cluster ${context.resourceArn} cannot take Data API calls in its current state (${detail}). Start the cluster or wait until it is available.`,
        cause,
      );
    case "StatementTimeoutException":
      return new TimeoutError(
        `A statement on ${target} ran past its time limit (the Data API allows 45 s per call) and was cancelled. Try again when the database is less busy.`,
        cause,
      );
    case "DatabaseErrorException":
      return translateDatabaseError(message, context, error);
    case "TransactionNotFoundException":
      return transactionGone(target, error);
    case "UnsupportedResultException":
      return unsupportedResult(message, target, detail, error);
    case "CredentialsProviderError":
      return new DatabaseAccessError(
        "No AWS credentials were found for the RDS Data API. Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role provides them.",
        cause,
      );
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
    case "SignatureDoesNotMatch":
    case "IncompleteSignatureException":
    case "ExpiredTokenException":
    case "InvalidClientTokenId":
    case "MissingAuthenticationTokenException":
      return new DatabaseAccessError(
        `AWS refused the credentials used for the RDS Data API (${name}). Check AWS_PROFILE or the access keys, and that the session has not expired.`,
        cause,
      );
    case "BadRequestException":
      if (/HttpEndpoint|Data API is not enabled|http endpoint/i.test(message))
        return endpointNotEnabled(context.resourceArn, error);
      if (/secret/i.test(message)) return badSecret(context.secretArn, detail, error);
      if (/response size|too large/i.test(message)) return unsupportedResult(message, target, detail, error);
      if (isTransactionGone(error)) return transactionGone(target, error);
      return new QueryError(`The RDS Data API rejected a statement on ${target}: ${detail}`, cause);
    default:
      break;
  }
  if (/Region is missing/i.test(message)) {
    const region = regionOfArn(context.resourceArn);
    return new DatabaseAccessError(
      `No AWS region is configured for the RDS Data API. Set AWS_REGION${region === undefined ? "" : ` (the cluster ARN says ${region})`}.`,
      cause,
    );
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") {
    return new DatabaseAccessError(
      `Cannot reach the RDS Data API endpoint (${code}). Check ${context.settings.endpoint} and the network path to rds-data.`,
      cause,
    );
  }
  return new QueryError(`The RDS Data API call for ${target} failed (${name}): ${detail}`, cause);
}

function translateDatabaseError(message: string, context: FailureContext, error: unknown): ReportError {
  const sqlState = /SQLState: ([0-9A-Z]{5})/.exec(message)?.[1];
  const text = redact(
    firstLine(message.replace(/; SQLState: [0-9A-Z]{5}\s*$/, "")).replace(/^(ERROR|FATAL): /, ""),
    context.params,
  );
  const cause = { cause: error };
  if (sqlState === "57014") {
    return new TimeoutError(
      `A statement on ${context.target} ran past the statement timeout and was cancelled. Try again when the database is less busy.`,
      cause,
    );
  }
  if (sqlState?.startsWith("28") === true) {
    return new DatabaseAccessError(
      `PostgreSQL refused the credentials in the secret ${context.secretArn} (SQLSTATE ${sqlState}). Check the secret's username and password.`,
      cause,
    );
  }
  if (sqlState === "3D000") {
    return new DatabaseAccessError(
      `The database "${context.database}" does not exist on the Aurora cluster ${context.resourceArn}. Check ${context.settings.database}. The service said: ${text}`,
      cause,
    );
  }
  if (sqlState === "25006") return new QueryError(readOnlyRefusal(context.target, text), cause);
  return new QueryError(
    `A query on ${context.target} failed${sqlState ? ` (SQLSTATE ${sqlState})` : ""}: ${text}`,
    cause,
  );
}

function transactionGone(target: string, error: unknown): ReportError {
  return new DatabaseAccessError(
    `The RDS Data API no longer knows the report's transaction on ${target}: it ended early (the cluster restarted or failed over, or it stayed idle for 3 minutes). Try again.`,
    { cause: error },
  );
}

function endpointNotEnabled(resourceArn: string, error: unknown): ReportError {
  return new DatabaseAccessError(
    `The RDS Data API (HTTP endpoint) is not enabled on ${resourceArn}. Enable it: aws rds enable-http-endpoint --resource-arn ${resourceArn}`,
    { cause: error },
  );
}

function badSecret(secretArn: string, detail: string, error: unknown): ReportError {
  return new DatabaseAccessError(
    `The RDS Data API could not use the secret ${secretArn} (${detail}). It must exist in the cluster's region, hold the database username and password, and the caller needs secretsmanager:GetSecretValue on it.`,
    { cause: error },
  );
}

function unsupportedResult(message: string, target: string, detail: string, error: unknown): ReportError {
  if (/response size|too large/i.test(message)) {
    return new QueryError(
      `A result from ${target} exceeded the RDS Data API's 1 MiB response limit. This is a bug in the report's queries (they must aggregate in SQL); please report it.`,
      { cause: error },
    );
  }
  return new QueryError(`The RDS Data API cannot return a result from ${target}: ${detail}`, {
    cause: error,
  });
}

/** The caller's deadline came before the Data API answered. */
export function deadlineError(target: string, cause: unknown): ReportError {
  return new TimeoutError(
    `The deadline was reached while waiting for the RDS Data API (${target}); no report was produced. Try again, or allow more time.`,
    { cause },
  );
}

/** Removes parameter values (4+ characters) from a database message: they may be license data. */
function redact(text: string, params: SqlParams | undefined): string {
  let out = text;
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === "string" && value.length >= 4) out = out.replaceAll(value, `:${name}`);
  }
  return out;
}

function firstLine(text: string): string {
  return text.replace(/\n[\s\S]*/, "");
}
