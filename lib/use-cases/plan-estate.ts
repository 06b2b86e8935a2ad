import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { EstateConfig } from "../estate/types.ts";
import { readWallClock } from "../output/file-name.ts";
import { formatYearMonth, monthIn } from "../report/reporting-month.ts";
import type { ReportStore } from "../store/report-store.ts";
import type { EstateRequest } from "./estate-inputs.ts";
import type { EstateRun } from "./estate-run.ts";

export interface EstatePlan {
  readonly run: EstateRun;
  /** The Map state's MaxConcurrency. */
  readonly concurrency: number;
  readonly environments: readonly { readonly environment: string }[];
}

export interface PlanOptions {
  readonly request: EstateRequest;
  /** The validated environments file. */
  readonly config: EstateConfig;
  readonly timeZone: string;
  /** Report key prefix (empty or ending with "/"); the run's objects go under `<prefix>estate/YYYY/MM/<id>/`. */
  readonly prefix: string;
  readonly concurrency: number;
  readonly now?: Date;
  readonly runId?: string;
}

/** The plan step: the environment names to fan out over, and the run every step shares. */
export function planEstate(options: PlanOptions): EstatePlan {
  const now = options.now ?? new Date();
  const asOf = options.request.asOf ?? formatYearMonth(monthIn(now, options.timeZone));
  const id = options.runId ?? randomBytes(6).toString("hex");
  const { year, month } = readWallClock(now, options.timeZone);
  return {
    run: {
      id,
      as_of: asOf,
      time_zone: options.timeZone,
      format: options.request.format,
      include_details: options.request.includeDetails,
      prefix: `${options.prefix}estate/${year}/${month}/${id}/`,
      started_at: now.toISOString(),
    },
    concurrency: options.concurrency,
    environments: options.config.environments.map((spec) => ({ environment: spec.name })),
  };
}

/**
 * What PlanEstate answers the state machine: only names, keys and numbers, whatever the estate's
 * size. The environment names are written to S3 (`<run>plan/environments.json`, the Distributed
 * Map's ItemReader reads them there); the answer lists them too only for the inline Map.
 */
export interface StateMachinePlan {
  readonly run: EstateRun;
  /** The Maps' MaxConcurrency. */
  readonly concurrency: number;
  /** Environments in the file. */
  readonly count: number;
  /** More than the inline Map takes: the Distributed Map runs. */
  readonly distributed: boolean;
  /** The items file: a JSON array of `{"environment": name}`, in the file's order. */
  readonly items: { readonly bucket: string; readonly key: string };
  /** Where the Distributed Map's ResultWriter writes (under the run's folder). */
  readonly results_prefix: string;
  /** The inline Map's items (absent when `distributed`). */
  readonly environments?: readonly { readonly environment: string }[];
}

export interface StateMachinePlanOptions extends PlanOptions {
  readonly store: ReportStore;
  /** The most environments the inline Map runs. */
  readonly inlineMapMax: number;
  readonly signal?: AbortSignal;
}

/** The plan step of the state machine: plans the run and stores its items next to its objects. */
export async function planStateMachineRun(options: StateMachinePlanOptions): Promise<StateMachinePlan> {
  const plan = planEstate(options);
  const key = `${plan.run.prefix}plan/environments.json`;
  const body = Buffer.from(JSON.stringify(plan.environments), "utf8");
  const stored = await options.store.upload(
    {
      key,
      body: Readable.from([body]),
      contentType: "application/json",
      metadata: { "estate-run": plan.run.id, environments: String(plan.environments.length) },
    },
    options.signal === undefined ? {} : { signal: options.signal },
  );
  const distributed = plan.environments.length > options.inlineMapMax;
  return {
    run: plan.run,
    concurrency: plan.concurrency,
    count: plan.environments.length,
    distributed,
    items: { bucket: stored.bucket, key: stored.key },
    results_prefix: `${plan.run.prefix}map-results`,
    ...(distributed ? {} : { environments: plan.environments }),
  };
}
