import type { Context } from "aws-lambda";
import type { LogFields, Logger } from "../log.ts";

const coldStarts = new WeakMap<Context, boolean>();
let invokedBefore = false;

/**
 * The fields every log record of one invocation carries, named as Lambda's JSON log format
 * (`requestId`) and Powertools for AWS Lambda (`function_request_id`, `function_name`, `cold_start`,
 * `xray_trace_id`, ...) write them. `cold_start` is true for the first invocation of the container.
 */
export function readInvocationFields(
  context: Context,
  // The trace id is the invocation's, not configuration: the runtime rewrites it before each event.
  env: Readonly<Record<string, string | undefined>> = process.env,
): LogFields {
  let coldStart = coldStarts.get(context);
  if (coldStart === undefined) {
    coldStart = !invokedBefore;
    invokedBefore = true;
    coldStarts.set(context, coldStart);
  }
  // The runtime sets _X_AMZN_TRACE_ID per invocation: "Root=1-…;Parent=…;Sampled=1".
  const traceId = /(?:^|;)Root=([^;]+)/.exec(env._X_AMZN_TRACE_ID ?? "")?.[1];
  return {
    requestId: context.awsRequestId,
    function_request_id: context.awsRequestId,
    function_name: context.functionName,
    function_version: context.functionVersion,
    function_arn: context.invokedFunctionArn,
    function_memory_size: Number(context.memoryLimitInMB),
    cold_start: coldStart,
    ...(traceId === undefined ? {} : { xray_trace_id: traceId }),
  };
}

/**
 * The logger of one invocation: every record carries Lambda's invocation fields and, for an API
 * Gateway event, its request id (so one request's records can be found from either side).
 */
export function forInvocation(logger: Logger, context: Context, event?: unknown): Logger {
  const apiRequestId = (event as { requestContext?: { requestId?: unknown } } | null | undefined)
    ?.requestContext?.requestId;
  return logger.child({
    ...readInvocationFields(context),
    ...(typeof apiRequestId === "string" ? { api_request_id: apiRequestId } : {}),
  });
}
