import middy from "@middy/core";
import type { APIGatewayProxyHandlerV2WithJWTAuthorizer, Context } from "aws-lambda";
import { createS3Client, createS3ReportStore } from "../lib/aws/s3-report-store.ts";
import {
  type AdminPolicy,
  type Env,
  type ListingConfig,
  readAdminPolicy,
  readListingConfig,
} from "../lib/config.ts";
import { listStoredReports } from "../lib/history/list-reports.ts";
import { authorizeAdmin } from "../lib/http/authorize.ts";
import { respond } from "../lib/http/error-response.ts";
import { ALLOWED_METHODS, type HttpApiEvent, type HttpResponse } from "../lib/http/http-api-event.ts";
import { readReportsQuery, readReportsRoute } from "../lib/http/reports-request.ts";
import { lazily } from "../lib/lambda-context.ts";
import { createLogger, type Logger, readLogLevel } from "../lib/log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../lib/middy/deadline.ts";
import { forRequest, httpResponses } from "../lib/middy/http-responses.ts";
import type { ReportStore } from "../lib/store/report-store.ts";

/** Everything the listing handler is composed from; tests pass their own env, logger or store. */
export interface ReportsHttpHandlerDependencies {
  readonly env: Env;
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
  readonly createStore?: (config: ListingConfig) => ReportStore;
}

interface ReportsSetup {
  readonly config: ListingConfig;
  readonly admins: AdminPolicy;
  readonly store: ReportStore;
}

/** Builds the raw function and its middy handler; configuration and the S3 client are read on first use. */
export function createReportsHttpHandler(dependencies: ReportsHttpHandlerDependencies) {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env.LOG_LEVEL) });
  const setup = lazily((): ReportsSetup => {
    const config = readListingConfig(dependencies.env);
    const admins = readAdminPolicy(dependencies.env);
    return { config, admins, store: (dependencies.createStore ?? createListingStore)(config) };
  });

  /** GET /license/reports: admin check, then one page of stored reports, newest first, with fresh links. */
  async function answerListRequest(
    event: HttpApiEvent,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<HttpResponse> {
    const method = readReportsRoute(event);
    if (method === "OPTIONS") {
      return {
        statusCode: 204,
        headers: { allow: ALLOWED_METHODS.join(", "), "cache-control": "no-store" },
        body: "",
      };
    }
    const { config, admins, store } = setup();
    const caller = authorizeAdmin(event.requestContext?.authorizer, admins);
    const request = readReportsQuery(event);
    if (method === "HEAD") return { ...respond(200, {}, {}), body: "" };
    const listing = await listStoredReports({
      store,
      prefix: config.prefix,
      limit: request.limit,
      urlTtlSeconds: config.urlTtlSeconds,
      signal,
      ...(request.next === undefined ? {} : { next: request.next }),
    });
    forRequest(logger, context, event).info("reports listed", {
      caller: caller.subject,
      granted_by: caller.grantedBy,
      limit: request.limit,
      reports: listing.reports.length,
      more: listing.next !== undefined,
    });
    return respond(200, {}, listing);
  }

  const handler = middy(answerListRequest, deadlinePlugin(dependencies.deadline)).use(
    httpResponses({ logger }),
  );
  return { answerListRequest, handler };
}

function createListingStore(config: ListingConfig): ReportStore {
  return createS3ReportStore({
    client: createS3Client(config.s3Endpoint === undefined ? {} : { endpoint: config.s3Endpoint }),
    bucket: config.bucket,
  });
}

const composed = createReportsHttpHandler({ env: process.env });

/** The raw function (for tests and composition). */
export const answerListRequest = composed.answerListRequest;

/** The Lambda entry point (serverless.yml: dist/reports-http.handler). */
export const handler: APIGatewayProxyHandlerV2WithJWTAuthorizer = composed.handler;
