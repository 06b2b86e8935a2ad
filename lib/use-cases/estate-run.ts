import type { DiscreteRule } from "../details/discrete-rules.ts";
import { BadParameterError } from "../errors.ts";
import { buildEstate, readKongResponses } from "../estate/build-estate.ts";
import type { EnvironmentOutcome } from "../estate/types.ts";
import type { ReportFormat } from "../output/file-name.ts";
import { parseAsOf } from "../report/reporting-month.ts";
import type { Signer } from "../shared/signature.ts";
import type { ReportStore } from "../store/report-store.ts";
import { parseFormat } from "./report-options.ts";
import { type EstateLink, storeEstate } from "./store-estate.ts";

// The steps of the estate state machine (infra/estate-state-machine.asl.json), as plain functions over
// ports, one file each: plan-estate.ts (validate the environments file), collect-stored-environment.ts
// (store one environment's report), aggregate-estate.ts (rebuild the estate from the stored reports).
// This file holds the run they share. Only names, keys and numbers travel between the steps, never a
// connection detail, so the execution history holds no secret.

/** One run of the state machine, carried from step to step. */
export interface EstateRun {
  readonly id: string;
  readonly as_of: string;
  readonly time_zone: string;
  readonly format: ReportFormat;
  readonly include_details: boolean;
  /** Key prefix of this run's objects (stored environment reports and the estate), ending with "/". */
  readonly prefix: string;
  readonly started_at: string;
}

/** `<run prefix>environments/<name>.json` (names are safe folder names, checked by the environments file). */
export function environmentKey(run: EstateRun, environment: string): string {
  return `${run.prefix}environments/${environment}.json`;
}

/** A run as the plan step wrote it, under this deployment's prefix; anything else (a hand-edited input) is refused. */
export function checkRun(run: EstateRun | undefined, reportPrefix: string): EstateRun {
  const valid =
    run !== undefined &&
    typeof run.id === "string" &&
    /^[0-9a-f]{12}$/.test(run.id) &&
    typeof run.prefix === "string" &&
    run.prefix.startsWith(reportPrefix) &&
    new RegExp(`^estate/\\d{4}/\\d{2}/${run.id}/$`).test(run.prefix.slice(reportPrefix.length)) &&
    typeof run.as_of === "string" &&
    typeof run.time_zone === "string";
  if (!valid) {
    throw new BadParameterError(
      "run",
      `The step input has no valid run under ${reportPrefix || "the bucket root"}estate/ (it comes from the PlanEstate step's answer).`,
    );
  }
  parseAsOf(run.as_of, "run.as_of");
  parseFormat(run.format, "run.format");
  return run;
}

/** The estate of a run's outcomes (buildEstate re-verifies every report), stored in the run's folder and linked. */
export async function buildAndStoreEstate(
  run: EstateRun,
  outcomes: readonly EnvironmentOutcome[],
  options: {
    readonly discreteRules: readonly DiscreteRule[];
    readonly store: ReportStore;
    readonly urlTtlSeconds: number;
    readonly now?: Date;
    readonly signer?: Signer;
    readonly signal?: AbortSignal;
  },
): Promise<EstateLink> {
  const estate = buildEstate(outcomes, {
    asOf: run.as_of,
    timeZone: run.time_zone,
    generatedAt: options.now ?? new Date(),
    discreteRules: options.discreteRules,
  });
  return storeEstate(estate, {
    store: options.store,
    format: run.format,
    prefix: run.prefix,
    urlTtlSeconds: options.urlTtlSeconds,
    responses: readKongResponses(outcomes),
    ...(options.signer === undefined ? {} : { signer: options.signer }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
