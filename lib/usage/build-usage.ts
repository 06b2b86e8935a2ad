import {
  addMonths,
  compareYearMonth,
  formatYearMonth,
  monthIn,
  parseAsOf,
  windowStart,
  type YearMonth,
} from "../report/reporting-month.ts";
import type { LicenseReport, ReportDetails } from "../report/types.ts";
import type { Contract, Usage, UsageLicense, UsageUnits } from "../report/usage-types.ts";
import { evaluateContract } from "./contract-lines.ts";
import { forecastUsage } from "./forecast.ts";
import type { LicenseEntitlements } from "./license-entitlements.ts";
import { observeReport } from "./observations.ts";

interface UsageInput {
  readonly report: LicenseReport;
  /** The details, with discrete_services and (Kong 3.10+) ai_gateway. */
  readonly details: ReportDetails;
  /** The chosen license payload's entitlements. */
  readonly entitlements: LicenseEntitlements;
  /** Data planes the database holds as live (ttl in the future). */
  readonly connectedDataPlanes: number;
  readonly contract?: Contract;
  /**
   * Requests of the term's months before the report's 12-month window, read apart from the report
   * (see termMonthsBeforeWindow); undefined when the term starts inside the window.
   */
  readonly requestsBeforeWindow?: number;
}

/**
 * `details.usage`: Kong's contract units as the database holds them, the license's entitlements
 * beside what the database shows, the contract's lines and, from this report alone, a forecast
 * (the history adds the stored reports later).
 */
export function buildUsage(input: UsageInput): Usage {
  const { report, details, contract } = input;
  const asOf = report.collector.as_of;
  const notes: string[] = [];
  const units: UsageUnits = {
    gateway_services: report.services_count,
    discrete_services: details.discrete_services?.count ?? 0,
    api_requests_month:
      report.counters === undefined
        ? null
        : requestsOf(report.counters.buckets, parseAsOf(asOf), parseAsOf(asOf)),
    api_requests_term: termRequests(input, notes),
    ai_model_hours_month:
      details.ai_gateway === undefined
        ? null
        : (details.ai_gateway.by_month.find((entry) => entry.month === asOf)?.model_hours ?? 0),
  };
  if (report.counters === undefined) {
    notes.push(
      "This database keeps no request counters (no license_data table): API requests are not measured.",
    );
  }
  if (details.ai_gateway === undefined) {
    notes.push(
      "This database has no AI Gateway counter (license_llm_data, Kong 3.10+): AI model-hours are not measured.",
    );
  }
  const usageContract = contract === undefined ? null : evaluateContract(contract, units);
  return {
    as_of: asOf,
    units,
    license: describeLicense(input),
    contract: usageContract,
    forecast:
      usageContract === null
        ? []
        : forecastUsage({
            contract: usageContract,
            asOf,
            generatedMonth: generatedMonth(report),
            observations: [
              observeReport(
                report as unknown as Record<string, unknown>,
                details as unknown as Record<string, unknown>,
              ),
            ],
          }),
    notes,
  };
}

/** The month the report was made in, on the wall clock of its time zone. */
export function generatedMonth(report: LicenseReport): string {
  return formatYearMonth(monthIn(new Date(report.timestamp * 1000), report.collector.time_zone));
}

/**
 * The term's months before the report's window (11 months before the as-of month), up to the
 * term's end and the as-of month; undefined when there are none.
 */
export function termMonthsBeforeWindow(
  contract: Contract | undefined,
  asOf: string,
): { start: YearMonth; end: YearMonth } | undefined {
  if (contract?.term === undefined) return undefined;
  const start = parseAsOf(contract.term.start);
  const before = addMonths(windowStart(parseAsOf(asOf)), -1);
  const end = [before, parseAsOf(contract.term.end), parseAsOf(asOf)].reduce((a, b) =>
    compareYearMonth(a, b) <= 0 ? a : b,
  );
  return compareYearMonth(start, end) <= 0 ? { start, end } : undefined;
}

/** The months of the term up to the as-of month: the report's buckets, plus what was read before its window. */
function termRequests(input: UsageInput, notes: string[]): number | null {
  const { report, contract } = input;
  if (contract?.term === undefined || report.counters === undefined) return null;
  const asOf = parseAsOf(report.collector.as_of);
  const start = parseAsOf(contract.term.start);
  const end = parseAsOf(contract.term.end);
  if (compareYearMonth(asOf, start) < 0) {
    notes.push(
      `The reporting month is before the contract term (${contract.term.start}): no term requests yet.`,
    );
    return 0;
  }
  const last = compareYearMonth(asOf, end) <= 0 ? asOf : end;
  const first = compareYearMonth(start, windowStart(asOf)) >= 0 ? start : windowStart(asOf);
  if (compareYearMonth(start, first) < 0) {
    const months = `${contract.term.start} to ${formatYearMonth(addMonths(first, -1))}`;
    notes.push(
      input.requestsBeforeWindow === undefined
        ? `The term starts before the report's 12-month window: its months ${months} are not counted in api_requests_term.`
        : `The term starts before the report's 12-month window: its months ${months} were read from license_data apart from the report.`,
    );
  }
  return requestsOf(report.counters.buckets, first, last) + (input.requestsBeforeWindow ?? 0);
}

