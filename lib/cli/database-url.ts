import { existsSync } from "node:fs";
import { BadParameterError } from "../errors.ts";
import type { DatabaseSource } from "../sql/database-source.ts";

type PostgresConfig = Extract<DatabaseSource, { kind: "postgres" }>;

/** What --database-url's neighbours (--schema and the two timeouts) add to the URL. */
export interface PostgresOptions {
  readonly schema: string | undefined;
  readonly statementTimeout: string | undefined;
  readonly lockTimeout: string | undefined;
}

/** The direct PostgreSQL source, checked before any connection. */
export function readDatabaseUrl(url: string, options: PostgresOptions): PostgresConfig {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new BadParameterError(
      "--database-url",
      "Invalid --database-url: expected postgres://user:password@host:5432/database.",
    );
  }
  checkDatabaseUrl(url);
  const statementTimeoutMs = readSeconds(options.statementTimeout, "--statement-timeout");
  const lockTimeoutMs = readSeconds(options.lockTimeout, "--lock-timeout");
  return {
    kind: "postgres",
    url,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
    ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    settings: "command-line",
  };
}

const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"];

/** Fails now, with exit 2, on what pg would only report as a failed query: never echoes the password. */
function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadParameterError(
      "--database-url",
      "Invalid --database-url: it is not a valid URL (check the port is a number and special characters in the password are percent-encoded). Expected postgres://user:password@host:5432/database.",
    );
  }
  const sslMode = parsed.searchParams.get("sslmode");
  if (sslMode !== null && !SSL_MODES.includes(sslMode)) {
    throw new BadParameterError(
      "--database-url",
      `Invalid sslmode "${sslMode}" in --database-url: use ${SSL_MODES.join(", ")}.`,
    );
  }
  for (const name of ["sslrootcert", "sslcert", "sslkey"]) {
    const file = parsed.searchParams.get(name);
    if (file !== null && !existsSync(file)) {
      throw new BadParameterError(
        "--database-url",
        `Cannot read ${name} file ${file} named in --database-url: no such file.`,
      );
    }
  }
}

/** Whole seconds from 1 to 3600, as milliseconds. */
function readSeconds(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new BadParameterError(
      option,
      `Invalid ${option} "${value}": expected whole seconds from 1 to 3600.`,
    );
  }
  return seconds * 1000;
}
