import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { createRdsDataClient } from "#lib/aws/clients.ts";
import {
  type DataApiServer,
  type DataApiServerOptions,
  startDataApiServer,
} from "../../local/data-api/server.ts";
import type { TestDatabase } from "../helpers/kong-db.ts";

/** ARNs the local endpoint is told to accept in these tests. */
export const RESOURCE_ARN = "arn:aws:rds:us-east-1:000000000000:cluster:kong-test";
export const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:kong-test-AbCdEf";
export const ARNS = { resourceArn: RESOURCE_ARN, secretArn: SECRET_ARN } as const;

/** Errors the endpoint answered as InternalServerErrorException (a bug): tests expect none. */
export const internalErrors: unknown[] = [];

/** The endpoint's backend for a test database: the same PGlite instance, or the same PostgreSQL. */
export function backendOf(db: TestDatabase): DataApiServerOptions["backend"] {
  return db.target === "pglite"
    ? { kind: "pglite", db: db.db }
    : { kind: "pg", connectionString: db.connectionString };
}

/** A local endpoint on `schema` of the test database, accepting only the test ARNs. */
export function startTestEndpoint(
  db: TestDatabase,
  schema: string,
  options: Partial<Omit<DataApiServerOptions, "backend">> = {},
): Promise<DataApiServer> {
  return startDataApiServer({
    backend: backendOf(db),
    searchPath: schema,
    resourceArn: RESOURCE_ARN,
    secretArn: SECRET_ARN,
    onInternalError: (error) => {
      internalErrors.push(error);
    },
    ...options,
  });
}

/** The real SDK client, configured as production configures it, pointed at the endpoint. */
export function createTestClient(server: DataApiServer): RDSDataClient {
  return createRdsDataClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
  });
}

/** The name of the database the tests' connections use (the Data API's `database`). */
export function databaseNameOf(db: TestDatabase): string {
  return db.target === "pglite" ? "postgres" : new URL(db.connectionString).pathname.slice(1) || "postgres";
}

/** Runs `work` and returns the error it rejects with (fails the test when it resolves). */
export async function rejectionOf(work: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await work;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** What a hand-written Data API answer carries: an HTTP status, an error type, a JSON body. */
export interface CannedAnswer {
  readonly status: number;
  /** `x-amzn-errortype`, as the service names an error. */
  readonly errorType?: string;
  readonly body: Record<string, unknown>;
}

/**
 * The real SDK client whose HTTP handler answers `answer` without a network: for answers the local
 * endpoint never gives (fields it does not produce, errors of AWS's front end). Counts requests.
 */
export function createCannedClient(answer: () => CannedAnswer): RDSDataClient & { requests: () => number } {
  let requests = 0;
  const client = new RDSDataClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => {
        requests += 1;
        const { status, errorType, body } = answer();
        return {
          response: {
            statusCode: status,
            headers: {
              "content-type": "application/json",
              ...(errorType === undefined ? {} : { "x-amzn-errortype": errorType }),
            },
            body: Buffer.from(JSON.stringify(body)),
          },
        };
      },
    } as never,
  });
  return Object.assign(client, { requests: () => requests });
}
