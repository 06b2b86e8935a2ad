import type { Handler } from "aws-lambda";
import { defineHandler, type HandlerDependencies } from "../lib/compose/define-handler.ts";
import { createEstateRuntime, type EstateRuntime } from "../lib/compose/estate-runtime.ts";
import { type EstateRunConfig, readEstateRunConfig } from "../lib/config/estate.ts";
import type { Env } from "../lib/config/read-env.ts";
import { readStorageConfig, type StorageConfig } from "../lib/config/storage.ts";
import { BadParameterError } from "../lib/errors.ts";
import { redactUrl } from "../lib/log.ts";
import {
  type AggregateInput,
  aggregateEstate,
  type EstateStepLink,
} from "../lib/use-cases/aggregate-estate.ts";
import { parseConfiguredEnvironments, readEstateRequest } from "../lib/use-cases/estate-inputs.ts";
import { planStateMachineRun, type StateMachinePlan } from "../lib/use-cases/plan-estate.ts";

/** Everything the estate-level steps are composed from; tests pass their own env, logger or runtime. */
export interface EstateAggregateDependencies extends HandlerDependencies {
  readonly createRuntime?: (storage: StorageConfig, estate: EstateRunConfig) => EstateRuntime;
}

/** The state machine's estate-level steps: `{"step": "plan", …}` and `{"step": "aggregate", …}`. */
export type EstateStepEvent =
  | { readonly step: "plan"; readonly request?: unknown; readonly execution?: string }
  | ({ readonly step: "aggregate" } & AggregateInput);

/**
 * PlanEstate → the run, the items in S3 (and the names for the inline Map); BuildEstate → the
 * estate's link document, from the inline Map's outcomes or the Distributed Map's results in S3.
 */
export function createEstateAggregateHandler(dependencies: EstateAggregateDependencies) {
  return defineHandler(dependencies, {
    trigger: "invoke",
    setup: (env: Env) => {
      const storage = readStorageConfig(env);
      const estate = readEstateRunConfig(env);
      const runtime = (dependencies.createRuntime ?? createEstateRuntime)(storage, estate);
      return { storage, estate, runtime };
    },
    async run(
      event: EstateStepEvent,
      { setup, log: invocationLog, signal },
    ): Promise<StateMachinePlan | EstateStepLink> {
      const { storage, estate, runtime } = setup();
      const log = invocationLog.child({ step: event?.step });
      const environments = parseConfiguredEnvironments(await runtime.readEnvironments({ signal }));
      if (event?.step === "plan") {
        const plan = await planStateMachineRun({
          request: readEstateRequest(event.request),
          config: environments,
          timeZone: storage.timeZone,
          prefix: storage.prefix,
          concurrency: estate.concurrency,
          store: runtime.store,
          inlineMapMax: estate.inlineMapMax,
          signal,
        });
        log.info("estate planned", {
          execution: event.execution,
          run: plan.run,
          environments: plan.count,
          distributed: plan.distributed,
        });
        return plan;
      }
      if (event?.step === "aggregate") {
        const link = await aggregateEstate(event, {
          reportPrefix: storage.prefix,
          discreteRules: environments.discrete,
          store: runtime.store,
          urlTtlSeconds: storage.urlTtlSeconds,
          environmentOrder: environments.environments.map((spec) => spec.name),
          ...(runtime.signer === undefined ? {} : { signer: runtime.signer }),
          signal,
        });
        log.info("estate stored", { link: { ...link, url: redactUrl(link.url) } });
        return link;
      }
      throw new BadParameterError(
        "step",
        'The estate step must be "plan" or "aggregate" (the state machine sets it).',
      );
    },
  });
}

const composed = createEstateAggregateHandler({ env: process.env });

/** The Lambda entry point (serverless.yml: dist/estate-aggregate.handler). */
export const handler: Handler<EstateStepEvent, StateMachinePlan | EstateStepLink> = composed.handler;
