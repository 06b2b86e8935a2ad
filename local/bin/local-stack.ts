// `npm run local`: the whole deployed stack on one machine, no AWS account. See docs/local-stack.md.
//
//   curl ──► local HTTP API (JWT check, payload 2.0 event) ──► handlers/http.ts (the real middy handler)
//                                                               ├─► local Data API endpoint ──► PGlite / PostgreSQL (demo Kong data)
//                                                               └─► s3rver (SigV4, presigned URLs) ◄── curl -L downloads
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import S3rver from "@20minutes/s3rver";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createHttpHandler } from "../../handlers/http.ts";
import { createReportsHttpHandler } from "../../handlers/reports-http.ts";
import { openDemoPglite, readDemoSql } from "../../lib/demo/open-demo-database.ts";
import { createLogger, type Logger } from "../../lib/log.ts";
import { startDataApiServer } from "../data-api/server.ts";
import { startLocalHttpApi } from "../http-api-gateway.ts";
import { createLocalIssuer } from "../jwt-issuer.ts";
import { installBucketPathSignatureFix } from "../s3rver-bucket-paths.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The deployed routes (serverless.yml): behind the JWT authorizer, and without one. */
export const LOCAL_ROUTES = [
  "GET /license/report",
  "HEAD /license/report",
  "ANY /license/report",
  "GET /license/reports",
  "HEAD /license/reports",
] as const;
export const LOCAL_PUBLIC_ROUTES = ["OPTIONS /license/report"] as const;
export const DEFAULT_PORT = 3000;
/** Stand-ins for the deployment parameters (same shapes as the real ARNs, never used against AWS). */
export const LOCAL_RESOURCES = {
  clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:kong-local",
  secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kong-local-AbCdEf",
  bucket: "kong-license-reports-local",
  prefix: "license-reports/",
  adminGroup: "kong-report-admins",
  issuer: "https://idp.local-stack.invalid",
  audience: "kong-license-report-local",
} as const;
const DEMO_DATABASE_MARK =
  "kong-license-report local stack: demo Kong database of one running instance, dropped when it stops";
/** Lambda and API Gateway limits of the deployed stack (serverless.yml). */
const FUNCTION_TIMEOUT_MS = 28_000;
/** s3rver's fixed account: it checks SigV4 signatures made with these. */
const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" } as const;

export interface LocalStackOptions {
  /** Port of the HTTP API on 127.0.0.1 (default 3000; 0 = any free port). */
  readonly port?: number;
  /**
   * A PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres): the demo is loaded into a
   * fresh database `demoDatabase` there. Without it, the demo runs in embedded PGlite.
   */
  readonly databaseUrl?: string;
  /**
   * Database the demo is loaded into on `databaseUrl` (default kong_report_demo_<random>, one per
   * instance). It must not exist yet: an existing database is never replaced. Dropped on close.
   */
  readonly demoDatabase?: string;
  /** The handler's JSON logs (default: stdout). */
  readonly logger?: Logger;
  /** API Gateway-style access log lines (default: none). */
  readonly accessLog?: (line: string) => void;
}

export interface LocalStack {
  /** http://127.0.0.1:PORT/license/report */
  readonly reportUrl: string;
  /** http://127.0.0.1:PORT/license/reports: the listing of stored reports */
  readonly reportsUrl: string;
  readonly tokens: { readonly admin: string; readonly user: string };
  readonly adminGroup: string;
  readonly bucket: string;
  readonly s3Endpoint: string;
  readonly dataApiUrl: string;
  /** Where the demo data lives (never a password). */
  readonly database: string;
  /** Milliseconds from the call to the database being loaded, and to everything listening. */
  readonly startup: { readonly databaseMs: number; readonly totalMs: number };
  /** The database name the Data API serves (KONG_DB_NAME). */
  readonly databaseName: string;
  /** Signs another token for the local issuer (tests: expired tokens, scopes...). */
  signToken(
    subject: string,
    claims?: Readonly<Record<string, unknown>>,
    ttlSeconds?: number,
  ): Promise<string>;
  close(): Promise<void>;
}

