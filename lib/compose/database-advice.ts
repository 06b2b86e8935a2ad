import type { DataApiSettingNames } from "../aws/rds-data-errors.ts";
import type { SettingsOrigin } from "../sql/database-source.ts";
import { type PgAdvice, URL_ADVICE } from "../sql/pg-advice.ts";

// What a failed connection tells the reader to check, in the words of where the source was
// configured: the CLI's options, the functions' variables, or the environments file's keys. The
// ports name no setting themselves (lib/sql and lib/aws know neither the CLI nor the file).

/** A PostgreSQL URL's advice: --database-url, KONG_DATABASE_URL, or an entry's "database_url". */
export function urlAdvice(origin: SettingsOrigin): PgAdvice {
  return URL_ADVICES[origin];
}

const URL_ADVICES: Readonly<Record<SettingsOrigin, PgAdvice>> = {
  "command-line": {
    ...URL_ADVICE,
    address: "Check the host and port in --database-url",
    credentials: "Check the user and password in --database-url.",
    database: "Check --database-url.",
    schema: "Check --schema.",
    lockTimeout: ", or wait longer with --lock-timeout SECONDS",
    statementTimeout: ", or allow more time with --statement-timeout SECONDS",
  },
  // The report functions' variables (refused inside Lambda; the handlers run elsewhere with them).
  environment: {
    ...URL_ADVICE,
    address: "Check the host and port in KONG_DATABASE_URL",
    credentials: "Check the user and password in KONG_DATABASE_URL.",
    database: "Check KONG_DATABASE_URL.",
    lockTimeout: ", or wait longer with KONG_DB_LOCK_TIMEOUT_SECONDS",
    statementTimeout: ", or allow more time with KONG_DB_STATEMENT_TIMEOUT_SECONDS",
  },
  // An entry has no timeouts of its own: the messages end at "Run the report again".
  "environments-file": {
    ...URL_ADVICE,
    address: 'Check the host and port in "database_url"',
    credentials: 'Check the user and password in "database_url".',
    database: 'Check "database_url".',
    schema: 'Check "schema".',
  },
};

/** How the Data API's messages name its cluster, database and endpoint. */
export function dataApiSettingNames(origin: SettingsOrigin): DataApiSettingNames {
  return DATA_API_NAMES[origin];
}

const DATA_API_NAMES: Readonly<Record<SettingsOrigin, DataApiSettingNames>> = {
  "command-line": {
    resourceArn: "--data-api-resource-arn",
    database: "--data-api-database",
    endpoint: "--data-api-endpoint (or AWS_ENDPOINT_URL_RDS_DATA)",
  },
  environment: {
    resourceArn: "KONG_DB_RESOURCE_ARN",
    database: "KONG_DB_NAME",
    endpoint: "AWS_ENDPOINT_URL_RDS_DATA",
  },
  "environments-file": {
    resourceArn: '"data_api.resource_arn"',
    database: '"data_api.database"',
    endpoint: '"data_api.endpoint"',
  },
};
