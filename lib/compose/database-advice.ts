import type { SettingsOrigin } from "../sql/database-source.ts";
import { type PgAdvice, URL_ADVICE } from "../sql/pg-advice.ts";

// What a failed connection tells the reader to check, in the words of where the source was
// configured: the CLI's options, the functions' variables, or the environments file's keys. The
// port names no setting itself (lib/sql knows neither the CLI nor the file).

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
