import type { Handler } from "aws-lambda";
import { defineHandler, type HandlerDependencies } from "../lib/compose/define-handler.ts";
import { createEstateRuntime, type EstateRuntime } from "../lib/compose/estate-runtime.ts";
import { type EstateRunConfig, readEstateRunConfig } from "../lib/config/estate.ts";
import type { Env } from "../lib/config/read-env.ts";
import { readStorageConfig, type StorageConfig } from "../lib/config/storage.ts";
import {
  type CollectItem,
  collectStoredEnvironment,
  type StoredEnvironment,
} from "../lib/use-cases/collect-stored-environment.ts";
import { parseConfiguredEnvironments } from "../lib/use-cases/estate-inputs.ts";

/** Everything the collect step is composed from; tests pass their own env, logger or runtime. */
export interface EstateCollectDependencies extends HandlerDependencies {
  readonly createRuntime?: (storage: StorageConfig, estate: EstateRunConfig) => EstateRuntime;
}

/** The state machine's Map item `{run, environment}` → its stored report's key and numbers (or a named error). */
export function createEstateCollectHandler(dependencies: EstateCollectDependencies) {
  return defineHandler(dependencies, {
    trigger: "invoke",
    setup: (env: Env) => {
      const storage = readStorageConfig(env);
      const estate = readEstateRunConfig(env);
      return { storage, runtime: (dependencies.createRuntime ?? createEstateRuntime)(storage, estate) };
    },
    async run(item: CollectItem, { setup, log: invocationLog, signal }): Promise<StoredEnvironment> {
      const { storage, runtime } = setup();
      const log = invocationLog.child({ environment: item?.environment, run: item?.run?.id });
      const config = parseConfiguredEnvironments(await runtime.readEnvironments({ signal }));
      const started = performance.now();
      const stored = await collectStoredEnvironment(item, {
        config,
        reportPrefix: storage.prefix,
        openPort: runtime.openPort,
        openApi: runtime.openApi,
        store: runtime.store,
        signal,
      });
      log.info("environment stored", { ...stored, duration_ms: Math.round(performance.now() - started) });
      return stored;
    },
  });
}

const composed = createEstateCollectHandler({ env: process.env });

/** The Lambda entry point (serverless.yml: dist/estate-collect.handler). */
export const handler: Handler<CollectItem, StoredEnvironment> = composed.handler;
