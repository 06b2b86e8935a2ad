import { setTimeout as delay } from "node:timers/promises";
import {
  type ColumnMetadata,
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  type Field,
  type RDSDataClient,
  type SqlParameter,
} from "@aws-sdk/client-rds-data";
import {
  DatabaseAccessError,
  DatabaseResumingError,
  QueryError,
  type ReportError,
  TimeoutError,
} from "../errors.ts";
import type { SqlParams, SqlPort, SqlRow } from "../sql/port.ts";

export interface RdsDataRetryOptions {
  /** Attempts per statement, the first included (default 6). */
  readonly maxAttempts?: number;
  /** First backoff; doubles per attempt (default 1000 ms). */
  readonly baseDelayMs?: number;
  /** Cap of one backoff (default 8000 ms). */
  readonly maxDelayMs?: number;
  /** Told to the caller when the cluster is still resuming after the budget (default 15 s). */
  readonly retryAfterSeconds?: number;
}

export interface RdsDataSqlPortOptions {
  readonly client: RDSDataClient;
  /** The Aurora cluster's ARN. */
  readonly resourceArn: string;
  /** The Secrets Manager secret holding the database user and password. */
  readonly secretArn: string;
  readonly database: string;
  readonly retry?: RdsDataRetryOptions;
  /** Backoff wait; rejects when the signal aborts (injected by tests). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1) (injected by tests). */
  readonly random?: () => number;
  /** Destroy the client on close() (the port created it). */
  readonly ownsClient?: boolean;
}

export type RdsDataSqlPort = SqlPort & {
  /** Data API requests sent so far, retries included. */
  readonly calls: () => number;
};

const defaultRetry = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  retryAfterSeconds: 15,
} as const;

/**
 * A SQL port over the RDS Data API (ExecuteStatement, no transaction: the collector only reads).
 *
 * Results come as typed `records` with column metadata, longs and decimals as strings
 * (`longReturnType: STRING`), so counts above 2^53 stay exact and no JSON number is ever parsed;
 * values are printed as PostgreSQL's text output would print them, so rows equal the pg adapter's.
 * Parameters: strings → stringValue (no type hint: the collector casts, e.g. `:id::uuid`),
 * integers → longValue, other numbers → doubleValue, booleans → booleanValue, null → isNull.
 *
 * Retries, with exponential backoff and jitter, only what a later attempt can cure: a resuming
 * cluster, throttling, 5xx and dropped connections; never a SQL error. Every failure becomes a
 * ReportError whose message says what to do, without parameter values.
 */
export function createRdsDataSqlPort(options: RdsDataSqlPortOptions): RdsDataSqlPort {
  const retry = { ...defaultRetry, ...options.retry };
  const sleep =
    options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}));
  const random = options.random ?? Math.random;
  const target = `the Aurora cluster ${options.resourceArn} (database ${options.database})`;
  let calls = 0;

  const backoff = (attempt: number): number => {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    // Half fixed, half jitter: a resuming cluster gets a minimum wait, and callers do not align.
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  const send = async (sql: string, params: SqlParams | undefined, signal: AbortSignal | undefined) => {
    const parameters = toSqlParameters(params);
    const command = new ExecuteStatementCommand({
      resourceArn: options.resourceArn,
      secretArn: options.secretArn,
      database: options.database,
      sql,
      ...(parameters.length === 0 ? {} : { parameters }),
      includeResultMetadata: true,
      resultSetOptions: { longReturnType: "STRING", decimalReturnType: "STRING" },
    });
    const context: FailureContext = { options, target, params, retry, attempts: 0, waitedMs: 0 };
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted) throw deadlineError(target, signal.reason);
      calls += 1;
      context.attempts = attempt;
      try {
        return await options.client.send(command, signal === undefined ? {} : { abortSignal: signal });
      } catch (error) {
        const kind = classify(error, signal);
        if (kind === "aborted") throw deadlineError(target, error);
        if (kind === "fatal" || attempt >= retry.maxAttempts) throw translateError(error, kind, context);
        const wait = backoff(attempt);
        try {
          await sleep(wait, signal);
        } catch {
          // The deadline came while waiting: report the reason for waiting, not the deadline.
          throw translateError(error, kind, context);
        }
        context.waitedMs += wait;
      }
    }
  };

  return {
    async query(sql, params, queryOptions) {
      const output = await send(sql, params, queryOptions?.signal);
      return toRows(output, target);
    },
    async close() {
      if (options.ownsClient === true) options.client.destroy();
    },
    calls: () => calls,
  };
}

