import type { MiddlewareObj, Request } from "@middy/core";
import type { Context } from "aws-lambda";
import { toErrorResponse } from "../http/error-response.ts";
import type { HttpApiEvent, HttpResponse } from "../http/http-api-event.ts";
import { describeError, type Logger } from "../log.ts";
import { forInvocation } from "./lambda-context.ts";

export interface HttpResponsesOptions {
  readonly logger: Logger;
}

type HttpRequest = Request<HttpApiEvent, HttpResponse, unknown, Context>;

/**
 * Turns any error into its HTTP answer (through `toErrorResponse`, the one mapping) and writes one
 * access-log record per request. Known errors log their message; unknown ones log name, message and
 * cause chain, never a stack trace or a response body.
 */
export function httpResponses(options: HttpResponsesOptions): MiddlewareObj<HttpApiEvent, HttpResponse> {
  const started = new WeakMap<object, number>();
  const logAccess = (request: HttpRequest, response: HttpResponse) => {
    const begin = started.get(request);
    forInvocation(options.logger, request.context, request.event).info("request finished", {
      method: request.event.requestContext?.http?.method,
      path: request.event.rawPath,
      status: response.statusCode,
      ...(begin === undefined ? {} : { duration_ms: Math.round(performance.now() - begin) }),
    });
  };
  const httpResponsesBefore = (request: HttpRequest) => {
    started.set(request, performance.now());
  };
  const httpResponsesAfter = (request: HttpRequest) => {
    if (request.response !== null) logAccess(request, request.response);
  };
  const httpResponsesOnError = (request: HttpRequest) => {
    const logger = forInvocation(options.logger, request.context, request.event);
    const { response, known } = toErrorResponse(request.error, request.context.awsRequestId ?? "unknown");
    if (!known) logger.error("unexpected error", { error: describeError(request.error) });
    else if (response.statusCode >= 500)
      logger.error("request failed", { error: describeError(request.error) });
    else logger.warn("request refused", { status: response.statusCode, error: describeError(request.error) });
    request.response = response;
    logAccess(request, response);
  };
  return {
    name: "httpResponses",
    before: httpResponsesBefore,
    after: httpResponsesAfter,
    onError: httpResponsesOnError,
  };
}
