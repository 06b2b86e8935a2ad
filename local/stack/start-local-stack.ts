// The whole deployed stack on one machine, no AWS account. See docs/local-stack.md.
//
//   curl ──► local HTTP API (JWT check, payload 2.0 event) ──► handlers/http.ts (the real middy handler)
//                                                               ├─► local Data API endpoint ──► PGlite / PostgreSQL (demo Kong data)
//                                                               └─► s3rver (SigV4, presigned URLs) ◄── curl -L downloads

import { createEstateHttpHandler } from "../../handlers/estate-http.ts";
import { createHttpHandler } from "../../handlers/http.ts";
import { createReportsHttpHandler } from "../../handlers/reports-http.ts";
import type { Logger } from "../../lib/log.ts";
import { startDataApiServer } from "../data-api/server.ts";
import { startLocalHttpApi } from "../http-api-gateway.ts";
import { createLocalIssuer } from "../jwt-issuer.ts";
import { openDemoDatabase } from "./demo-database.ts";
import {
  DEFAULT_PORT,
  LOCAL_PUBLIC_ROUTES,
  LOCAL_RESOURCES,
  LOCAL_ROUTES,
  localDataApiEnvironment,
} from "./local-resources.ts";
import { startS3, useS3rverCredentials } from "./local-s3.ts";

/** Lambda and API Gateway limits of the deployed stack (serverless.yml). */
const FUNCTION_TIMEOUT_MS = 28_000;

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
  /** http://127.0.0.1:PORT/license/estate: the estate of the environments file in local S3 */
  readonly estateUrl: string;
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

    const database = await openDemoDatabase(options);
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
    // GET /license/estate, as deployed without its state machine: every estate runs in-process. Its
    // environments file is an object in the local S3 (ESTATE_ENVIRONMENTS), as on AWS: the database
    // behind the local Data API (the embedded demo runs only in the CLI).
    await s3.put(
      LOCAL_RESOURCES.environmentsKey,
      JSON.stringify(buildFunctionEnvironments(database.name, dataApi.url)),
    );
    const estate = createEstateHttpHandler({
      env: {
        ...env,
        ESTATE_ENVIRONMENTS: `s3://${LOCAL_RESOURCES.bucket}/${LOCAL_RESOURCES.environmentsKey}`,
        ESTATE_INLINE_MAX: "8",
      },
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
        "GET /license/estate": (event, context) => estate(event, context),
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
      estateUrl: `${api.url}/license/estate`,
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

/** The estate functions' environments file: the demo behind the local Data API endpoint. */
function buildFunctionEnvironments(databaseName: string, dataApiUrl: string): Record<string, unknown> {
  return { environments: [localDataApiEnvironment(databaseName, dataApiUrl)] };
}