/** Starts the demo database, the Data API endpoint, S3 and the HTTP API; resolves once all listen. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const restoreEnv = useS3rverCredentials();
    cleanups.push(async () => restoreEnv());

    const database = await openDatabase(options);
    cleanups.push(database.close);
    const databaseReady = performance.now();

    const dataApi = await startDataApiServer({
      backend: database.backend,
      resourceArn: LOCAL_RESOURCES.clusterArn,
      secretArn: LOCAL_RESOURCES.secretArn,
    });
    cleanups.push(() => dataApi.close());

    const s3 = await startS3();
    cleanups.push(s3.close);

    const issuer = await createLocalIssuer({
      issuer: LOCAL_RESOURCES.issuer,
      audience: LOCAL_RESOURCES.audience,
    });
    // The function's environment, as serverless.yml sets it, pointed at the local servers.
    const env = {
      KONG_DB_RESOURCE_ARN: LOCAL_RESOURCES.clusterArn,
      KONG_DB_SECRET_ARN: LOCAL_RESOURCES.secretArn,
      KONG_DB_NAME: database.name,
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      REPORT_BUCKET: LOCAL_RESOURCES.bucket,
      REPORT_PREFIX: LOCAL_RESOURCES.prefix,
      REPORT_URL_TTL_SECONDS: "900",
      ADMIN_GROUPS: LOCAL_RESOURCES.adminGroup,
      REPORT_TIME_ZONE: "UTC",
    };
    // A handler of its own (not the module's `handler`, which reads process.env once per process).
    const { handler } = createHttpHandler({
      env,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    // The listing is a function of its own, as deployed.
    const reports = createReportsHttpHandler({
      env,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }).handler;
    const api = await startLocalHttpApi({
      routes: LOCAL_ROUTES,
      publicRoutes: LOCAL_PUBLIC_ROUTES,
      verifyToken: (token) => issuer.verify(token),
      invoke: (event, context) => handler(event, context),
      functions: {
        "GET /license/reports": (event, context) => reports(event, context),
        "HEAD /license/reports": (event, context) => reports(event, context),
      },
      functionName: "kong-license-report-local-http",
      functionTimeoutMs: FUNCTION_TIMEOUT_MS,
      port: options.port ?? DEFAULT_PORT,
      ...(options.accessLog === undefined ? {} : { accessLog: options.accessLog }),
    }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
        throw new Error(
          `Port ${options.port ?? DEFAULT_PORT} on 127.0.0.1 is in use. Pass --port with a free port (0 = any).`,
        );
      }
      throw error;
    });
    cleanups.push(() => api.close());

    const tokens = {
      admin: await issuer.sign("local-admin", {
        "cognito:groups": [LOCAL_RESOURCES.adminGroup],
        "cognito:username": "local-admin",
        email: "admin@example.com",
        token_use: "id",
      }),
      user: await issuer.sign("local-viewer", {
        "cognito:groups": ["kong-report-viewers"],
        "cognito:username": "local-viewer",
        email: "viewer@example.com",
        token_use: "id",
      }),
    };
    return {
      startup: { databaseMs: databaseReady - started, totalMs: performance.now() - started },
      reportUrl: `${api.url}/license/report`,
      reportsUrl: `${api.url}/license/reports`,
      tokens,
      adminGroup: LOCAL_RESOURCES.adminGroup,
      bucket: LOCAL_RESOURCES.bucket,
      s3Endpoint: s3.endpoint,
      dataApiUrl: dataApi.url,
      database: database.description,
      databaseName: database.name,
      signToken: (subject, claims, ttlSeconds) => issuer.sign(subject, claims, ttlSeconds),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface OpenedDatabase {
  readonly backend: { kind: "pg"; connectionString: string } | { kind: "pglite"; db: PGlite };
  /** KONG_DB_NAME */
  readonly name: string;
  readonly description: string;
  close(): Promise<void>;
}

async function openDatabase(options: LocalStackOptions): Promise<OpenedDatabase> {
  if (options.databaseUrl === undefined) return openEmbeddedDatabase();
  const name = options.demoDatabase ?? `kong_report_demo_${randomBytes(4).toString("hex")}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Demo database name "${name}" is not allowed: use lowercase letters, digits and _.`);
  }
  const server = new URL(options.databaseUrl);
  await createDemoDatabase(options.databaseUrl, name);
  const target = new URL(options.databaseUrl);
  target.pathname = `/${name}`;
  const drop = () => dropDemoDatabase(options.databaseUrl ?? "", name);
  const client = new pg.Client({ connectionString: target.href });
  try {
    await client.connect();
    await client.query(await readDemoSql());
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    backend: { kind: "pg", connectionString: target.href },
    name,
    description: `PostgreSQL ${server.hostname}:${server.port || "5432"}, database ${name} (demo Kong data, this instance's own, dropped on exit)`,
    close: drop,
  };
}

/** The demo in embedded PGlite, from the same saved data directory as the CLI's --demo (lib/demo/). */
async function openEmbeddedDatabase(): Promise<OpenedDatabase> {
  const db = await openDemoPglite();
  const current = await db.query<{ name: string }>("SELECT current_database() AS name");
  return {
    backend: { kind: "pglite", db },
    name: current.rows[0]?.name ?? "postgres",
    description: "PGlite (embedded, in memory) with the demo Kong data",
    close: () => db.close(),
  };
}

