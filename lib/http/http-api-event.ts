import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { BadParameterError, MethodNotAllowedError, RouteNotFoundError } from "../errors.ts";
import {
  DEFAULT_FORMAT,
  parseBoolean,
  parseFormat,
  parseInclude,
  parseMonth,
  type ReportOptions,
} from "../use-cases/report-options.ts";

/**
 * API Gateway HTTP API (payload format 2.0) events behind the JWT authorizer, and their responses:
 * AWS's own types from @types/aws-lambda, under the short names the handlers use.
 */
export type HttpApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** What the JWT authorizer passes on after verifying the token. */
export type JwtAuthorizerContext = APIGatewayEventRequestContextJWTAuthorizer;

/** A payload 2.0 response as this project writes them: always with headers and a (JSON) body. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};

export const REPORT_PATH = "/license/report";
export const ALLOWED_METHODS = ["GET", "HEAD", "OPTIONS"] as const;
export type ReportMethod = (typeof ALLOWED_METHODS)[number];

export interface ReportHttpRequest extends ReportOptions {
  /** Answer 303 to the presigned URL instead of the link document. */
  readonly redirect: boolean;
}

const QUERY_PARAMETERS = ["format", "redirect", "details", "include", "as_of"] as const;

/** Checks the route and method: 404 for another path, 405 (with Allow) for another method. */
export function readRoute(event: HttpApiEvent): ReportMethod {
  return checkRoute(event, {
    path: REPORT_PATH,
    methods: ALLOWED_METHODS,
    where: `The report is at GET ${REPORT_PATH}?format=json|tar.`,
    use: "Use GET (or HEAD to check access and parameters).",
  });
}

/**
 * The route check each HTTP function starts with: 404 for another path (`where` says where the
 * resource is), 405 with Allow for another method (`use` says which to use). Answers the method.
 */
export function checkRoute<M extends string>(
  event: HttpApiEvent,
  route: {
    readonly path: string;
    readonly methods: readonly M[];
    readonly where: string;
    readonly use: string;
  },
): M {
  const method = (event.requestContext?.http?.method ?? "").toUpperCase();
  const path = readPath(event);
  if (path !== route.path) {
    throw new RouteNotFoundError(`No route ${path === "" ? "(empty path)" : path}. ${route.where}`);
  }
  if (!(route.methods as readonly string[]).includes(method)) {
    throw new MethodNotAllowedError(
      `Method ${method || "(none)"} is not allowed on ${route.path}. ${route.use}`,
      route.methods,
    );
  }
  return method as M;
}

/** Reads and validates the query string: unknown, repeated or invalid parameters are a 400. */
export function readReportQuery(event: HttpApiEvent): ReportHttpRequest {
  const query = readQuery(event);
  for (const name of query.keys()) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
      throw new BadParameterError(
        name,
        `Unknown query parameter "${name}". Allowed: format=json|tar, redirect=true|false, details=true|false, include=details, as_of=YYYY-MM.`,
      );
    }
  }
  const single = (name: string): string | undefined => {
    const values = query.get(name);
    if (values === undefined) return undefined;
    if (values.length > 1) {
      throw new BadParameterError(
        name,
        `Query parameter "${name}" was given ${values.length} times; give it once.`,
      );
    }
    return values[0];
  };
  const format = single("format");
  const redirect = single("redirect");
  const details = single("details");
  const asOf = single("as_of");
  const include = (query.get("include") ?? []).flatMap((value) => value.split(","));
  return {
    format: format === undefined ? DEFAULT_FORMAT : parseFormat(format, "format"),
    redirect: redirect === undefined ? false : parseBoolean(redirect, "redirect"),
    details: details === undefined ? true : parseBoolean(details, "details"),
    includeDetails: parseInclude(include, "include"),
    ...(asOf === undefined ? {} : { asOf: parseMonth(asOf, "as_of") }),
  };
}

/** The request path without the stage prefix (present in rawPath on a named stage). */
export function readPath(event: HttpApiEvent): string {
  const raw = event.rawPath ?? event.requestContext?.http?.path ?? "";
  const stage = event.requestContext?.stage;
  const path =
    stage !== undefined && stage !== "$default" && raw.startsWith(`/${stage}/`)
      ? raw.slice(stage.length + 1)
      : raw;
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * Query values by name. rawQueryString keeps repeats apart (queryStringParameters joins them
 * with commas), so it is preferred when present.
 */
export function readQuery(event: HttpApiEvent): Map<string, string[]> {
  const query = new Map<string, string[]>();
  const add = (name: string, value: string) => query.set(name, [...(query.get(name) ?? []), value]);
  if (event.rawQueryString !== undefined) {
    for (const [name, value] of new URLSearchParams(event.rawQueryString)) add(name, value);
    return query;
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) add(name, value);
  }
  return query;
}
