import { BadParameterError, MethodNotAllowedError, RouteNotFoundError } from "../errors.ts";
import { checkPageToken, MAX_LIST_LIMIT, parseListLimit } from "../history/list-reports.ts";
import {
  ALLOWED_METHODS,
  type HttpApiEvent,
  type ReportMethod,
  readPath,
  readQuery,
} from "./http-api-event.ts";

export const REPORTS_PATH = "/license/reports";

export interface ReportsRequest {
  readonly limit: number;
  readonly next?: string;
}

const QUERY_PARAMETERS = ["limit", "next"] as const;

/** GET (HEAD, OPTIONS) /license/reports: 404 for another path, 405 with Allow for another method. */
export function readReportsRoute(event: HttpApiEvent): ReportMethod {
  const method = (event.requestContext?.http?.method ?? "").toUpperCase();
  const path = readPath(event);
  if (path !== REPORTS_PATH) {
    throw new RouteNotFoundError(
      `No route ${path === "" ? "(empty path)" : path}. Stored reports are listed at GET ${REPORTS_PATH}?limit=N&next=TOKEN.`,
    );
  }
  if (!(ALLOWED_METHODS as readonly string[]).includes(method)) {
    throw new MethodNotAllowedError(
      `Method ${method || "(none)"} is not allowed on ${REPORTS_PATH}. Use GET (or HEAD to check access and parameters).`,
      ALLOWED_METHODS,
    );
  }
  return method as ReportMethod;
}

/** `limit` (1 … 100, default 20) and `next` (a token from the previous page); anything else is a 400. */
export function readReportsQuery(event: HttpApiEvent): ReportsRequest {
  const query = readQuery(event);
  for (const [name, values] of query) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
      throw new BadParameterError(
        name,
        `Unknown query parameter "${name}". Allowed: limit=1..${MAX_LIST_LIMIT}, next=<the "next" token of the previous page>.`,
      );
    }
    if (values.length > 1) {
      throw new BadParameterError(
        name,
        `Query parameter "${name}" was given ${values.length} times; give it once.`,
      );
    }
  }
  const next = query.get("next")?.[0];
  return {
    limit: parseListLimit(query.get("limit")?.[0], "limit"),
    ...(next === undefined ? {} : { next: checkPageToken(next, "next") }),
  };
}
