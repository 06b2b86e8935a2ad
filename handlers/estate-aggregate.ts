import middy from "@middy/core";
import type { Context, Handler } from "aws-lambda";
import { createEstateRuntime, type EstateRuntime } from "../lib/aws/estate-runtime.ts";
import {
  type Env,
  type EstateRunConfig,
  readEstateRunConfig,
  readStorageConfig,
  type StorageConfig,
} from "../lib/config.ts";
import { BadParameterError } from "../lib/errors.ts";
import {
  type AggregateInput,
  aggregateEstate,
  type EstatePlan,
  parseConfiguredEnvironments,
  planEstate,
  readEstateRequest,
} from "../lib/estate/state-machine-steps.ts";
import type { EstateLink } from "../lib/estate/store-estate.ts";
import { lazily } from "../lib/lambda-context.ts";
import { createLogger, type Logger, readLogLevel, redactUrl } from "../lib/log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../lib/middy/deadline.ts";
import { scheduledErrors } from "../lib/middy/scheduled-errors.ts";

/** Everything the estate-level steps are composed from; tests pass their own env, logger or runtime. */
export interface EstateAggregateDependencies {
  readonly env: Env;
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
  readonly createRuntime?: (storage: StorageConfig, estate: EstateRunConfig) => EstateRuntime;
}

/** The state machine's estate-level steps: `{"step": "plan", …}` and `{"step": "aggregate", …}`. */
export type EstateStepEvent =
  | { readonly step: "plan"; readonly request?: unknown; readonly execution?: string }
  | ({ readonly step: "aggregate" } & AggregateInput);

export function createEstateAggregateHandler(dependencies: EstateAggregateDependencies) {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env.LOG_LEVEL) });
  const setup = lazily(() => {
    const storage = readStorageConfig(dependencies.env);
    const estate = readEstateRunConfig(dependencies.env);
    return { storage, estate, runtime: (dependencies.createRuntime ?? createEstateRuntime)(storage, estate) };
  });

  /** PlanEstate → the run and the environment names; BuildEstate → the estate's link document. */
  async function runEstateStep(
    event: EstateStepEvent,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<EstatePlan | EstateLink> {
    const { storage, estate, runtime } = setup();
    const log = logger.child({ request_id: context.awsRequestId, step: event?.step });
    const environments = parseConfiguredEnvironments(
      await runtime.readEnvironments({ signal }),
      dependencies.env,
    );
    if (event?.step === "plan") {
      const plan = planEstate({
        request: readEstateRequest(event.request),
        config: environments,
        timeZone: storage.timeZone,
        prefix: storage.prefix,
        concurrency: estate.concurrency,
      });
      log.info("estate planned", {
        execution: event.execution,
        run: plan.run,
        environments: plan.environments.length,
      });
      return plan;
    }
    if (event?.step === "aggregate") {
      const link = await aggregateEstate(event, {
        reportPrefix: storage.prefix,
        discreteRules: environments.discrete,
        store: runtime.store,
        urlTtlSeconds: storage.urlTtlSeconds,
        signal,
      });
      log.info("estate stored", { link: { ...link, url: redactUrl(link.url) } });
      return link;
    }
    throw new BadParameterError(
      "step",
      'The estate step must be "plan" or "aggregate" (the state machine sets it).',
    );
  }

  const handler = middy(runEstateStep, deadlinePlugin(dependencies.deadline)).use(
    scheduledErrors({ logger }),
  );
  return { runEstateStep, handler };
}

const composed = createEstateAggregateHandler({ env: process.env });

/** The Lambda entry point (serverless.yml: dist/estate-aggregate.handler). */
export const handler: Handler<EstateStepEvent, EstatePlan | EstateLink> = composed.handler;
