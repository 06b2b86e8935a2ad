import { BadParameterError } from "../errors.ts";
import type { EstateRequest } from "../use-cases/estate-inputs.ts";
import { parseFormat, parseInclude, parseMonth } from "../use-cases/report-options.ts";
import { checkRoute, type HttpApiEvent, readQuery } from "./http-api-event.ts";

export const ESTATE_PATH = "/license/estate";
export const ESTATE_METHODS = ["GET", "OPTIONS"] as const;

const QUERY_PARAMETERS = ["format", "as_of", "include"] as const;
const ALLOWED = "format=json|tar, as_of=YYYY-MM, include=details";

/** Checks the route and method of GET /license/estate: 404 for another path, 405 (with Allow) otherwise. */
export function readEstateRoute(event: HttpApiEvent): (typeof ESTATE_METHODS)[number] {
  return checkRoute(event, {
    path: ESTATE_PATH,
    methods: ESTATE_METHODS,
    where: `The estate is at GET ${ESTATE_PATH}?${ALLOWED}.`,
    use: "Use GET.",
  });
}

/** Reads `format` (default json), `as_of` and `include=details`; unknown or repeated parameters are a 400. */
export function readEstateQuery(event: HttpApiEvent): EstateRequest {
  const query = readQuery(event);
  for (const [name, values] of query) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
      throw new BadParameterError(name, `Unknown query parameter "${name}". Allowed: ${ALLOWED}.`);
    }
    if (name !== "include" && values.length > 1) {
      throw new BadParameterError(
        name,
        `Query parameter "${name}" was given ${values.length} times; give it once.`,
      );
    }
  }
  const format = query.get("format")?.[0];
  const asOf = query.get("as_of")?.[0];
  return {
    format: format === undefined ? "json" : parseFormat(format, "format"),
    ...(asOf === undefined ? {} : { asOf: parseMonth(asOf, "as_of") }),
    includeDetails: parseInclude(
      (query.get("include") ?? []).flatMap((value) => value.split(",")),
      "include",
    ),
  };
}
