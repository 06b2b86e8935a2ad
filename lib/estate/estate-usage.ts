import type { Contract } from "../report/usage-types.ts";
import { buildEstateUsage } from "../usage/build-usage.ts";
import type { EstateDocument } from "./types.ts";

/**
 * The contract held against the estate's totals: services and requests summed over the reported
 * environments, discrete services counted across them, AI model-hours summed from their details
 * (unknown without details, or when none keeps Kong's AI counter).
 */
export function estateUsage(
  estate: Omit<EstateDocument, "digest">,
  contract: Contract,
): NonNullable<EstateDocument["usage"]> {
  let aiHours: number | null = null;
  for (const environment of estate.environments) {
    // A Konnect environment has counts only: no details, so no AI counter.
    if (environment.status !== "ok" || !("report" in environment)) continue;
    const ai = environment.details?.ai_gateway;
    if (ai === undefined) continue;
    aiHours = (aiHours ?? 0) + (ai.by_month.find((entry) => entry.month === estate.as_of)?.model_hours ?? 0);
  }
  return buildEstateUsage({
    asOf: estate.as_of,
    services: estate.totals.services_count,
    discreteServices: estate.totals.discrete_services,
    ...(estate.totals.counters === undefined ? {} : { buckets: estate.totals.counters.buckets }),
    aiModelHoursMonth: aiHours,
    contract,
  });
}
