import type { RDSDataClient } from "@aws-sdk/client-rds-data";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRdsDataClient } from "#lib/aws/clients.ts";
import { createRdsDataSqlPort, type RdsDataSqlPortOptions } from "#lib/aws/rds-data-sql-port.ts";
import {
  DatabaseAccessError,
  DatabaseResumingError,
  QueryError,
  type ReportError,
  TimeoutError,
} from "#lib/errors.ts";
import { toErrorResponse } from "#lib/http/error-response.ts";
import type { DataApiErrorType } from "../../local/data-api/protocol.ts";
import type { DataApiServer } from "../../local/data-api/server.ts";
import {
  ARNS,
  createCannedClient,
  createTestClient,
  databaseNameOf,
  RESOURCE_ARN,
  rejectionOf,
  SECRET_ARN,
  startTestEndpoint,
} from "../data-api/harness.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { openTestDatabase, type TestDatabase } from "../helpers/kong-db.ts";

/**
 * Every error kind the Data API adapter maps, answered by the local endpoint (real HTTP, the
 * real SDK client, SigV4 checked) as the service answers it: `x-amzn-ErrorType` and a message.
 * The endpoint's fault injection stands in for cluster states a laptop cannot reach (a paused
 * cluster, a missing HTTP endpoint); SQLSTATEs that PostgreSQL can raise are raised for real.
 */

type Expected = readonly [
  kind: DataApiErrorType,
  message: string | undefined,
  errorClass: new (...args: never[]) => ReportError,
  status: number,
  text: RegExp,
];

const fatal: readonly Expected[] = [
  ["AccessDeniedException", undefined, DatabaseAccessError, 502, /denied access \(AccessDeniedException\)/],
  ["ForbiddenException", undefined, DatabaseAccessError, 502, /denied access \(ForbiddenException\)/],
  ["HttpEndpointNotEnabledException", undefined, DatabaseAccessError, 502, /HTTP endpoint\) is not enabled/],
  [
    "InvalidSecretException",
    "secret gone",
    DatabaseAccessError,
    502,
    /could not use the secret .*secret gone/,
  ],
  ["SecretsErrorException", "decrypt failed", DatabaseAccessError, 502, /could not use the secret/],
  ["DatabaseNotFoundException", undefined, DatabaseAccessError, 502, /has no DB instance/],
  ["NotFoundException", undefined, DatabaseAccessError, 502, /found no cluster/],
  ["InvalidResourceStateException", "stopped", DatabaseAccessError, 502, /current state \(stopped\)/],
  ["StatementTimeoutException", undefined, TimeoutError, 504, /ran past its time limit/],
  ["UnsupportedResultException", "The result set is too large", QueryError, 500, /1 MiB response limit/],
  ["UnsupportedResultException", "array of uuid", QueryError, 500, /cannot return a result .*array of uuid/],
  ["MissingAuthenticationTokenException", undefined, DatabaseAccessError, 502, /refused the credentials/],
  ["BadRequestException", "HttpEndpoint is not enabled", DatabaseAccessError, 502, /is not enabled/],
  ["BadRequestException", "secret has no password", DatabaseAccessError, 502, /could not use the secret/],
  ["BadRequestException", "Response size too large", QueryError, 500, /1 MiB response limit/],
  ["BadRequestException", "syntax", QueryError, 500, /rejected a statement .*: syntax/],
  // The SQLSTATE families the adapter maps, as the service words a DatabaseErrorException.
  [
    "DatabaseErrorException",
    "FATAL: password authentication failed; SQLState: 28P01",
    DatabaseAccessError,
    502,
    /refused the credentials in the secret .*SQLSTATE 28P01/,
  ],
  [
    "DatabaseErrorException",
    "FATAL: pg_hba.conf rejects connection; SQLState: 28000",
    DatabaseAccessError,
    502,
    /SQLSTATE 28000/,
  ],
  [
    "DatabaseErrorException",
    'FATAL: database "x" does not exist; SQLState: 3D000',
    DatabaseAccessError,
    502,
    /database "postgres" does not exist/,
  ],
  [
    "DatabaseErrorException",
    "ERROR: canceling statement due to statement timeout; SQLState: 57014",
    TimeoutError,
    504,
    /statement timeout/,
  ],
  [
    "DatabaseErrorException",
    "ERROR: could not serialize access due to concurrent update",
    QueryError,
    500,
    /^A query on the Aurora cluster \S+ \(database postgres\) failed: could not serialize access due to concurrent update$/,
  ],
  [
    "DatabaseErrorException",
    'ERROR: relation "t" does not exist; SQLState: 42P01',
    QueryError,
    500,
    /SQLSTATE 42P01\): relation "t" does not exist/,
  ],
];

