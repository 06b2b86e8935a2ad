import type { MiddlewareObj, Request } from "@middy/core";
import type { Context } from "aws-lambda";
import { ReportError } from "../errors.ts";
import { describeError, type Logger } from "../log.ts";
import { readInvocationFields } from "./lambda-context.ts";

type ScheduledRequest = Request<unknown, unknown, unknown, Context>;

/**
 * Logs a failed scheduled or console run and fails the invocation with a clean error: the product's
 * message for a ReportError, a generic one with the request id otherwise, and no stack trace in
 * either (the Lambda console shows the error it receives).
 */
export function scheduledErrors(options: { readonly logger: Logger }): MiddlewareObj<unknown, unknown> {
  const scheduledErrorsOnError = (request: ScheduledRequest) => {
    const requestId = request.context.awsRequestId ?? "unknown";
    const logger = options.logger.child(readInvocationFields(request.context));
    const error = request.error;
    logger.error("report run failed", { error: describeError(error) });
    const clean =
      error instanceof ReportError
        ? withoutStack(error.name, `${error.message} (status ${error.status})`)
        : withoutStack(
            "InternalError",
            `Internal error while producing the license report; the function log holds the details (request id ${requestId}).`,
          );
    request.error = clean;
  };
  return { name: "scheduledErrors", onError: scheduledErrorsOnError };
}

function withoutStack(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = `${name}: ${message}`;
  return error;
}
