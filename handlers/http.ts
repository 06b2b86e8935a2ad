import type { APIGatewayProxyHandlerV2WithJWTAuthorizer } from "aws-lambda";
import { generateConfiguredReport } from "../lib/compose/configured-report.ts";
import { defineHandler, type HandlerDependencies } from "../lib/compose/define-handler.ts";
import { createReportRuntime, type ReportRuntime } from "../lib/compose/report-runtime.ts";
import { readAdminPolicy } from "../lib/config/admin.ts";
import type { Env } from "../lib/config/read-env.ts";
import { type ReportConfig, readReportConfig } from "../lib/config/report.ts";
import { authorizeAdmin } from "../lib/http/authorize.ts";
import { respond } from "../lib/http/error-response.ts";
import {
  ALLOWED_METHODS,
  type HttpApiEvent,
  type HttpResponse,
  readReportQuery,
  readRoute,
} from "../lib/http/http-api-event.ts";
import type { LinkDocument } from "../lib/use-cases/generate-report.ts";

/** Everything the HTTP handler is composed from; tests pass their own env, logger or runtime. */
export interface HttpHandlerDependencies extends HandlerDependencies {
  readonly createRuntime?: (config: ReportConfig) => ReportRuntime;
}

/** GET /license/report: admin check, then the report to S3 and its link (or a 303 to it). */
export function createHttpHandler(dependencies: HttpHandlerDependencies) {
  return defineHandler(dependencies, {
    trigger: "http",
    setup: (env: Env) => {
      const config = readReportConfig(env);
      const admins = readAdminPolicy(env);
      return { config, admins, runtime: (dependencies.createRuntime ?? createReportRuntime)(config) };
    },
    async run(event: HttpApiEvent, { setup, log, signal }): Promise<HttpResponse> {
      const method = readRoute(event);
      if (method === "OPTIONS") {
        return {
          statusCode: 204,
          headers: { allow: ALLOWED_METHODS.join(", "), "cache-control": "no-store" },
          body: "",
        };
      }
      const { config, admins, runtime } = setup();
      const caller = authorizeAdmin(event.requestContext?.authorizer, admins, event.headers?.authorization);
      const request = readReportQuery(event);
      const callerLog = log.child({ caller: caller.subject, granted_by: caller.grantedBy });
      if (method === "HEAD") {
        // Access and parameters checked; a HEAD never generates (and stores) a report.
        return { ...respond(200, {}, {}), body: "" };
      }
      callerLog.info("report requested", {
        format: request.format,
        details: request.details,
        as_of: request.asOf,
      });
      const link = await generateConfiguredReport(runtime, config, request, {
        signal,
        logger: callerLog,
        trigger: "http",
      });
      return request.redirect ? redirectTo(link) : respond(200, {}, link);
    },
  });
}

/** 303 See Other to the presigned URL, so `curl -L -o report.tar` downloads in one command. */
function redirectTo(link: LinkDocument): HttpResponse {
  return respond(303, { location: link.url }, link);
}

const composed = createHttpHandler({ env: process.env });

/** The raw function (for tests and composition). */
export const answerReportRequest = composed.run;

/** The Lambda entry point (serverless.yml: dist/http.handler). */
export const handler = composed.handler as unknown as APIGatewayProxyHandlerV2WithJWTAuthorizer;
