import { BadParameterError } from "../errors.ts";
import { checkPageToken, MAX_LIST_LIMIT, parseListLimit } from "../history/list-reports.ts";
import {
  ALLOWED_METHODS,
  checkRoute,
  type HttpApiEvent,
  type ReportMethod,
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
  return checkRoute(event, {
    path: REPORTS_PATH,
    methods: ALLOWED_METHODS,
    where: `Stored reports are listed at GET ${REPORTS_PATH}?limit=N&next=TOKEN.`,
    use: "Use GET (or HEAD to check access and parameters).",
  });
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
