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
import {
  type CollectItem,
  collectStoredEnvironment,
  parseConfiguredEnvironments,
  type StoredEnvironment,
} from "../lib/estate/state-machine-steps.ts";
import { lazily } from "../lib/lambda-context.ts";
import { createLogger, type Logger, readLogLevel } from "../lib/log.ts";
import { type DeadlineOptions, deadlinePlugin } from "../lib/middy/deadline.ts";
import { scheduledErrors } from "../lib/middy/scheduled-errors.ts";

/** Everything the collect step is composed from; tests pass their own env, logger or runtime. */
export interface EstateCollectDependencies {
  readonly env: Env;
  readonly logger?: Logger;
  readonly deadline?: DeadlineOptions;
  readonly createRuntime?: (storage: StorageConfig, estate: EstateRunConfig) => EstateRuntime;
}

export function createEstateCollectHandler(dependencies: EstateCollectDependencies) {
  const logger = dependencies.logger ?? createLogger({ level: readLogLevel(dependencies.env.LOG_LEVEL) });
  const setup = lazily(() => {
    const storage = readStorageConfig(dependencies.env);
    const estate = readEstateRunConfig(dependencies.env);
    return { storage, runtime: (dependencies.createRuntime ?? createEstateRuntime)(storage, estate) };
  });

  /** One Map item `{run, environment}` → its stored report's key and numbers (or a named error). */
  async function collectEnvironmentStep(
    item: CollectItem,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<StoredEnvironment> {
    const { storage, runtime } = setup();
    const log = logger.child({
      request_id: context.awsRequestId,
      environment: item?.environment,
      run: item?.run?.id,
    });
    const config = parseConfiguredEnvironments(await runtime.readEnvironments({ signal }), dependencies.env);
    const started = performance.now();
    const stored = await collectStoredEnvironment(item, {
      config,
      reportPrefix: storage.prefix,
      openPort: runtime.openPort,
      store: runtime.store,
      signal,
    });
    log.info("environment stored", { ...stored, duration_ms: Math.round(performance.now() - started) });
    return stored;
  }

  const handler = middy(collectEnvironmentStep, deadlinePlugin(dependencies.deadline)).use(
    scheduledErrors({ logger }),
  );
  return { collectEnvironmentStep, handler };
}

const composed = createEstateCollectHandler({ env: process.env });

/** The Lambda entry point (serverless.yml: dist/estate-collect.handler). */
export const handler: Handler<CollectItem, StoredEnvironment> = composed.handler;
