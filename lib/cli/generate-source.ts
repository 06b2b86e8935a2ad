import { BadParameterError } from "../errors.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import { readDatabaseUrl } from "./database-url.ts";
import { GENERATE_COMMAND, type GenerateValues } from "./generate-table.ts";
import type { Env } from "./option-values.ts";

/** Where the database is: the embedded demo, or a database as the Lambda configures it. */
export type SourceOptions = { readonly kind: "demo" } | DatabaseSource;

const OPTIONS = GENERATE_COMMAND.options;
const DATA_API_OPTIONS = ["data-api-resource-arn", "data-api-secret-arn", "data-api-database"] as const;

/** The one source of the report: --demo, --database-url (or its variable), or the Data API options. */
export function readSource(values: GenerateValues, env: Env): SourceOptions {
  const givenDataApi = DATA_API_OPTIONS.filter((name) => values[name] !== undefined);
  // The variable is read as given, not trimmed: a blank one is refused as an invalid --database-url.
  const url =
    values["database-url"] ??
    (givenDataApi.length === 0 && values.demo !== true ? env[OPTIONS["database-url"].env] : undefined);
  const chosen = [values.demo === true, url !== undefined, givenDataApi.length > 0].filter(Boolean).length;
  if (chosen > 1) {
    throw new BadParameterError(
      "--database-url",
      "Choose one source: --demo, --database-url, or the --data-api-* options.",
    );
  }
  if (givenDataApi.length > 0) return readDataApi(values, env);
  if (url !== undefined) {
    return readDatabaseUrl(url, {
      schema: values.schema,
      statementTimeout: values["statement-timeout"],
      lockTimeout: values["lock-timeout"],
    });
  }
  for (const option of ["statement-timeout", "lock-timeout", "schema"] as const) {
    if (values[option] !== undefined) {
      throw new BadParameterError(
        `--${option}`,
        `--${option} applies to --database-url only (the Data API limits each statement to 45 s; the demo needs none).`,
      );
    }
  }
  if (values.demo === true) return { kind: "demo" };
  throw new BadParameterError(
    "--demo",
    "generate needs a source: --database-url URL (or KONG_DATABASE_URL) for your Kong PostgreSQL, the Data API options --data-api-resource-arn, --data-api-secret-arn and --data-api-database, or --demo for the embedded demo database (sample data, not your Kong). See --help.",
  );
}

function readDataApi(values: GenerateValues, env: Env): SourceOptions {
  const missing = DATA_API_OPTIONS.filter((name) => values[name] === undefined);
  const [resourceArn, secretArn, database] = DATA_API_OPTIONS.map((name) => values[name]);
  if (resourceArn === undefined || secretArn === undefined || database === undefined) {
    throw new BadParameterError(
      `--${missing[0]}`,
      `The Data API source needs --data-api-resource-arn, --data-api-secret-arn and --data-api-database; missing --${missing.join(", --")}.`,
    );
  }
  // As given, like KONG_DATABASE_URL.
  const endpoint = values["data-api-endpoint"] ?? env[OPTIONS["data-api-endpoint"].env];
  const region = values.region;
  return {
    kind: "data-api",
    resourceArn,
    secretArn,
    database,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
  };
}