/** The region part of an ARN (`arn:aws:rds:<region>:…`), if any. */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(":")[3];
  return region === undefined || region === "" ? undefined : region;
}

function toSqlParameters(params: SqlParams | undefined): SqlParameter[] {
  if (params === undefined) return [];
  return Object.entries(params).map(([name, value]): SqlParameter => {
    if (value === null) return { name, value: { isNull: true } };
    if (typeof value === "string") return { name, value: { stringValue: value } };
    if (typeof value === "boolean") return { name, value: { booleanValue: value } };
    if (Number.isSafeInteger(value)) return { name, value: { longValue: value } };
    if (Number.isInteger(value)) {
      throw new QueryError(
        `SQL parameter :${name} is an integer beyond 2^53; pass it as a string and cast it in SQL.`,
      );
    }
    return { name, value: { doubleValue: value } };
  });
}

function toRows(output: ExecuteStatementCommandOutput, target: string): SqlRow[] {
  const records = output.records ?? [];
  if (records.length === 0) return [];
  const columns = output.columnMetadata;
  if (columns === undefined) throw new QueryError(`The Data API answered ${target} without column metadata.`);
  const names = columns.map((column: ColumnMetadata, i) => column.label ?? column.name ?? `?column?${i}`);
  const singlePrecision = columns.map(
    (column) => column.typeName === "float4" || column.typeName === "_float4",
  );
  return records.map((record) => {
    const row: SqlRow = {};
    record.forEach((field, i) => {
      row[names[i] ?? `?column?${i}`] = toPgText(field, singlePrecision[i] === true);
    });
    return row;
  });
}

/** A Field as PostgreSQL's text output prints the value (what the pg adapter returns). */
function toPgText(field: Field, singlePrecision: boolean): string | null {
  if (field.isNull === true) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.booleanValue !== undefined) return field.booleanValue ? "t" : "f";
  if (field.longValue !== undefined) return String(field.longValue);
  if (field.doubleValue !== undefined) return formatFloat(field.doubleValue, singlePrecision);
  if (field.blobValue !== undefined) return `\\x${Buffer.from(field.blobValue).toString("hex")}`;
  if (field.arrayValue !== undefined) return formatArray(field.arrayValue, singlePrecision);
  return null;
}

type ArrayItem = string | number | boolean | null | undefined | ArrayItem[];

