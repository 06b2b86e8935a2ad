import type { Handler } from "aws-lambda";
import { generateConfiguredReport } from "../lib/compose/configured-report.ts";
import { defineHandler, type HandlerDependencies } from "../lib/compose/define-handler.ts";
import { createReportRuntime, type ReportRuntime } from "../lib/compose/report-runtime.ts";
import type { Env } from "../lib/config/read-env.ts";
import { type ReportConfig, readReportConfig } from "../lib/config/report.ts";
import { redactUrl } from "../lib/log.ts";
import { readScheduledEvent, type ScheduledTriggerEvent } from "../lib/triggers/scheduled-event.ts";
import type { LinkDocument } from "../lib/use-cases/generate-report.ts";

/** Everything the scheduled handler is composed from; tests pass their own env, logger or runtime. */
export interface ScheduledHandlerDependencies extends HandlerDependencies {
  readonly createRuntime?: (config: ReportConfig) => ReportRuntime;
}

/** An EventBridge schedule or a console test event `{ "format": "tar", "asOf": "2026-10" }` → link document. */
export function createScheduledHandler(dependencies: ScheduledHandlerDependencies) {
  return defineHandler(dependencies, {
    trigger: "invoke",
    setup: (env: Env) => {
      const config = readReportConfig(env);
      return { config, runtime: (dependencies.createRuntime ?? createReportRuntime)(config) };
    },
    async run(event: ScheduledTriggerEvent, { setup, log: invocationLog, signal }): Promise<LinkDocument> {
      const request = readScheduledEvent(event);
      const { config, runtime } = setup();
      const log = invocationLog.child({ trigger: request.trigger });
      log.info("report requested", {
        format: request.format,
        details: request.details,
        as_of: request.asOf,
      });
      const link = await generateConfiguredReport(runtime, config, request, {
        signal,
        logger: log,
        trigger: request.trigger === "schedule" ? "schedule" : "console",
      });
      // The log keeps the link's address but never its signature.
      log.info("report link", { link: { ...link, url: redactUrl(link.url) } });
      return link;
    },
  });
}

const composed = createScheduledHandler({ env: process.env });

/** The raw function (for tests and composition). */
export const runScheduledReport = composed.run;

/** The Lambda entry point (serverless.yml: dist/scheduled.handler). */
export const handler: Handler<ScheduledTriggerEvent, LinkDocument> = composed.handler;
