import type { AdminApiSource } from "../collector/api-sources.ts";
import { BadParameterError } from "../errors.ts";
import type { DatabaseSource } from "../sql/database-source.ts";
import { readDatabaseUrl } from "./database-url.ts";
import { GENERATE_COMMAND, type GenerateValues } from "./generate-table.ts";
import type { Env } from "./option-values.ts";

/** Where the report comes from: the embedded demo, a database as the Lambda configures it, or Kong's Admin API. */
export type SourceOptions = { readonly kind: "demo" } | DatabaseSource | AdminApiSource;

/** The variable the Admin API token is read from unless --admin-token-env names another. */
export const ADMIN_TOKEN_VARIABLE = "KONG_ADMIN_TOKEN";

const OPTIONS = GENERATE_COMMAND.options;
const DATA_API_OPTIONS = ["data-api-resource-arn", "data-api-secret-arn", "data-api-database"] as const;

/** The one source of the report: --demo, --database-url (or its variable), or the Data API options. */
export function readSource(values: GenerateValues, env: Env): SourceOptions {
  checkTlsOptions(values);
  if (values["admin-api"] !== undefined) return readAdminApi(values, env);
  if (values["admin-token-env"] !== undefined) {
    throw new BadParameterError("--admin-token-env", "--admin-token-env applies to --admin-api only.");
  }
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
    "generate needs a source: --database-url URL (or KONG_DATABASE_URL) for your Kong PostgreSQL, the Data API options --data-api-resource-arn, --data-api-secret-arn and --data-api-database, --admin-api URL for Kong's own report from its Admin API, or --demo for the embedded demo database (sample data, not your Kong). See --help.",
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
    settings: "command-line",
  };
}

/** Options that only make sense for a database or the demo: Kong's Admin API serves its own report. */
const DATABASE_ONLY = [
  "demo",
  "database-url",
  "schema",
  "statement-timeout",
  "lock-timeout",
  "data-api-resource-arn",
  "data-api-secret-arn",
  "data-api-database",
  "data-api-endpoint",
  "region",
] as const;

/**
 * --admin-api URL: the token from the variable --admin-token-env names, else KONG_ADMIN_TOKEN (never
 * an option value, which would land in the shell's history and the process list); none at all for an
 * Admin API without RBAC. The URL's form is checked when the client is built.
 */
function readAdminApi(values: GenerateValues, env: Env): AdminApiSource {
  const other = DATABASE_ONLY.find((name) => values[name] !== undefined);
  if (other !== undefined) {
    throw new BadParameterError(
      `--${other}`,
      `--admin-api and --${other} exclude each other: Kong's Admin API serves its own report, no database is read.`,
    );
  }
  const url = values["admin-api"] as string;
  if (!/^https?:\/\/[^\s/]+/.test(url)) {
    throw new BadParameterError(
      "--admin-api",
      "--admin-api must be an http(s) URL, e.g. https://kong-admin:8001.",
    );
  }
  if (/^https?:\/\/[^/]*@/.test(url)) {
    throw new BadParameterError(
      "--admin-api",
      `--admin-api must not hold credentials (user:password@): give the token in ${ADMIN_TOKEN_VARIABLE} or the variable --admin-token-env names.`,
    );
  }
  const variable = values["admin-token-env"] ?? ADMIN_TOKEN_VARIABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable) || variable.startsWith("AWS_")) {
    throw new BadParameterError(
      "--admin-token-env",
      `--admin-token-env must name an environment variable (letters, digits, "_"), not an AWS_* one (those hold this process's own credentials).`,
    );
  }
  const token = env[variable];
  if (values["admin-token-env"] !== undefined && (token === undefined || token === "")) {
    throw new BadParameterError(
      "--admin-token-env",
      `--admin-token-env names ${variable}, which is not set.`,
    );
  }
  return {
    kind: "admin-api",
    url: url.replace(/\/+$/, ""),
    ...(token === undefined || token === "" ? {} : { token: { kind: "literal" as const, value: token } }),
    ...(values["ca-file"] === undefined ? {} : { caFile: values["ca-file"] }),
    ...(values.insecure === true ? { insecure: true } : {}),
  };
}

function checkTlsOptions(values: GenerateValues): void {
  for (const option of ["ca-file", "insecure"] as const) {
    if (values[option] !== undefined && values["admin-api"] === undefined) {
      throw new BadParameterError(`--${option}`, `--${option} applies to --admin-api only.`);
    }
  }
  if (values["ca-file"] !== undefined && values.insecure === true) {
    throw new BadParameterError(
      "--insecure",
      "--ca-file and --insecure exclude each other: verify against the CA file, or (knowingly) not at all.",
    );
  }
}
