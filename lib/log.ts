/**
 * Structured JSON logs, one object per line. Every record passes through `redact` so a presigned
 * URL's query string, a license key, a password in a connection URL or a secret never reaches a log.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose records all carry `fields` (e.g. the request id). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where a finished line goes; stdout by default (bypasses the Lambda runtime's console prefix). */
  readonly write?: (line: string) => void;
  readonly fields?: LogFields;
  readonly now?: () => Date;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Lambda's application log levels (LoggingConfig.ApplicationLogLevel) as this logger's levels. */
const LAMBDA_LEVELS: Readonly<Record<string, LogLevel>> = {
  TRACE: "debug",
  DEBUG: "debug",
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "error",
};

/**
 * The level to log at. Given the environment: AWS_LAMBDA_LOG_LEVEL first (Lambda sets it from the
 * function's application log level, and drops records below it anyway), then LOG_LEVEL. Given a
 * LOG_LEVEL value: that. Anything unknown is `info` (config validation reports a bad LOG_LEVEL).
 */
export function readLogLevel(
  source: string | undefined | Readonly<Record<string, string | undefined>>,
): LogLevel {
  if (typeof source === "object") {
    const lambdaLevel = LAMBDA_LEVELS[source.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? ""];
    return lambdaLevel ?? readLogLevel(source.LOG_LEVEL);
  }
  return source !== undefined && Object.hasOwn(LEVELS, source) ? (source as LogLevel) : "info";
}

/** Creates a JSON-lines logger; records below `level` are dropped. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (LEVELS[level] < threshold) return;
      // Upper-case levels, as Lambda's JSON format and Powertools write them (Lambda filters on them).
      const record = {
        timestamp: now().toISOString(),
        level: level.toUpperCase(),
        message,
        ...base,
        ...fields,
      };
      write(JSON.stringify(redact(record)));
    };
    return {
      debug: (message, fields) => emit("debug", message, fields),
      info: (message, fields) => emit("info", message, fields),
      warn: (message, fields) => emit("warn", message, fields),
      error: (message, fields) => emit("error", message, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything (tests, library callers that pass none). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** Keys whose values are never logged, whatever their type. */
const SECRET_KEY =
  /(license(_?key|_?data)?$|^license$|secret|password|passwd|token|authorization|cookie|credential)/i;

const REDACTED = "[redacted]";

/** Returns a copy of `value` safe to log: secret-named keys hidden, URL query strings and passwords removed. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[truncated]";
  if (value instanceof Error) return describeError(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

const URL_WITH_QUERY = /\b(https?:\/\/[^\s"'?#]+)\?(?!\[query redacted\])[^\s"'#]*/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+):[^\s@/"']+@/gi;
// A SigV4 signature or credential that escaped the URL form (e.g. split over a message).
const SIGV4_PARAM = /X-Amz-(Signature|Credential|Security-Token)=[^\s&"']+/gi;

/** Strips query strings from URLs, passwords from connection URLs and stray SigV4 parameters. */
export function redactText(text: string): string {
  return text
    .replace(URL_WITH_QUERY, "$1?[query redacted]")
    .replace(URL_PASSWORD, "$1:[redacted]@")
    .replace(SIGV4_PARAM, "X-Amz-$1=[redacted]");
}

/** A URL without its query string (the signature of a presigned URL), for logs. */
export function redactUrl(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : `${url.slice(0, at)}?[query redacted]`;
}

export interface ErrorDescription {
  name: string;
  message: string;
  code?: string;
  cause?: ErrorDescription | string;
}

/** Name, message, code and cause chain of an error: never its stack (logs carry no stack traces). */
export function describeError(error: unknown, depth = 0): ErrorDescription | string {
  if (!(error instanceof Error)) return redactText(String(error));
  const described: ErrorDescription = { name: error.name, message: redactText(error.message) };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") described.code = code;
  if (error.cause !== undefined && depth < 4) described.cause = describeError(error.cause, depth + 1);
  return described;
}
