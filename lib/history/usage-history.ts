import type { ReportDocument } from "../diff/report-document.ts";
import type { LicenseReport, ReportDetails } from "../report/types.ts";
import { generatedMonth } from "../usage/build-usage.ts";
import { forecastUsage } from "../usage/forecast.ts";
import { observeReport } from "../usage/observations.ts";
import type { ClusterHistory } from "./cluster-history.ts";

/**
 * The forecast again, now over this report and the verified stored reports of its cluster (the
 * history loaded for since_previous and the trend): each unit's monthly high-water marks in the
 * contract term. Details without usage or without a contract are returned as they are.
 */
export function forecastFromHistory(
  report: LicenseReport,
  details: ReportDetails,
  history: ClusterHistory,
): ReportDetails {
  const usage = details.usage;
  if (usage === undefined || usage.contract === null) return details;
  const observations = [
    observeReport(
      report as unknown as Record<string, unknown>,
      details as unknown as Record<string, unknown>,
    ),
    ...history.verified.map(({ document }) => observeStored(document)),
  ];
  const forecast = forecastUsage({
    contract: usage.contract,
    asOf: usage.as_of,
    generatedMonth: generatedMonth(report),
    observations,
  });
  return { ...details, usage: { ...usage, forecast } };
}

function observeStored(document: ReportDocument) {
  return observeReport(document.content, document.details);
}
