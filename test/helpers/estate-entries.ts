import type { EstateEnvironment } from "#lib/estate/types.ts";
import type { KongReport } from "#lib/report/types.ts";

/** The report of an estate environment that has one (not failed, not Konnect's counts only). */
export function reportOf(entry: EstateEnvironment | undefined): KongReport | undefined {
  return entry !== undefined && "report" in entry ? entry.report : undefined;
}
