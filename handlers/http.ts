import middy from "@middy/core";
import type { APIGatewayProxyHandlerV2WithJWTAuthorizer, Context } from "aws-lambda";
import { createReportRuntime, type ReportRuntime } from "../lib/aws/report-runtime.ts";
import {
  type AdminPolicy,
  type Env,
  type ReportConfig,
  readAdminPolicy,
  readReportConfig,
} from "../lib/config.ts";
import { generateConfiguredReport, type LinkDocument } from "../lib/generate-report.ts";
import { authorizeAdmin } from "../lib/http/authorize.ts";
import { respond } from "../lib/http/error-response.ts";
import {
  ALLOWED_METHODS,
  type HttpApiEvent,
  type HttpResponse,
  readReportQuery,
  readRoute,
} from "../lib/http/http-api-event.ts";
import { lazily } from "../lib/lambda-context.ts";
import { createLogger, type Logger, readLogLevel } from "../lib/log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../lib/middy/deadline.ts";
import { forRequest, httpResponses } from "../lib/middy/http-responses.ts";

/** Everything the HTTP handler is composed from; tests pass their own env, logger or runtime. */
export interface HttpHandlerDependencies {
  readonly env: Env;
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
  readonly createRuntime?: (config: ReportConfig) => ReportRuntime;
}

interface HttpSetup {
  readonly config: ReportConfig;
  readonly admins: AdminPolicy;
  readonly runtime: ReportRuntime;
}

/** Builds the raw function and its middy handler; configuration and clients are read on first use. */
export function createHttpHandler(dependencies: HttpHandlerDependencies) {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env) });
  // Lazily, once per container: a bad variable fails each invocation with its name, not the import.
  const setup = lazily((): HttpSetup => {
    const config = readReportConfig(dependencies.env);
    const admins = readAdminPolicy(dependencies.env);
    return { config, admins, runtime: (dependencies.createRuntime ?? createReportRuntime)(config) };
  });

  /** GET /license/report: admin check, then the report to S3 and its link (or a 303 to it). */
  async function answerReportRequest(
    event: HttpApiEvent,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<HttpResponse> {
    const method = readRoute(event);
    if (method === "OPTIONS") {
      return {
        statusCode: 204,
        headers: { allow: ALLOWED_METHODS.join(", "), "cache-control": "no-store" },
        body: "",
      };
    }
    const { config, admins, runtime } = setup();
    const caller = authorizeAdmin(event.requestContext?.authorizer, admins);
    const request = readReportQuery(event);
    const log = forRequest(logger, context, event).child({
      caller: caller.subject,
      granted_by: caller.grantedBy,
    });
    if (method === "HEAD") {
      // Access and parameters checked; a HEAD never generates (and stores) a report.
      return { ...respond(200, {}, {}), body: "" };
    }
    log.info("report requested", { format: request.format, details: request.details, as_of: request.asOf });
    const link = await generateConfiguredReport(runtime, config, request, {
      signal,
      logger: log,
      trigger: "http",
    });
    return request.redirect ? redirectTo(link) : respond(200, {}, link);
  }

  const handler = middy(answerReportRequest, deadlinePlugin(dependencies.deadline)).use(
    httpResponses({ logger }),
  );
  return { answerReportRequest, handler };
}

/** 303 See Other to the presigned URL, so `curl -L -o report.tar` downloads in one command. */
function redirectTo(link: LinkDocument): HttpResponse {
  return respond(303, { location: link.url }, link);
}

const composed = createHttpHandler({ env: process.env });

/** The raw function (for tests and composition). */
export const answerReportRequest = composed.answerReportRequest;

/** The Lambda entry point (serverless.yml: dist/http.handler). */
export const handler: APIGatewayProxyHandlerV2WithJWTAuthorizer = composed.handler;
