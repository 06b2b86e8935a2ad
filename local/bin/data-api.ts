#!/usr/bin/env node
import { parseArgs } from "node:util";
import pg from "pg";
import { openDemoPglite } from "../../lib/demo/open-demo-database.ts";
import { describeTarget, translatePgError } from "../../lib/sql/pg-sql-port.ts";
import { type DataApiServer, type DataApiServerOptions, startDataApiServer } from "../data-api/server.ts";

const DEFAULT_RESOURCE_ARN = "arn:aws:rds:us-east-1:000000000000:cluster:kong-local";
const DEFAULT_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:kong-local";

const HELP = `Usage: npm run --silent data-api -- [options]

A local RDS Data API endpoint: the service's JSON protocol over PostgreSQL or the embedded demo
database, for the real AWS SDK (and this tool's Data API source) to talk to.

Options:
  --database-url URL        postgres://user:password@host:port/database to serve
  --demo                    serve the embedded demo database (the default without --database-url)
  --port N                  port to listen on (default 8080; 0 = any free port)
  --host HOST               address to listen on (default 127.0.0.1: loopback only)
  --resource-arn ARN        the cluster ARN callers must name (default ${DEFAULT_RESOURCE_ARN})
  --secret-arn ARN          the secret ARN callers must name (default ${DEFAULT_SECRET_ARN})
  --search-path SCHEMA      schema holding Kong's tables when it is not public
  --statement-timeout-ms N  cancel statements after N ms (default 45000, the Data API's limit)
  -h, --help                show this help
`;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

class UsageError extends Error {}

interface Settings {
  readonly databaseUrl: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly searchPath: string | undefined;
  readonly statementTimeoutMs: number;
}

function parseSettings(argv: string[]): Settings | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "database-url": { type: "string" },
        demo: { type: "boolean" },
        port: { type: "string" },
        host: { type: "string" },
        "resource-arn": { type: "string" },
        "secret-arn": { type: "string" },
        "search-path": { type: "string" },
        "statement-timeout-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  if (values.help === true) return "help";
  const text = (name: string) => values[name] as string | undefined;
  const databaseUrl = text("database-url");
  if (databaseUrl !== undefined && values.demo === true) {
    throw new UsageError("--demo and --database-url exclude each other: choose one database to serve.");
  }
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError("--database-url must be a postgres://user:password@host:port/database URL.");
  }
  return {
    databaseUrl,
    port: integerOption("--port", text("port"), 8080, 0, 65535),
    host: text("host") ?? "127.0.0.1",
    resourceArn: text("resource-arn") ?? DEFAULT_RESOURCE_ARN,
    secretArn: text("secret-arn") ?? DEFAULT_SECRET_ARN,
    searchPath: text("search-path"),
    statementTimeoutMs: integerOption(
      "--statement-timeout-ms",
      text("statement-timeout-ms"),
      45_000,
      1,
      3_600_000,
    ),
  };
}

function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}; got "${value}".`);
  }
  return number;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^' ]+)/.exec(message)?.[1] ?? "";
  const code = (error as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${quoted} (see --help).`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `option ${quoted} needs a value (see --help).`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
    return `unexpected argument "${quoted}": options only (see --help).`;
  return `${message.split("\n")[0]} (see --help).`;
}

/** The backend to serve, checked once so a wrong URL fails now with a clear message. */
async function openBackend(settings: Settings): Promise<{
  backend: DataApiServerOptions["backend"];
  database: string;
  label: string;
  close: () => Promise<void>;
}> {
  if (settings.databaseUrl !== undefined) {
    const client = new pg.Client({ connectionString: settings.databaseUrl, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
    } catch (error) {
      throw translatePgError(error, describeTarget(settings.databaseUrl));
    } finally {
      await client.end().catch(() => undefined);
    }
    const database = decodeURIComponent(new URL(settings.databaseUrl).pathname.slice(1)) || "postgres";
    return {
      backend: { kind: "pg", connectionString: settings.databaseUrl },
      database,
      label: `PostgreSQL ${describeTarget(settings.databaseUrl)}`,
      close: async () => undefined,
    };
  }
  const db = await openDemoPglite();
  return {
    backend: { kind: "pglite", db },
    database: "postgres",
    label: "the embedded demo database",
    close: () => db.close(),
  };
}

function describeUsage(server: DataApiServer, settings: Settings, database: string, label: string): string {
  const lines = [
    `Local RDS Data API endpoint on ${server.url}, serving ${label}${settings.searchPath === undefined ? "" : ` (schema ${settings.searchPath})`}.`,
    "",
    "Generate a report through it:",
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local npm run --silent cli -- generate \\`,
    `    --data-api-endpoint ${server.url} --region us-east-1 \\`,
    `    --data-api-resource-arn ${settings.resourceArn} \\`,
    `    --data-api-secret-arn ${settings.secretArn} \\`,
    `    --data-api-database ${database}`,
    "",
    "Or in the environment (the Lambda handlers, the AWS SDK, the AWS CLI with --endpoint-url):",
    `  export AWS_ENDPOINT_URL_RDS_DATA=${server.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export KONG_DB_RESOURCE_ARN=${settings.resourceArn}`,
    `  export KONG_DB_SECRET_ARN=${settings.secretArn}`,
    `  export KONG_DB_NAME=${database}`,
    "",
    "Signatures are not checked. Ctrl-C stops the endpoint.",
  ];
  return `${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  let settings: Settings | "help";
  try {
    settings = parseSettings(argv);
  } catch (error) {
    process.stderr.write(`data-api: ${(error as Error).message}\n`);
    return 2;
  }
  if (settings === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (!LOOPBACK.has(settings.host)) {
    process.stderr.write(
      `data-api: warning: listening on ${settings.host}, not loopback; anyone who reaches it can query the database.\n`,
    );
  }
  const opened = await openBackend(settings);
  let server: DataApiServer;
  try {
    server = await startDataApiServer({
      backend: opened.backend,
      host: settings.host,
      port: settings.port,
      resourceArn: settings.resourceArn,
      secretArn: settings.secretArn,
      database: opened.database,
      statementTimeoutMs: settings.statementTimeoutMs,
      ...(settings.searchPath === undefined ? {} : { searchPath: settings.searchPath }),
      onInternalError: (error) => {
        process.stderr.write(
          `data-api: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      },
    });
  } catch (error) {
    await opened.close();
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new Error(`port ${settings.port} on ${settings.host} is in use; choose another with --port.`);
    }
    throw error;
  }
  process.stdout.write(describeUsage(server, settings, opened.database, opened.label));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  await opened.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`data-api: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