/** Requests of the monthly buckets from `first` to `last`, both included (never the UNKNOWN bucket). */
function requestsOf(
  buckets: ReadonlyArray<{ readonly bucket: string; readonly request_count: number }>,
  first: YearMonth,
  last: YearMonth,
): number {
  let sum = 0;
  for (const { bucket, request_count: count } of buckets) {
    if (!/^\d{4}-\d{2}$/.test(bucket)) continue;
    const month = parseAsOf(bucket);
    if (compareYearMonth(month, first) >= 0 && compareYearMonth(month, last) <= 0) sum += count;
  }
  return sum;
}

/** The license's expiration date and the days left from the report's date (its time zone). */
export function daysToExpiry(report: LicenseReport): { expires: string | null; days: number | null } {
  const expires = readDate(report.license.license_expiration_date);
  return { expires, days: expires === null ? null : daysBetween(reportDate(report), expires) };
}

function describeLicense(input: UsageInput): UsageLicense {
  const { report, entitlements } = input;
  const { expires, days } = daysToExpiry(report);
  return {
    expires,
    days_to_expiry: days,
    customer: entitlements.customer,
    product_subscription: entitlements.product_subscription,
    support_plan: entitlements.support_plan,
    dataplanes: { licensed: entitlements.dataplanes, connected: input.connectedDataPlanes },
    admin_seats: { licensed: entitlements.admin_seats, rbac_users: report.rbac_users ?? null },
  };
}

/** `2017-7-20` (Kong's unpadded UNLICENSED date) → `2017-07-20`; anything not a calendar date → null. */
function readDate(text: string | null | undefined): string | null {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text?.trim() ?? "");
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** The report's calendar date in its reporting time zone, `YYYY-MM-DD`. */
function reportDate(report: LicenseReport): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: report.collector.time_zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(report.timestamp * 1000));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** What an estate's totals offer to hold against a contract (lib/estate builds it from its document). */
interface EstateUsageInput {
  readonly asOf: string;
  readonly services: number;
  /** Distinct discrete-service keys across the environments. */
  readonly discreteServices: number;
  /** Requests per month summed over the environments; undefined when none keeps counters. */
  readonly buckets?: ReadonlyArray<{ readonly bucket: string; readonly request_count: number }>;
  /** AI Gateway model-hours of the as-of month summed over the environments; null when unknown. */
  readonly aiModelHoursMonth: number | null;
  readonly contract: Contract;
}

/**
 * The contract held against an estate's totals: the same units and lines as a report's usage, over
 * the environments that reported (discrete services counted across environments). No entitlements
 * (each environment has its own license) and no forecast (an estate has no stored history).
 */
export function buildEstateUsage(input: EstateUsageInput): Omit<Usage, "license"> {
  const notes: string[] = [];
  const asOf = parseAsOf(input.asOf);
  const { buckets } = input;
  let term: number | null = null;
  if (input.contract.term !== undefined && buckets !== undefined) {
    const start = parseAsOf(input.contract.term.start);
    const end = parseAsOf(input.contract.term.end);
    const last = compareYearMonth(asOf, end) <= 0 ? asOf : end;
    const first = compareYearMonth(start, windowStart(asOf)) >= 0 ? start : windowStart(asOf);
    term = compareYearMonth(asOf, start) < 0 ? 0 : requestsOf(buckets, first, last);
    if (compareYearMonth(start, first) < 0) {
      notes.push(
        `The term starts before the estate's 12-month window: its months ${input.contract.term.start} to ${formatYearMonth(addMonths(first, -1))} are not counted in api_requests_term.`,
      );
    }
  }
  if (input.aiModelHoursMonth === null) {
    notes.push(
      "AI model-hours are summed from the environments' details: collect them with --include-details.",
    );
  }
  const units: UsageUnits = {
    gateway_services: input.services,
    discrete_services: input.discreteServices,
    api_requests_month: buckets === undefined ? null : requestsOf(buckets, asOf, asOf),
    api_requests_term: term,
    ai_model_hours_month: input.aiModelHoursMonth,
  };
  notes.push("No forecast for an estate: it keeps no stored history.");
  return { as_of: input.asOf, units, contract: evaluateContract(input.contract, units), forecast: [], notes };
}
