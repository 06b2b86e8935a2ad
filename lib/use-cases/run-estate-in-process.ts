import { collectEstate, type OpenApiPorts, type OpenEnvironmentPort } from "../estate/collect-estate.ts";
import type { EstateConfig } from "../estate/types.ts";
import type { Signer } from "../shared/signature.ts";
import type { ReportStore } from "../store/report-store.ts";
import type { EstateRequest } from "./estate-inputs.ts";
import { buildAndStoreEstate } from "./estate-run.ts";
import { planEstate } from "./plan-estate.ts";
import type { EstateLink } from "./store-estate.ts";

export interface InProcessOptions {
  readonly config: EstateConfig;
  readonly openPort: OpenEnvironmentPort;
  readonly openApi?: OpenApiPorts;
  readonly store: ReportStore;
  readonly timeZone: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly urlTtlSeconds: number;
  /** Signs the estate tar's manifest (AWS KMS), when the deployment has a signing key. */
  readonly signer?: Signer;
  readonly signal?: AbortSignal;
}

/**
 * The whole estate in one process (GET /license/estate for estates that fit API Gateway's 30 s):
 * the same collector, estate and storage as the state machine, without the per-environment objects.
 */
export async function runEstateInProcess(
  request: EstateRequest,
  options: InProcessOptions,
): Promise<EstateLink> {
  const { run } = planEstate({ ...options, request });
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const outcomes = await collectEstate(options.config, {
    openPort: options.openPort,
    ...(options.openApi === undefined ? {} : { openApi: options.openApi }),
    concurrency: options.concurrency,
    asOf: run.as_of,
    timeZone: run.time_zone,
    includeDetails: run.include_details,
    ...signal,
  });
  options.signal?.throwIfAborted();
  return buildAndStoreEstate(run, outcomes, {
    ...options,
    discreteRules: options.config.discrete,
    ...signal,
  });
}