describe("Data API error kinds through the local endpoint (pglite)", () => {
  let db: TestDatabase;
  let server: DataApiServer;
  let client: RDSDataClient;
  let proxy: FaultProxy;
  let proxied: RDSDataClient;
  let database: string;

  beforeAll(async () => {
    db = await openTestDatabase("pglite");
    const schema = (await db.createFixture("SELECT 1")).schema;
    database = databaseNameOf(db);
    server = await startTestEndpoint(db, schema);
    client = createTestClient(server);
    proxy = await startFaultProxy(server.url);
    proxied = createTestClient({ ...server, url: proxy.endpoint });
  });
  afterAll(async () => {
    client?.destroy();
    proxied?.destroy();
    await proxy?.close();
    await server?.close();
    await db?.close();
  });

  const createPort = (overrides: Partial<RdsDataSqlPortOptions> = {}) =>
    createRdsDataSqlPort({
      client,
      ...ARNS,
      database,
      retry: { maxAttempts: 3, retryAfterSeconds: 15 },
      sleep: async () => undefined, // no real waiting: backoff is recorded, not slept
      random: () => 0.5,
      ...overrides,
    });

  it.each(fatal.map((row) => [`${row[0]} "${row[1] ?? "(default message)"}"`, row] as const))(
    "maps %s without retrying",
    async (_label, [kind, message, errorClass, status, text]) => {
      // Prepare
      server.failNext(kind, 1, message);
      const port = createPort();

      // Act
      const error = await rejectionOf(port.query("SELECT 1::text AS one"));

      // Assess
      expect(error).toBeInstanceOf(errorClass);
      expect(error.message).toMatch(text);
      expect(port.calls()).toBe(1);
      const { response } = toErrorResponse(error, "req-1");
      expect(response.statusCode).toBe(status);
      expect(JSON.parse(response.body)).toEqual({ message: error.message }); // never a stack trace
    },
  );

  it.each([
    [
      "HttpEndpointNotEnabledException",
      `HttpEndpoint is not enabled for resource ${RESOURCE_ARN}.`,
      DatabaseAccessError,
      `The RDS Data API (HTTP endpoint) is not enabled on ${RESOURCE_ARN}. Enable it: aws rds enable-http-endpoint --resource-arn ${RESOURCE_ARN}`,
    ],
    [
      "BadRequestException",
      "Data API is not enabled for this cluster",
      DatabaseAccessError,
      `The RDS Data API (HTTP endpoint) is not enabled on ${RESOURCE_ARN}. Enable it: aws rds enable-http-endpoint --resource-arn ${RESOURCE_ARN}`,
    ],
    [
      "InvalidSecretException",
      "Secrets Manager can't find the specified secret.\nRequest id: 1",
      DatabaseAccessError,
      `The RDS Data API could not use the secret ${SECRET_ARN} (Secrets Manager can't find the specified secret.). It must exist in the cluster's region, hold the database username and password, and the caller needs secretsmanager:GetSecretValue on it.`,
    ],
    [
      "BadRequestException",
      "The secret has no password field",
      DatabaseAccessError,
      `The RDS Data API could not use the secret ${SECRET_ARN} (The secret has no password field). It must exist in the cluster's region, hold the database username and password, and the caller needs secretsmanager:GetSecretValue on it.`,
    ],
    [
      "UnsupportedResultException",
      "Database response size exceeded the limit",
      QueryError,
      `A result from the Aurora cluster ${RESOURCE_ARN} (database postgres) exceeded the RDS Data API's 1 MiB response limit. This is a bug in the report's queries (they must aggregate in SQL); please report it.`,
    ],
    [
      "BadRequestException",
      "Database returned more than the allowed response size limit",
      QueryError,
      `A result from the Aurora cluster ${RESOURCE_ARN} (database postgres) exceeded the RDS Data API's 1 MiB response limit. This is a bug in the report's queries (they must aggregate in SQL); please report it.`,
    ],
    [
      "UnsupportedResultException",
      "The result contains an unsupported data type\nColumn 2: _uuid",
      QueryError,
      `The RDS Data API cannot return a result from the Aurora cluster ${RESOURCE_ARN} (database postgres): The result contains an unsupported data type`,
    ],
    [
      "BadRequestException",
      'ERROR: syntax error at or near "SELEC"\n  Position: 1',
      QueryError,
      `The RDS Data API rejected a statement on the Aurora cluster ${RESOURCE_ARN} (database postgres): ERROR: syntax error at or near "SELEC"`,
    ],
    // A DatabaseErrorException: the first line, without "ERROR: "/"FATAL: " and the SQLState suffix.
    [
      "DatabaseErrorException",
      'ERROR: relation "x" does not exist\n  Position: 15; SQLState: 42P01',
      QueryError,
      `A query on the Aurora cluster ${RESOURCE_ARN} (database postgres) failed (SQLSTATE 42P01): relation "x" does not exist`,
    ],
    [
      "DatabaseErrorException",
      'ERROR: relation "x" does not exist; SQLState: 42P01',
      QueryError,
      `A query on the Aurora cluster ${RESOURCE_ARN} (database postgres) failed (SQLSTATE 42P01): relation "x" does not exist`,
    ],
    [
      "DatabaseErrorException",
      "ERROR: division by zero; SQLState: 22012\n",
      QueryError,
      `A query on the Aurora cluster ${RESOURCE_ARN} (database postgres) failed (SQLSTATE 22012): division by zero`,
    ],
    [
      "DatabaseErrorException",
      "FATAL: terminating connection due to administrator command; SQLState: 57P01",
      QueryError,
      `A query on the Aurora cluster ${RESOURCE_ARN} (database postgres) failed (SQLSTATE 57P01): terminating connection due to administrator command`,
    ],
    [
      "DatabaseErrorException",
      "ERROR: canceling statement due to statement timeout; SQLState: 57014",
      TimeoutError,
      `A statement on the Aurora cluster ${RESOURCE_ARN} (database postgres) ran past the statement timeout and was cancelled. Try again when the database is less busy.`,
    ],
    [
      "DatabaseErrorException",
      'FATAL: password authentication failed for user "kong"; SQLState: 28P01',
      DatabaseAccessError,
      `PostgreSQL refused the credentials in the secret ${SECRET_ARN} (SQLSTATE 28P01). Check the secret's username and password.`,
    ],
    [
      "DatabaseErrorException",
      'FATAL: no pg_hba.conf entry for host "10.0.0.1", user "kong"; SQLState: 28000',
      DatabaseAccessError,
      `PostgreSQL refused the credentials in the secret ${SECRET_ARN} (SQLSTATE 28000). Check the secret's username and password.`,
    ],
    [
      "DatabaseErrorException",
      'FATAL: database "kong" does not exist\n  Hint: check the name; SQLState: 3D000',
      DatabaseAccessError,
      `The database "postgres" does not exist on the Aurora cluster ${RESOURCE_ARN}. Check the database name. The service said: database "kong" does not exist`,
    ],
  ] as const)(
    "tells the whole message for %s %j, keeping the service's error as cause",
    async (kind, serviceMessage, errorClass, expected) => {
      // Prepare
      server.failNext(kind, 1, serviceMessage);
      const port = createPort();

      // Act
      const error = await rejectionOf(port.query("SELECT 1::text AS one"));

      // Assess
      expect(error).toBeInstanceOf(errorClass);
      expect(error.message).toBe(expected);
      expect(error.cause).toMatchObject({ name: kind, message: serviceMessage });
      expect(port.calls()).toBe(1);
    },
  );

  it("names the parameter instead of a value of 4+ characters in a database error; shorter values and numbers stay", async () => {
    // Prepare
    const port = createPort();

    // Act: each value fails its cast, so PostgreSQL quotes it back
    const fourCharacters = await rejectionOf(
      port.query("SELECT :id::uuid AS id, :gone::text AS gone", { id: "kong", gone: null }),
    );
    const longer = await rejectionOf(port.query("SELECT :key::uuid AS key", { key: "kong-license-2024" }));
    const short = await rejectionOf(port.query("SELECT :tag::uuid AS tag", { tag: "dp1" }));
    const number = await rejectionOf(port.query("SELECT (:n)::text::uuid AS n", { n: 12345 }));

    // Assess
    const failed = `A query on the Aurora cluster ${RESOURCE_ARN} (database postgres) failed (SQLSTATE 22P02): invalid input syntax for type uuid:`;
    expect(fourCharacters.message).toBe(`${failed} ":id"`);
    expect(longer.message).toBe(`${failed} ":key"`);
    expect(short.message).toBe(`${failed} "dp1"`);
    expect(number.message).toBe(`${failed} "12345"`);
  });

  it.each([
    ["ThrottlingException"],
    ["InternalServerErrorException"],
    ["ServiceUnavailableError"],
    ["DatabaseUnavailableException"],
  ] as const)("retries %s up to the budget, then names it", async (kind) => {
    // Prepare: three failures for three attempts
    server.failNext(kind, 3);
    const port = createPort();

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toMatch(new RegExp(`kept failing .*\\(${kind}\\) after 3 attempts`));
    expect(port.calls()).toBe(3);
  });

  it("answers a cluster that stays paused with 503 and Retry-After", async () => {
    server.failNext("DatabaseResumingException", 3);
    const port = createPort();

    const error = await rejectionOf(port.query("SELECT 1::text AS one"));

    expect(error).toBeInstanceOf(DatabaseResumingError);
    expect(error.message).toContain(`The Aurora cluster ${RESOURCE_ARN} is resuming`);
    const { response } = toErrorResponse(error, "req-1");
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "retry-after": "15" });
  });

  it("treats Serverless v1's 'Communications link failure' as a resuming cluster", async () => {
    // Backoff (recorded, not slept): 750 + 1500 ms at the jitter's middle, so "over 2 s".
    server.failNext(
      "BadRequestException",
      3,
      "Communications link failure\n\nThe last packet sent successfully to the server was 0 milliseconds ago.",
    );
    const port = createPort();

    const error = await rejectionOf(port.query("SELECT 1::text AS one"));

    expect(error).toBeInstanceOf(DatabaseResumingError);
    expect(error.message).toBe(
      `The Aurora cluster ${RESOURCE_ARN} is resuming after an automatic pause and did not answer within 3 attempts over 2 s; try again in 15 s.`,
    );
    expect(port.calls()).toBe(3);
  });

  it("names the network error code when every attempt loses its connection", async () => {
    // Prepare: each Execute loses its connection once its body arrives
    proxy.decide = () => "cut-mid-body";
    const port = createPort({ client: proxied });

    // Act
    const error = await rejectionOf(port.query("SELECT 'ok' AS answer"));
    proxy.decide = () => "forward";
    proxy.seen.length = 0;

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toMatch(
      /^The RDS Data API kept failing for the Aurora cluster \S+ \(database postgres\) \(\w+ (ECONNRESET|EPIPE)\) after 3 attempts over 2 s; try again in a minute\.$/,
    );
    expect(port.calls()).toBe(3);
  });

  it("retries a connection dropped mid-request, then succeeds", async () => {
    // Prepare: the first Execute loses its connection once its body arrives
    let cut = 0;
    proxy.decide = () => (cut++ === 0 ? "cut-mid-body" : "forward");
    const port = createPort({ client: proxied });

    // Act
    const rows = await port.query("SELECT 'ok' AS answer");

    // Assess
    expect(rows).toEqual([{ answer: "ok" }]);
    expect(port.calls()).toBe(2);
    expect(proxy.seen.map((request) => request.action)).toEqual(["cut-mid-body", "forward"]);
  });

  it("raises 42P01 for real: an undefined table is a QueryError naming the SQLSTATE", async () => {
    const error = await rejectionOf(createPort().query("SELECT * FROM klr_no_such_table"));

    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toMatch(/\(SQLSTATE 42P01\): relation "klr_no_such_table" does not exist/);
  });

  it("raises 3D000 for real: a database the cluster does not have", async () => {
    const error = await rejectionOf(
      createPort({ database: "klr_tests_absent" }).query("SELECT 1::text AS one"),
    );

    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toMatch(
      new RegExp(
        `^The database "klr_tests_absent" does not exist on the Aurora cluster ${RESOURCE_ARN}\\. Check the database name\\. The service said: .*klr_tests_absent`,
      ),
    );
  });
});

