import middy from "@middy/core";
import type { Context, Handler } from "aws-lambda";
import { createReportRuntime, type ReportRuntime } from "../lib/aws/report-runtime.ts";
import { type Env, type ReportConfig, readReportConfig } from "../lib/config.ts";
import { generateConfiguredReport, type LinkDocument } from "../lib/generate-report.ts";
import { lazily, readInvocationFields } from "../lib/lambda-context.ts";
import { createLogger, type Logger, readLogLevel, redactUrl } from "../lib/log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../lib/middy/deadline.ts";
import { scheduledErrors } from "../lib/middy/scheduled-errors.ts";
import { readScheduledEvent, type ScheduledTriggerEvent } from "../lib/triggers/scheduled-event.ts";

/** Everything the scheduled handler is composed from; tests pass their own env, logger or runtime. */
export interface ScheduledHandlerDependencies {
  readonly env: Env;
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
  readonly createRuntime?: (config: ReportConfig) => ReportRuntime;
}

/** Builds the raw function and its middy handler; configuration and clients are read on first use. */
export function createScheduledHandler(dependencies: ScheduledHandlerDependencies) {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env) });
  const setup = lazily(() => {
    const config = readReportConfig(dependencies.env);
    return { config, runtime: (dependencies.createRuntime ?? createReportRuntime)(config) };
  });

  /** An EventBridge schedule or a console test event `{ "format": "tar", "asOf": "2026-10" }` → link document. */
  async function runScheduledReport(
    event: ScheduledTriggerEvent,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<LinkDocument> {
    const request = readScheduledEvent(event);
    const { config, runtime } = setup();
    const log = logger.child({ ...readInvocationFields(context), trigger: request.trigger });
    log.info("report requested", { format: request.format, details: request.details, as_of: request.asOf });
    const link = await generateConfiguredReport(runtime, config, request, {
      signal,
      logger: log,
      trigger: request.trigger === "schedule" ? "schedule" : "console",
    });
    // The log keeps the link's address but never its signature.
    log.info("report link", { link: { ...link, url: redactUrl(link.url) } });
    return link;
  }

  const handler = middy(runScheduledReport, deadlinePlugin(dependencies.deadline)).use(
    scheduledErrors({ logger }),
  );
  return { runScheduledReport, handler };
}

const composed = createScheduledHandler({ env: process.env });

/** The raw function (for tests and composition). */
export const runScheduledReport = composed.runScheduledReport;

/** The Lambda entry point (serverless.yml: dist/scheduled.handler). */
export const handler: Handler<ScheduledTriggerEvent, LinkDocument> = composed.handler;