function formatArray(array: NonNullable<Field["arrayValue"]>, singlePrecision: boolean): string {
  const items: ArrayItem[] =
    array.arrayValues?.map((nested) => (nested === null ? null : [formatArray(nested, singlePrecision)])) ??
    array.stringValues ??
    array.longValues ??
    array.doubleValues ??
    array.booleanValues ??
    [];
  const element = (item: ArrayItem): string => {
    if (item === null || item === undefined) return "NULL";
    if (Array.isArray(item)) return String(item[0]);
    if (typeof item === "boolean") return item ? "t" : "f";
    if (typeof item === "number")
      return array.doubleValues === undefined ? String(item) : formatFloat(item, singlePrecision);
    return /^$|[{},"\\\s]|^NULL$/i.test(item) ? `"${item.replace(/["\\]/g, "\\$&")}"` : item;
  };
  return `{${items.map(element).join(",")}}`;
}

/**
 * A float as PostgreSQL ≥ 12 prints it: shortest round-trip digits, in exponent form from 1e15
 * (float8; 1e6 for float4) and below 1e-4, with at least two exponent digits.
 */
function formatFloat(value: number, singlePrecision: boolean): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= (singlePrecision ? 1e6 : 1e15) || abs < 1e-4)) {
    return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(value);
}

type FailureKind = "resuming" | "transient" | "fatal" | "aborted";

interface FailureContext {
  readonly options: RdsDataSqlPortOptions;
  readonly target: string;
  readonly params: SqlParams | undefined;
  readonly retry: Required<RdsDataRetryOptions>;
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

function classify(error: unknown, signal: AbortSignal | undefined): FailureKind {
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

function translateError(error: unknown, kind: FailureKind, context: FailureContext): ReportError {
  const { options, target, retry } = context;
  const { name = "Error", message = String(error), code = "" } = (error ?? {}) as SdkErrorShape;
  const cause = { cause: error };
  const detail = redact(firstLine(message), context.params);
  const tried = `${context.attempts} attempt${context.attempts === 1 ? "" : "s"} over ${Math.round(context.waitedMs / 1000)} s`;

  if (kind === "resuming") {
    return new DatabaseResumingError(
      retry.retryAfterSeconds,
      `The Aurora cluster ${options.resourceArn} is resuming after an automatic pause and did not answer within ${tried}; try again in ${retry.retryAfterSeconds} s.`,
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
        `The RDS Data API denied access (${name}). Check the cluster ARN ${options.resourceArn}; the caller's IAM policy must allow rds-data:ExecuteStatement on it and secretsmanager:GetSecretValue on ${options.secretArn}. The service said: ${detail}`,
        cause,
      );
    case "HttpEndpointNotEnabledException":
      return endpointNotEnabled(options.resourceArn, error);
    case "InvalidSecretException":
    case "SecretsErrorException":
      return badSecret(options, detail, error);
    case "DatabaseNotFoundException":
      return new DatabaseAccessError(
        `The Aurora cluster ${options.resourceArn} has no DB instance the Data API can use (DatabaseNotFoundException). Add a writer instance or check the cluster ARN.`,
        cause,
      );
    case "NotFoundException":
      return new DatabaseAccessError(
        `The RDS Data API found no cluster ${options.resourceArn}. Check the cluster ARN (and that its region is the client's).`,
        cause,
      );
    case "InvalidResourceStateException":
      return new DatabaseAccessError(
        `The Aurora cluster ${options.resourceArn} cannot take Data API calls in its current state (${detail}). Start the cluster or wait until it is available.`,
        cause,
      );
    case "StatementTimeoutException":
      return new TimeoutError(
        `A statement on ${target} ran past its time limit (the Data API allows 45 s per call) and was cancelled. Try again when the database is less busy.`,
        cause,
      );
    case "DatabaseErrorException":
      return translateDatabaseError(message, context, error);
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
        return endpointNotEnabled(options.resourceArn, error);
      if (/secret/i.test(message)) return badSecret(options, detail, error);
      if (/response size|too large/i.test(message)) return unsupportedResult(message, target, detail, error);
      return new QueryError(`The RDS Data API rejected a statement on ${target}: ${detail}`, cause);
    default:
      break;
  }
  if (/Region is missing/i.test(message)) {
    const region = regionOfArn(options.resourceArn);
    return new DatabaseAccessError(
      `No AWS region is configured for the RDS Data API. Set AWS_REGION${region === undefined ? "" : ` (the cluster ARN says ${region})`}.`,
      cause,
    );
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") {
    return new DatabaseAccessError(
      `Cannot reach the RDS Data API endpoint (${code}). Check AWS_ENDPOINT_URL_RDS_DATA or the endpoint option, and the network path to rds-data.`,
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
      `PostgreSQL refused the credentials in the secret ${context.options.secretArn} (SQLSTATE ${sqlState}). Check the secret's username and password.`,
      cause,
    );
  }
  if (sqlState === "3D000") {
    return new DatabaseAccessError(
      `The database "${context.options.database}" does not exist on the Aurora cluster ${context.options.resourceArn}. Check the database name. The service said: ${text}`,
      cause,
    );
  }
  return new QueryError(
    `A query on ${context.target} failed${sqlState ? ` (SQLSTATE ${sqlState})` : ""}: ${text}`,
    cause,
  );
}

function endpointNotEnabled(resourceArn: string, error: unknown): ReportError {
  return new DatabaseAccessError(
    `The RDS Data API (HTTP endpoint) is not enabled on ${resourceArn}. Enable it: aws rds enable-http-endpoint --resource-arn ${resourceArn}`,
    { cause: error },
  );
}

function badSecret(options: RdsDataSqlPortOptions, detail: string, error: unknown): ReportError {
  return new DatabaseAccessError(
    `The RDS Data API could not use the secret ${options.secretArn} (${detail}). It must exist in the cluster's region, hold the database username and password, and the caller needs secretsmanager:GetSecretValue on it.`,
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

function deadlineError(target: string, cause: unknown): ReportError {
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