/**
 * Creates the demo database, marked as the local stack's. An existing database of that name is never
 * touched (another instance's or yours): the start is refused.
 */
async function createDemoDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (existing.rowCount !== 0) {
      throw new Error(
        `Database ${name} already exists on this server (another local stack's, or yours); it is left alone. Leave out the database name to get a fresh one, or choose another.`,
      );
    }
    await client.query(`CREATE DATABASE "${name}"`);
    await client.query(`COMMENT ON DATABASE "${name}" IS '${DEMO_DATABASE_MARK}'`);
  } catch (error) {
    // Two instances racing for one name: the loser's CREATE fails with 42P04 (duplicate_database).
    if ((error as { code?: string }).code === "42P04") {
      throw new Error(`Database ${name} was just created by another process; it is left alone.`);
    }
    throw error;
  } finally {
    await client.end();
  }
}

/** Drops the database this instance created (its sessions first: the Data API pool may still hold some). */
async function dropDemoDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function startS3(): Promise<{ endpoint: string; close(): Promise<void> }> {
  installBucketPathSignatureFix();
  const directory = await mkdtemp(join(tmpdir(), "kong-local-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: LOCAL_RESOURCES.bucket }],
  });
  const address = (await server.run()) as AddressInfo;
  // Node's 5 s idle timeout races clients that reuse a pooled socket when the machine is busy
  // (ECONNRESET on a presigned GET); S3 keeps idle connections far longer.
  const http = (server as unknown as { httpServer?: { keepAliveTimeout: number } }).httpServer;
  if (http !== undefined) http.keepAliveTimeout = 60_000;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * The SDK clients take credentials from the environment, as in Lambda: give them s3rver's account
 * (the local Data API does not check signatures) and keep any real AWS identity out of the way.
 */
function useS3rverCredentials(): () => void {
  const names = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
  ];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, S3RVER_CREDENTIALS, { AWS_REGION: "us-east-1" });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * An environments file for `kong-license-report estate` over this stack's local databases: the
 * demo behind the local Data API endpoint, and the CLI's embedded demo database (a second,
 * separate PGlite instance), so the estate can be tried with no Kong at hand.
 */
export function buildLocalEnvironments(stack: LocalStack): Record<string, unknown> {
  return {
    environments: [
      {
        environment: "local-data-api",
        data_api: {
          resource_arn: LOCAL_RESOURCES.clusterArn,
          secret_arn: LOCAL_RESOURCES.secretArn,
          database: stack.databaseName,
          endpoint: stack.dataApiUrl,
        },
      },
      { environment: "embedded-demo", demo: true },
    ],
  };
}

