import { parseArgs } from "node:util";
import { DEFAULT_PORT } from "./local-resources.ts";

/** `npm run local -- --help`. */
export const LOCAL_STACK_HELP = `Usage: npm run local -- [--port 3000] [--database-url postgres://user@127.0.0.1:5432/postgres [--database-name NAME]]

Runs the whole stack on this machine, no AWS: the demo Kong database (embedded PGlite, or a fresh
database of its own on the PostgreSQL server you name), the local RDS Data API endpoint, a local S3
server, and GET /license/report on 127.0.0.1 behind a JWT check. Prints an admin token, a non-admin
token and the curl commands to try. Ctrl-C stops everything.

  --port N             HTTP port on 127.0.0.1 (default 3000; 0 = any free port)
  --database-url URL   load the demo into a new database on this PostgreSQL server, this instance's
                       own (kong_report_demo_<random>), dropped again on exit; nothing else is touched
  --database-name NAME that database's name instead (it must not exist: it is never replaced)
  -h, --help           this text`;

/** What `npm run local` was asked for: help, a refusal (exit 2) or the stack's options. */
export type LocalStackArgs =
  | { readonly kind: "help" }
  | { readonly kind: "refused"; readonly message: string }
  | {
      readonly kind: "start";
      readonly port: number;
      readonly databaseUrl?: string;
      readonly demoDatabase?: string;
    };

/** Reads the command line; an unknown option throws parseArgs' own error. */
export function parseLocalStackArgs(args?: string[]): LocalStackArgs {
  const { values } = parseArgs({
    ...(args === undefined ? {} : { args }),
    options: {
      port: { type: "string", default: String(DEFAULT_PORT) },
      "database-url": { type: "string" },
      "database-name": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { kind: "help" };
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    return {
      kind: "refused",
      message: `--port "${values.port}" is not a port number: use 0 to 65535 (0 = any free port).`,
    };
  }
  if (values["database-name"] !== undefined && values["database-url"] === undefined) {
    return {
      kind: "refused",
      message: "--database-name needs --database-url (the PostgreSQL server to create it on).",
    };
  }
  return {
    kind: "start",
    port,
    ...(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] }),
    ...(values["database-name"] === undefined ? {} : { demoDatabase: values["database-name"] }),
  };
}
