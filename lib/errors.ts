/**
 * Every failure the product can report, with the HTTP status and CLI exit code it maps to.
 * Messages say what failed and what to do; they never carry secrets, license keys or presigned URLs.
 * The mapping to responses lives in one place: `lib/http/error-response.ts` (HTTP) and `bin/cli.ts` (CLI).
 */
export abstract class ReportError extends Error {
  /** HTTP status answered by the handlers. */
  abstract readonly status: number;
  /** Process exit code used by the CLI. */
  abstract readonly exitCode: number;
  /** Extra response headers (Retry-After, Allow). */
  readonly headers: Readonly<Record<string, string>> = {};
}

/** A request or CLI option had a value that is not allowed (400, exit 2). */
export class BadParameterError extends ReportError {
  override readonly name = "BadParameterError";
  readonly status = 400;
  readonly exitCode = 2;
  /** The request parameter or CLI option that was wrong. */
  readonly parameter: string;
  constructor(parameter: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.parameter = parameter;
  }
}

/** Configuration (environment variables) is missing or invalid (500, exit 2). */
export class ConfigError extends ReportError {
  override readonly name = "ConfigError";
  readonly status = 500;
  readonly exitCode = 2;
  /** The environment variable that is missing or invalid. */
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}

export class NotAuthenticatedError extends ReportError {
  override readonly name = "NotAuthenticatedError";
  readonly status = 401;
  readonly exitCode = 1;
}

export class ForbiddenError extends ReportError {
  override readonly name = "ForbiddenError";
  readonly status = 403;
  readonly exitCode = 1;
}

export class RouteNotFoundError extends ReportError {
  override readonly name = "RouteNotFoundError";
  readonly status = 404;
  readonly exitCode = 1;
}

export class MethodNotAllowedError extends ReportError {
  override readonly name = "MethodNotAllowedError";
  readonly status = 405;
  readonly exitCode = 1;
  override readonly headers: Readonly<Record<string, string>>;
  constructor(message: string, allowed: readonly string[]) {
    super(message);
    this.headers = { allow: allowed.join(", ") };
  }
}

/** The database holds no Kong schema (422, exit 3). */
export class NotKongDatabaseError extends ReportError {
  override readonly name = "NotKongDatabaseError";
  readonly status = 422;
  readonly exitCode = 3;
}

/** The database could not be reached, refused the credentials, or denied access (502, exit 4). */
export class DatabaseAccessError extends ReportError {
  override readonly name = "DatabaseAccessError";
  readonly status = 502;
  readonly exitCode = 4;
}

/**
 * Kong's Admin API or Konnect could not be reached, refused the token (401, 403), failed TLS, or
 * answered something that is not its API (502, exit 4, as a database that cannot be reached).
 */
export class ApiAccessError extends ReportError {
  override readonly name = "ApiAccessError";
  readonly status = 502;
  readonly exitCode = 4;
}

/**
 * Kong answered a report whose checksum does not match its content (or that carries none): it is
 * refused as edited and never passed on (502, exit 1, as `verify` on a report that does not verify).
 */
export class UnverifiedReportError extends ReportError {
  override readonly name = "UnverifiedReportError";
  readonly status = 502;
  readonly exitCode = 1;
}

/** A statement failed for a reason other than access or time (500, exit 1). */
export class QueryError extends ReportError {
  override readonly name = "QueryError";
  readonly status = 500;
  readonly exitCode = 1;
}

/** An Aurora Serverless cluster is still resuming after the retry budget (503, exit 5). */
export class DatabaseResumingError extends ReportError {
  override readonly name = "DatabaseResumingError";
  readonly status = 503;
  readonly exitCode = 5;
  override readonly headers: Readonly<Record<string, string>>;
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
    this.headers = { "retry-after": String(retryAfterSeconds) };
  }
}

/** A statement or the whole invocation ran out of time (504, exit 5). */
export class TimeoutError extends ReportError {
  override readonly name = "TimeoutError";
  readonly status = 504;
  readonly exitCode = 5;
}

/** Writing the report to S3 (or a file) failed; nothing partial was left behind (502, exit 6). */
export class ReportUploadError extends ReportError {
  override readonly name = "ReportUploadError";
  readonly status = 502;
  readonly exitCode = 6;
}

/** Listing or reading stored reports in S3 failed (502, exit 6). */
export class ReportStoreReadError extends ReportError {
  override readonly name = "ReportStoreReadError";
  readonly status = 502;
  readonly exitCode = 6;
}

/** A report file could not be read or is not a report (exit 2). */
export class InvalidReportFileError extends ReportError {
  override readonly name = "InvalidReportFileError";
  readonly status = 400;
  readonly exitCode = 2;
}

/**
 * One environment of an estate could not be collected. It keeps the name of the error that stopped
 * it (DatabaseResumingError, DatabaseAccessError, …) so the state machine's Retry can tell them apart.
 */
export class EnvironmentFailedError extends ReportError {
  override readonly name: string;
  readonly status: number;
  readonly exitCode = 7;
  readonly environment: string;
  constructor(
    environment: string,
    cause: { readonly name: string; readonly status: number },
    message: string,
  ) {
    super(message);
    this.environment = environment;
    this.name = cause.name;
    this.status = cause.status;
  }
}
