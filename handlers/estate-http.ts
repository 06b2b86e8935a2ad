import type { APIGatewayProxyHandlerV2WithJWTAuthorizer } from "aws-lambda";
import { defineHandler, type HandlerDependencies } from "../lib/compose/define-handler.ts";
import { createEstateRuntime, type EstateRuntime } from "../lib/compose/estate-runtime.ts";
import { readAdminPolicy } from "../lib/config/admin.ts";
import { type EstateRunConfig, readEstateRunConfig } from "../lib/config/estate.ts";
import type { Env } from "../lib/config/read-env.ts";
import { readStorageConfig, type StorageConfig } from "../lib/config/storage.ts";
import { authorizeAdmin } from "../lib/http/authorize.ts";
import { respond } from "../lib/http/error-response.ts";
import { describeStartedEstate } from "../lib/http/estate-answer.ts";
import { ESTATE_METHODS, readEstateQuery, readEstateRoute } from "../lib/http/estate-request.ts";
import type { HttpApiEvent, HttpResponse } from "../lib/http/http-api-event.ts";
import { parseConfiguredEnvironments } from "../lib/use-cases/estate-inputs.ts";
import { runEstateInProcess } from "../lib/use-cases/run-estate-in-process.ts";

/** Everything GET /license/estate is composed from; tests pass their own env, logger or runtime. */
export interface EstateHttpDependencies extends HandlerDependencies {
  readonly createRuntime?: (storage: StorageConfig, estate: EstateRunConfig) => EstateRuntime;
}

/**
 * GET /license/estate: admins only. Up to ESTATE_INLINE_MAX environments run here and answer 200 with
 * the link document; a larger estate starts the state machine and answers 202 with the execution.
 */
export function createEstateHttpHandler(dependencies: EstateHttpDependencies) {
  return defineHandler(dependencies, {
    trigger: "http",
    setup: (env: Env) => {
      const storage = readStorageConfig(env);
      const estate = readEstateRunConfig(env);
      const admins = readAdminPolicy(env);
      const runtime = (dependencies.createRuntime ?? createEstateRuntime)(storage, estate);
      return { storage, estate, admins, runtime };
    },
    async run(event: HttpApiEvent, { setup, log: invocationLog, signal }): Promise<HttpResponse> {
      if (readEstateRoute(event) === "OPTIONS") {
        return {
          statusCode: 204,
          headers: { allow: ESTATE_METHODS.join(", "), "cache-control": "no-store" },
          body: "",
        };
      }
      const { storage, estate, admins, runtime } = setup();
      const caller = authorizeAdmin(event.requestContext?.authorizer, admins, event.headers?.authorization);
      const request = readEstateQuery(event);
      const log = invocationLog.child({ caller: caller.subject, granted_by: caller.grantedBy });
      const config = parseConfiguredEnvironments(await runtime.readEnvironments({ signal }));
      const count = config.environments.length;
      if (estate.stateMachineArn !== undefined && count > estate.inlineMaxEnvironments) {
        const started = await runtime.startExecution({
          format: request.format,
          ...(request.asOf === undefined ? {} : { as_of: request.asOf }),
          include_details: request.includeDetails,
        });
        log.info("estate started on the state machine", {
          environments: count,
          execution_arn: started.executionArn,
        });
        return respond(202, {}, describeStartedEstate(started, count, estate.inlineMaxEnvironments));
      }
      log.info("estate requested", { environments: count, format: request.format, as_of: request.asOf });
      const link = await runEstateInProcess(request, {
        config,
        openPort: runtime.openPort,
        openApi: runtime.openApi,
        store: runtime.store,
        timeZone: storage.timeZone,
        prefix: storage.prefix,
        concurrency: estate.concurrency,
        urlTtlSeconds: storage.urlTtlSeconds,
        ...(runtime.signer === undefined ? {} : { signer: runtime.signer }),
        signal,
      });
      return respond(200, {}, link);
    },
  });
}

const composed = createEstateHttpHandler({ env: process.env });

/** The Lambda entry point (serverless.yml: dist/estate-http.handler). */
export const handler = composed.handler as unknown as APIGatewayProxyHandlerV2WithJWTAuthorizer;