/** The copy-paste instructions printed at start (also written as `source`-able variables). */
export function describeLocalStack(stack: LocalStack, envFile?: string, environmentsFile?: string): string {
  const url = stack.reportUrl;
  const source = envFile === undefined ? undefined : relative(process.cwd(), envFile) || envFile;
  return [
    "",
    "Kong License Report - local stack (no AWS)",
    `  database  ${stack.database}`,
    `  Data API  ${stack.dataApiUrl}`,
    `  S3        ${stack.s3Endpoint}  bucket ${stack.bucket}`,
    `  HTTP API  ${url}  (JWT: issuer ${LOCAL_RESOURCES.issuer}, audience ${LOCAL_RESOURCES.audience})`,
    "",
    "Tokens (valid 8 hours; the admin is in the group kong-report-admins, the other user is not):",
    ...(source === undefined
      ? []
      : [
          `  source ${source}          # sets ADMIN_TOKEN, USER_TOKEN, REPORT_URL and REPORTS_URL in another shell`,
        ]),
    `  export ADMIN_TOKEN='${stack.tokens.admin}'`,
    `  export USER_TOKEN='${stack.tokens.user}'`,
    `  export REPORT_URL='${url}'`,
    `  export REPORTS_URL='${stack.reportsUrl}'`,
    "",
    "Then, in another shell in this directory:",
    "  # the link document (JSON with a presigned S3 URL)",
    `  curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$REPORT_URL?format=tar"`,
    "  # download the tar in one go (303 to the presigned URL), unpack it and verify the checksum",
    `  curl -sSL --fail-with-body -o report.tar -H "Authorization: Bearer $ADMIN_TOKEN" "$REPORT_URL?format=tar&redirect=true" \\`,
    "    && tar -xf report.tar && npm run --silent cli -- verify response.json",
    "  # the stored reports, newest first, each with a fresh download link (pages: &next=<next>)",
    `  curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" "$REPORTS_URL?limit=10"`,
    "  # a signed-in user who is not an admin: 403",
    `  curl -sS -i -H "Authorization: Bearer $USER_TOKEN" "$REPORT_URL"`,
    "  # no token: 401 from the JWT check",
    `  curl -sS -i "$REPORT_URL"`,
    ...(environmentsFile === undefined
      ? []
      : [
          "  # an estate of two local databases (the Data API one and the embedded demo): docs/estate.md",
          `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local npm run --silent cli -- estate --environments ${relative(process.cwd(), environmentsFile) || environmentsFile} --format tar`,
        ]),
    "",
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}

const HELP = `Usage: npm run local -- [--port 3000] [--database-url postgres://user@127.0.0.1:5432/postgres [--database-name NAME]]

Runs the whole stack on this machine, no AWS: the demo Kong database (embedded PGlite, or a fresh
database of its own on the PostgreSQL server you name), the local RDS Data API endpoint, a local S3
server, and GET /license/report on 127.0.0.1 behind a JWT check. Prints an admin token, a non-admin
token and the curl commands to try. Ctrl-C stops everything.

  --port N             HTTP port on 127.0.0.1 (default 3000; 0 = any free port)
  --database-url URL   load the demo into a new database on this PostgreSQL server, this instance's
                       own (kong_report_demo_<random>), dropped again on exit; nothing else is touched
  --database-name NAME that database's name instead (it must not exist: it is never replaced)
  -h, --help           this text`;

/** `.local-stack/env`, or `env-<port>` while another running instance holds that one. */
async function chooseEnvFile(port: number): Promise<string> {
  const shared = join(ROOT, ".local-stack", "env");
  const owner = /^# pid (\d+)/.exec(await readFile(shared, "utf8").catch(() => ""))?.[1];
  return owner !== undefined && Number(owner) !== process.pid && isRunning(Number(owner))
    ? join(ROOT, ".local-stack", `env-${port}`)
    : shared;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: String(DEFAULT_PORT) },
      "database-url": { type: "string" },
      "database-name": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    console.error(`--port "${values.port}" is not a port number: use 0 to 65535 (0 = any free port).`);
    return 2;
  }
  if (values["database-name"] !== undefined && values["database-url"] === undefined) {
    console.error("--database-name needs --database-url (the PostgreSQL server to create it on).");
    return 2;
  }
  const logger = createLogger();
  const stack = await startLocalStack({
    port,
    ...(values["database-url"] === undefined ? {} : { databaseUrl: values["database-url"] }),
    ...(values["database-name"] === undefined ? {} : { demoDatabase: values["database-name"] }),
    logger,
    accessLog: (line) => process.stdout.write(`${line}\n`),
  });
  const envFile = await chooseEnvFile(Number(new URL(stack.reportUrl).port));
  await mkdir(dirname(envFile), { recursive: true });
  const envText = `# pid ${process.pid}\nexport ADMIN_TOKEN='${stack.tokens.admin}'\nexport USER_TOKEN='${stack.tokens.user}'\nexport REPORT_URL='${stack.reportUrl}'\nexport REPORTS_URL='${stack.reportsUrl}'\n`;
  await writeFile(envFile, envText, { mode: 0o600 });
  const environmentsFile = join(dirname(envFile), `${basename(envFile).replace(/^env/, "envs")}.json`);
  await writeFile(environmentsFile, `${JSON.stringify(buildLocalEnvironments(stack), null, 2)}\n`);
  console.log(describeLocalStack(stack, envFile, environmentsFile));
  // Measured from process start: what a user waits for (module loading included).
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  console.log(
    `Ready in ${seconds(performance.now())} s (modules ${seconds(performance.now() - stack.startup.totalMs)} s, database ${seconds(stack.startup.databaseMs)} s, servers ${seconds(stack.startup.totalMs - stack.startup.databaseMs)} s).`,
  );

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string) => {
      // Ctrl-C reaches npm, tsx and this process alike, and tsx relays it again: act on the first one.
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the local stack...`);
      setTimeout(() => {
        console.error("Still not stopped after 10 s: exiting anyway.");
        process.exit(1);
      }, 10_000).unref();
      resolveStop();
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
  await stack.close();
  // Only this instance's file, and only if nobody rewrote it since.
  if ((await readFile(envFile, "utf8").catch(() => "")) === envText) await rm(envFile, { force: true });
  console.log("Stopped.");
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Exit explicitly: the SDK clients' keep-alive sockets would otherwise hold the process open.
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
