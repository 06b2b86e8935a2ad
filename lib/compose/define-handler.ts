import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { Env } from "../config/read-env.ts";
import { createLogger, type Logger, readLogLevel } from "../log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../middy/deadline.ts";
import { httpResponses } from "../middy/http-responses.ts";
import { forInvocation } from "../middy/lambda-context.ts";
import { scheduledErrors } from "../middy/scheduled-errors.ts";
import { lazily } from "../shared/lazily.ts";

/** What every handler is built from; tests pass their own env, logger or deadline. */
export interface HandlerDependencies {
  readonly env: Env;
  /** Default: JSON lines on stdout at AWS_LAMBDA_LOG_LEVEL (Lambda's), else LOG_LEVEL. */
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
}

/** What one invocation hands the handler's function. */
export interface Invocation<Setup> {
  readonly context: Context;
  /** Aborted shortly before Lambda's deadline (see deadlinePlugin). */
  readonly signal: AbortSignal;
  /** The invocation's logger: Lambda's invocation fields (and API Gateway's request id) on every record. */
  readonly log: Logger;
  /**
   * Configuration and clients, read on first use and kept for the container. A bad variable fails
   * each invocation that needs it, with its name, instead of the import (a preflight never needs it).
   */
  readonly setup: () => Setup;
}

export interface HandlerDefinition<Event, Result, Setup> {
  /**
   * "http": errors become HTTP answers (API Gateway); "invoke": a failed run rejects with a clean
   * error and no stack (schedule, console, Step Functions).
   */
  readonly trigger: "http" | "invoke";
  readonly setup: (env: Env) => Setup;
  readonly run: (event: Event, invocation: Invocation<Setup>) => Promise<Result>;
}

/** The raw function (for tests and composition) and the Lambda entry point around it. */
export interface DefinedHandler<Event, Result> {
  readonly run: (event: Event, context: Context, options: { signal: AbortSignal }) => Promise<Result>;
  readonly handler: (event: Event, context: Context) => Promise<Result>;
}

/**
 * The one shape of every Lambda function: the same logger (from the environment, at Lambda's log
 * level), the same invocation fields, the same deadline and the same error mapping for its trigger.
 */
export function defineHandler<Event, Result, Setup>(
  dependencies: HandlerDependencies,
  definition: HandlerDefinition<Event, Result, Setup>,
): DefinedHandler<Event, Result> {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env) });
  const setup = lazily(() => definition.setup(dependencies.env));
  const run = (event: Event, context: Context, { signal }: { signal: AbortSignal }) =>
    definition.run(event, { context, signal, setup, log: forInvocation(logger, context, event) });
  const errors = definition.trigger === "http" ? httpResponses({ logger }) : scheduledErrors({ logger });
  const handler = middy(run, deadlinePlugin(dependencies.deadline)).use(
    errors as middy.MiddlewareObj<Event, Result, Error, Context>,
  );
  return { run, handler: handler as unknown as DefinedHandler<Event, Result>["handler"] };
}