/** The whole message once the retry budget is spent (default: 3 attempts, backoff 750 + 1500 ms). */
const keptFailing = (what: string, tried = "3 attempts over 2 s") =>
  `The RDS Data API kept failing for the Aurora cluster ${ARNS.resourceArn} (database kong) (${what}) after ${tried}; try again in a minute.`;

/**
 * Errors of AWS's front end (credentials, signatures), which the local endpoint never answers: the
 * real SDK client deserialises them from a hand-written answer. And configuration the SDK itself
 * refuses before sending: no credentials, no region.
 */
describe("Data API errors before the service runs a statement", () => {
  const createPort = (client: RDSDataClient, overrides: Partial<RdsDataSqlPortOptions> = {}) =>
    createRdsDataSqlPort({
      client,
      ...ARNS,
      database: "kong",
      retry: { maxAttempts: 3 },
      sleep: async () => undefined,
      ...overrides,
    });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** No credentials, region or profile from this machine reach the SDK. */
  const isolateFromMachineConfig = () => {
    for (const name of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_PROFILE",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/klr-aws-config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/klr-aws-credentials");
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  };

  it.each([
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignatureException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
  ])("maps %s to a credentials refusal, without retrying", async (errorType) => {
    // Prepare
    const client = createCannedClient(() => ({
      status: 403,
      errorType,
      body: { message: "The security token included in the request is invalid." },
    }));
    const port = createPort(client);

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      `AWS refused the credentials used for the RDS Data API (${errorType}). Check AWS_PROFILE or the access keys, and that the session has not expired.`,
    );
    expect(client.requests()).toBe(1);
    expect(toErrorResponse(error, "req-1").response.statusCode).toBe(502);
  });

  it.each(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN"])(
    "retries a connection the network dropped (%s) whatever the SDK names the error, then names the code",
    async (code) => {
      // Prepare: the plain Error a socket failure gives the SDK's HTTP handler (not a TimeoutError)
      const client = createCannedClient(() => {
        throw Object.assign(new Error(`write ${code}`), { code });
      });
      const port = createPort(client, { random: () => 0.5 }); // the jitter's middle

      // Act
      const error = await rejectionOf(port.query("SELECT 1::text AS one"));
      client.destroy();

      // Assess: every attempt of the budget was made; the backoff is recorded, not slept (750 + 1500 ms)
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(keptFailing(`Error ${code}`));
      expect(client.requests()).toBe(3);
    },
  );

  it.each(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH"])(
    "reports an endpoint it cannot reach (%s) at once, naming the setting to check",
    async (code) => {
      // Prepare: the failure a closed port, a DNS miss or a missing route gives the SDK's HTTP handler
      const raw = Object.assign(new Error(`connect ${code} rds-data.eu-west-1.amazonaws.com`), { code });
      const client = createCannedClient(() => {
        throw raw;
      });
      const port = createPort(client);

      // Act
      const error = await rejectionOf(port.query("SELECT 1::text AS one"));
      client.destroy();

      // Assess
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(
        `Cannot reach the RDS Data API endpoint (${code}). Check the endpoint and the network path to rds-data.`,
      );
      expect(error.cause).toBe(raw);
      expect(client.requests()).toBe(1);
    },
  );

  it.each([
    [429, "LimitExceededException"],
    [500, "InternalFailure"],
    [503, "ServiceUnavailable"],
  ] as const)(
    "retries an error it does not know by name when its HTTP status is %i (%s), then names it",
    async (status, errorType) => {
      // Prepare
      const client = createCannedClient(() => ({ status, errorType, body: { message: "Please retry." } }));
      const port = createPort(client, { random: () => 0.5 });

      // Act
      const error = await rejectionOf(port.query("SELECT 1::text AS one"));
      client.destroy();

      // Assess: no network code, so nothing follows the name; backoff recorded, not slept (750 + 1500 ms)
      expect(error).toBeInstanceOf(DatabaseAccessError);
      expect(error.message).toBe(keptFailing(errorType));
      expect(error.cause).toMatchObject({ name: errorType, $metadata: { httpStatusCode: status } });
      expect(client.requests()).toBe(3);
    },
  );

  it.each([
    "ThrottlingException",
    "TooManyRequestsException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
  ])("retries %s by its name when AWS answers it with HTTP 400, then names it", async (errorType) => {
    // Prepare: AWS's JSON front end throttles with 400, so only the name tells it is worth a retry
    const client = createCannedClient(() => ({ status: 400, errorType, body: { message: "Rate exceeded" } }));
    const port = createPort(client, { random: () => 0.5 });

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(keptFailing(errorType));
    expect(client.requests()).toBe(3);
  });

  it("retries the SDK's TimeoutError (no network code) to the budget, then names it", async () => {
    // Prepare: the SDK's own request timeout, a TimeoutError without a socket code
    const raw = Object.assign(new Error("Connection timed out after 30000 ms"), { name: "TimeoutError" });
    const client = createCannedClient(() => {
      throw raw;
    });
    const port = createPort(client, { random: () => 0.5 });

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(keptFailing("TimeoutError"));
    expect(error.cause).toBe(raw);
    expect(client.requests()).toBe(3);
  });

  it("retries a RequestTimeout answer (HTTP 400) to the budget, then names it", async () => {
    // Prepare
    const client = createCannedClient(() => ({
      status: 400,
      errorType: "RequestTimeout",
      body: {
        message:
          "Your socket connection to the server was not read from or written to within the timeout period.",
      },
    }));
    const port = createPort(client, { random: () => 0.5 });

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(keptFailing("RequestTimeout"));
    expect(client.requests()).toBe(3);
  });

  it("says '1 attempt over 0 s' when the budget is a single attempt", async () => {
    // Prepare
    const client = createCannedClient(() => ({
      status: 429,
      errorType: "ThrottlingException",
      body: { message: "Rate exceeded" },
    }));
    const port = createPort(client, { retry: { maxAttempts: 1 } });

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(keptFailing("ThrottlingException", "1 attempt over 0 s"));
    expect(client.requests()).toBe(1);
  });

  it("reports an AbortError as the deadline at once, even without a signal of its own", async () => {
    // Prepare: an abort the port's caller did not signal (e.g. the SDK client's own)
    const raw = Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
    const client = createCannedClient(() => {
      throw raw;
    });
    const port = createPort(client);

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `The deadline was reached while waiting for the RDS Data API (the Aurora cluster ${ARNS.resourceArn} (database kong)); no report was produced. Try again, or allow more time.`,
    );
    expect(error.cause).toBe(raw);
    expect(client.requests()).toBe(1);
  });

  it("reports the deadline, with the service's error as cause, when the signal aborts during a call that then fails", async () => {
    // Prepare: the deadline passes while the call is out; the service then answers an error
    const controller = new AbortController();
    const client = createCannedClient(() => {
      controller.abort(new Error("report deadline"));
      return { status: 503, errorType: "ServiceUnavailableError", body: { message: "Service unavailable" } };
    });
    const port = createPort(client);

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one", {}, { signal: controller.signal }));
    client.destroy();

    // Assess: not retried, and the cause is what the call met, not the signal's reason
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `The deadline was reached while waiting for the RDS Data API (the Aurora cluster ${ARNS.resourceArn} (database kong)); no report was produced. Try again, or allow more time.`,
    );
    expect(error.cause).toMatchObject({ name: "ServiceUnavailableError", message: "Service unavailable" });
    expect(client.requests()).toBe(1);
  });

  it("reports an error it does not know as a failed call, naming it, with the first line of its message", async () => {
    // Prepare
    const client = createCannedClient(() => ({
      status: 400,
      errorType: "ValidationException",
      body: {
        message:
          "1 validation error detected: Value at 'sql' failed to satisfy constraint\nMember must have length less than or equal to 65536",
      },
    }));
    const port = createPort(client);

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(QueryError);
    expect(error.message).toBe(
      `The RDS Data API call for the Aurora cluster ${ARNS.resourceArn} (database kong) failed (ValidationException): 1 validation error detected: Value at 'sql' failed to satisfy constraint`,
    );
    expect(error.cause).toMatchObject({ name: "ValidationException" });
    expect(client.requests()).toBe(1);
  });

  it("says how to provide credentials when the SDK finds none, without sending", async () => {
    // Prepare
    isolateFromMachineConfig();
    // AWS's own endpoint: the SDK fails on credentials before it opens a connection.
    const client = createRdsDataClient({ region: "us-east-1" });
    const port = createPort(client);

    // Act
    const error = await rejectionOf(port.query("SELECT 1::text AS one"));
    client.destroy();

    // Assess
    expect(error).toBeInstanceOf(DatabaseAccessError);
    expect(error.message).toBe(
      "No AWS credentials were found for the RDS Data API. Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role provides them.",
    );
    expect(port.calls()).toBe(1);
  });

  it("asks for AWS_REGION when none is configured, naming the cluster ARN's region when it has one", async () => {
    // Prepare
    isolateFromMachineConfig();
    const client = createRdsDataClient({
      endpoint: "http://127.0.0.1:9",
      credentials: { accessKeyId: "AKIDLOCAL", secretAccessKey: "local-secret" },
    });

    // Act
    const withRegion = await rejectionOf(createPort(client).query("SELECT 1::text AS one"));
    const withoutRegion = await rejectionOf(
      createPort(client, { resourceArn: "arn:aws:rds::000000000000:cluster:kong" }).query(
        "SELECT 1::text AS one",
      ),
    );
    const notAnArn = await rejectionOf(
      createPort(client, { resourceArn: "kong" }).query("SELECT 1::text AS one"),
    );
    client.destroy();

    // Assess
    expect(withRegion).toBeInstanceOf(DatabaseAccessError);
    expect(withRegion.message).toBe(
      "No AWS region is configured for the RDS Data API. Set AWS_REGION (the cluster ARN says us-east-1).",
    );
    expect(withoutRegion.message).toBe("No AWS region is configured for the RDS Data API. Set AWS_REGION.");
    expect(notAnArn.message).toBe(withoutRegion.message);
  });
});
