import { randomBytes } from "node:crypto";
import type { EstateConfig } from "../estate/types.ts";
import { readWallClock } from "../output/file-name.ts";
import { formatYearMonth, monthIn } from "../report/reporting-month.ts";
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
