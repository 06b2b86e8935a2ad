import {
  CONTRACT_LIMITS,
  type Contract,
  type ContractLimit,
  type ContractLine,
  type LineStatus,
  type UsageContract,
  type UsageUnits,
} from "../report/usage-types.ts";

/** The unit of `units` each contract limit is measured in. */
function usedFor(limit: ContractLimit, units: UsageUnits): number | null {
  switch (limit) {
    case "gateway_services":
      return units.gateway_services;
    case "discrete_services":
      return units.discrete_services;
    case "api_requests_per_month":
      return units.api_requests_month;
    case "api_requests_per_term":
      return units.api_requests_term;
    case "ai_model_hours_per_month":
      return units.ai_model_hours_month;
  }
}

/** One line per limit of the contract, in the file's documented order. */
export function evaluateContract(contract: Contract, units: UsageUnits): UsageContract {
  const lines: ContractLine[] = [];
  for (const unit of CONTRACT_LIMITS) {
    const limit = contract.limits[unit];
    if (limit === undefined) continue;
    const used = usedFor(unit, units);
    lines.push({
      unit,
      limit,
      used,
      percent: used === null ? null : Math.round((used * 1000) / limit) / 10,
      status: lineStatus(used, limit, contract.warn_at_percent),
    });
  }
  return {
    name: contract.name,
    term: contract.term === undefined ? null : { start: contract.term.start, end: contract.term.end },
    warn_at_percent: contract.warn_at_percent,
    lines,
  };
}

/** `over` above the limit, `warn` at or above warn_at_percent of it (exact, not the rounded percent), else `ok`. */
export function lineStatus(used: number | null, limit: number, warnAtPercent: number): LineStatus {
  if (used === null) return "unknown";
  if (used > limit) return "over";
  if (used * 100 >= warnAtPercent * limit) return "warn";
  return "ok";
}

/** `--fail-on`: the statuses that make the CLI exit 8. */
export const FAIL_ON = ["warn", "over"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** The lines that reach `failOn` (warn: warn or over; over: over only). */
export function linesReaching(contract: UsageContract | null, failOn: FailOn): ContractLine[] {
  if (contract === null) return [];
  return contract.lines.filter(
    (line) => line.status === "over" || (failOn === "warn" && line.status === "warn"),
  );
}
