import { formatYearMonth, parseAsOf } from "../report/reporting-month.ts";
import type { CollectedReport } from "../report/types.ts";
import type { UsageContract } from "../report/usage-types.ts";
import { daysToExpiry } from "./build-usage.ts";

/** The numbers a report's metrics carry (CloudWatch, events); null where nothing was measured. */
export interface UsageValues {
  readonly gatewayServices: number;
  readonly discreteServices: number | null;
  readonly apiRequestsMonth: number | null;
  readonly aiModelHoursMonth: number | null;
  readonly daysToLicenseExpiry: number | null;
  readonly contract: UsageContract | null;
}

/**
 * The usage of a report as its metrics carry it: from details.usage when the details were read,
 * else what Kong's report alone tells (services, the as-of month's requests, the expiry), so a
 * JSON report without details is measured too.
 */
export function readUsageValues({ report, details }: CollectedReport): UsageValues {
  const usage = details.usage;
  if (usage !== undefined) {
    return {
      gatewayServices: usage.units.gateway_services,
      discreteServices: usage.units.discrete_services,
      apiRequestsMonth: usage.units.api_requests_month,
      aiModelHoursMonth: usage.units.ai_model_hours_month,
      daysToLicenseExpiry: usage.license.days_to_expiry,
      contract: usage.contract,
    };
  }
  const asOf = formatYearMonth(parseAsOf(report.collector.as_of));
  return {
    gatewayServices: report.services_count,
    discreteServices: null,
    apiRequestsMonth:
      report.counters === undefined
        ? null
        : (report.counters.buckets.find((bucket) => bucket.bucket === asOf)?.request_count ?? 0),
    aiModelHoursMonth: null,
    daysToLicenseExpiry: daysToExpiry(report).days,
    contract: null,
  };
}
