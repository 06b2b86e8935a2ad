import type { APIGatewayProxyHandlerV2WithJWTAuthorizer } from "aws-lambda";
import { defineHandler, type HandlerDependencies } from "../lib/compose/define-handler.ts";
import { createListingStore } from "../lib/compose/report-runtime.ts";
import { readAdminPolicy } from "../lib/config/admin.ts";
import type { Env } from "../lib/config/read-env.ts";
import { type ListingConfig, readListingConfig } from "../lib/config/storage.ts";
import { listStoredReports } from "../lib/history/list-reports.ts";
import { authorizeAdmin } from "../lib/http/authorize.ts";
import { respond } from "../lib/http/error-response.ts";
import { ALLOWED_METHODS, type HttpApiEvent, type HttpResponse } from "../lib/http/http-api-event.ts";
import { readReportsQuery, readReportsRoute } from "../lib/http/reports-request.ts";
import type { ReportStore } from "../lib/store/report-store.ts";

/** Everything the listing handler is composed from; tests pass their own env, logger or store. */
export interface ReportsHttpHandlerDependencies extends HandlerDependencies {
  readonly createStore?: (config: ListingConfig) => ReportStore;
}

/** GET /license/reports: admin check, then one page of stored reports, newest first, with fresh links. */
export function createReportsHttpHandler(dependencies: ReportsHttpHandlerDependencies) {
  return defineHandler(dependencies, {
    trigger: "http",
    setup: (env: Env) => {
      const config = readListingConfig(env);
      const admins = readAdminPolicy(env);
      return { config, admins, store: (dependencies.createStore ?? createListingStore)(config) };
    },
    async run(event: HttpApiEvent, { setup, log, signal }): Promise<HttpResponse> {
      const method = readReportsRoute(event);
      if (method === "OPTIONS") {
        return {
          statusCode: 204,
          headers: { allow: ALLOWED_METHODS.join(", "), "cache-control": "no-store" },
          body: "",
        };
      }
      const { config, admins, store } = setup();
      const caller = authorizeAdmin(event.requestContext?.authorizer, admins, event.headers?.authorization);
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
      log.info("reports listed", {
        caller: caller.subject,
        granted_by: caller.grantedBy,
        limit: request.limit,
        reports: listing.reports.length,
        more: listing.next !== undefined,
      });
      return respond(200, {}, listing);
    },
  });
}

const composed = createReportsHttpHandler({ env: process.env });

/** The raw function (for tests and composition). */
export const answerListRequest = composed.run;

/** The Lambda entry point (serverless.yml: dist/reports-http.handler). */
export const handler = composed.handler as unknown as APIGatewayProxyHandlerV2WithJWTAuthorizer;
