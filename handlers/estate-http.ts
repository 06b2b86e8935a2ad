import middy from "@middy/core";
import type { APIGatewayProxyHandlerV2WithJWTAuthorizer, Context } from "aws-lambda";
import { createEstateRuntime, type EstateRuntime } from "../lib/aws/estate-runtime.ts";
import {
  type AdminPolicy,
  type Env,
  type EstateRunConfig,
  readAdminPolicy,
  readEstateRunConfig,
  readStorageConfig,
  type StorageConfig,
} from "../lib/config.ts";
import { parseConfiguredEnvironments, runEstateInProcess } from "../lib/estate/state-machine-steps.ts";
import { authorizeAdmin } from "../lib/http/authorize.ts";
import { respond } from "../lib/http/error-response.ts";
import { describeStartedEstate } from "../lib/http/estate-answer.ts";
import { ESTATE_METHODS, readEstateQuery, readEstateRoute } from "../lib/http/estate-request.ts";
import type { HttpApiEvent, HttpResponse } from "../lib/http/http-api-event.ts";
import { lazily } from "../lib/lambda-context.ts";
import { createLogger, type Logger, readLogLevel } from "../lib/log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../lib/middy/deadline.ts";
import { forRequest, httpResponses } from "../lib/middy/http-responses.ts";

/** Everything GET /license/estate is composed from; tests pass their own env, logger or runtime. */
export interface EstateHttpDependencies {
  readonly env: Env;
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
  readonly createRuntime?: (storage: StorageConfig, estate: EstateRunConfig) => EstateRuntime;
}

interface EstateHttpSetup {
  readonly storage: StorageConfig;
  readonly estate: EstateRunConfig;
  readonly admins: AdminPolicy;
  readonly runtime: EstateRuntime;
}

export function createEstateHttpHandler(dependencies: EstateHttpDependencies) {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env.LOG_LEVEL) });
  const setup = lazily((): EstateHttpSetup => {
    const storage = readStorageConfig(dependencies.env);
    const estate = readEstateRunConfig(dependencies.env);
    const admins = readAdminPolicy(dependencies.env);
    return {
      storage,
      estate,
      admins,
      runtime: (dependencies.createRuntime ?? createEstateRuntime)(storage, estate),
    };
  });

  /**
   * GET /license/estate: admins only. Up to ESTATE_INLINE_MAX environments run here and answer 200 with
   * the link document; a larger estate starts the state machine and answers 202 with the execution.
   */
  async function answerEstateRequest(
    event: HttpApiEvent,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<HttpResponse> {
    if (readEstateRoute(event) === "OPTIONS") {
      return {
        statusCode: 204,
        headers: { allow: ESTATE_METHODS.join(", "), "cache-control": "no-store" },
        body: "",
      };
    }
    const { storage, estate, admins, runtime } = setup();
    const caller = authorizeAdmin(event.requestContext?.authorizer, admins);
    const request = readEstateQuery(event);
    const log = forRequest(logger, context, event).child({
      caller: caller.subject,
      granted_by: caller.grantedBy,
    });
    const config = parseConfiguredEnvironments(await runtime.readEnvironments({ signal }), dependencies.env);
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
      store: runtime.store,
      timeZone: storage.timeZone,
      prefix: storage.prefix,
      concurrency: estate.concurrency,
      urlTtlSeconds: storage.urlTtlSeconds,
      signal,
    });
    return respond(200, {}, link);
  }

  const handler = middy(answerEstateRequest, deadlinePlugin(dependencies.deadline)).use(
    httpResponses({ logger }),
  );
  return { answerEstateRequest, handler };
}

const composed = createEstateHttpHandler({ env: process.env });

/** The Lambda entry point (serverless.yml: dist/estate-http.handler). */
export const handler: APIGatewayProxyHandlerV2WithJWTAuthorizer = composed.handler;
