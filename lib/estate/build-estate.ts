import { TOOL } from "../collector/collect-report.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import { parseAsOf } from "../report/reporting-month.ts";
import type { LicenseReport, PluginTiers, TierName } from "../report/types.ts";
import type { Contract } from "../report/usage-types.ts";
import { verifyReport } from "../report/verify-report.ts";
import { compareBuckets } from "../shared/format.ts";
import { addCount, createNameRecord } from "../shared/name-record.ts";
import { computeEstateDigest } from "./estate-digest.ts";
import { estateUsage } from "./estate-usage.ts";
import type {
  EnvironmentOutcome,
  EstateDiscreteService,
  EstateDocument,
  EstateEnvironment,
  EstateTotals,
} from "./types.ts";

export interface BuildEstateOptions {
  /** The reporting month every environment was collected for, `YYYY-MM`. */
  readonly asOf: string;
  readonly timeZone?: string;
  /** When the estate was assembled. */
  readonly generatedAt: Date | string;
  /** The rules the environments' discrete keys were rewritten with (recorded, not re-applied). */
  readonly discreteRules?: readonly DiscreteRule[];
  /** Default: this tool's name and version. */
  readonly collector?: { readonly name: string; readonly version: string };
  /** Limits to hold the totals against (`usage` in estate.json). */
  readonly contract?: Contract;
}

const TIERS: readonly TierName[] = ["free", "enterprise", "custom"];

/**
 * Builds estate.json from the environments' outcomes: a pure function over plain data, so the
 * aggregate step can rebuild the estate from what the per-environment runs stored.
 *
 * Per environment it needs: `environment` (unique name) and `status`; for "ok" the Kong report
 * exactly as generated (checksum included) and `discreteServices`, the environment's distinct
 * `protocol://host:port/path` keys already rewritten by `discreteRules` (as `collectEnvironment`
 * returns them); optionally `details` and `source`. For "failed", the `error` text (no secret).
 *
 * A report whose checksum does not match its content is not counted: that environment is listed
 * as failed, so a changed stored report can never slip into the totals.
 */
export function buildEstate(
  outcomes: readonly EnvironmentOutcome[],
  options: BuildEstateOptions,
): EstateDocument {
  parseAsOf(options.asOf, "asOf");
  const seen = new Set<string>();
  for (const outcome of outcomes) {
    const folded = outcome.environment.toLowerCase();
    if (seen.has(folded))
      throw new Error(`Environment "${outcome.environment}" appears twice in the estate.`);
    seen.add(folded);
  }
  const environments = outcomes.map(toEstateEnvironment);
  const reported = environments.filter((entry) => entry.status === "ok");
  const discrete = mergeDiscreteServices(outcomes, reported);
  const generatedAt =
    typeof options.generatedAt === "string" ? options.generatedAt : options.generatedAt.toISOString();
  const unsigned: Omit<EstateDocument, "digest"> = {
    estate_version: 1,
    as_of: options.asOf,
    time_zone: options.timeZone ?? "UTC",
    generated_at: generatedAt,
    collector: {
      name: options.collector?.name ?? TOOL.name,
      version: options.collector?.version ?? TOOL.version,
    },
    discrete_rules: (options.discreteRules ?? []).map((rule) => ({
      find: rule.find,
      replace_with: rule.replace_with,
    })),
    environments,
    totals: sumTotals(
      outcomes.length,
      reported.map((entry) => entry.report),
      discrete.length,
    ),
    discrete_services: discrete,
  };
  if (options.contract !== undefined) unsigned.usage = estateUsage(unsigned, options.contract);
  return { ...unsigned, digest: computeEstateDigest(unsigned as unknown as Record<string, unknown>) };
}

function toEstateEnvironment(outcome: EnvironmentOutcome): EstateEnvironment {
  const source = outcome.source === undefined ? {} : { source: outcome.source };
  if (outcome.status === "failed") {
    return { environment: outcome.environment, status: "failed", ...source, error: outcome.error };
  }
  const check = verifyReport(outcome.report as unknown as Record<string, unknown>);
  if (!check.valid) {
    return {
      environment: outcome.environment,
      status: "failed",
      ...source,
      error: `its report does not match its checksum (claims ${check.claimed ?? "none"}, content hashes to ${check.computed}): it was changed after it was collected, so it is left out of the totals.`,
    };
  }
  return {
    environment: outcome.environment,
    status: "ok",
    ...source,
    discrete_services: new Set(outcome.discreteServices).size,
    report: outcome.report,
    ...(outcome.details === undefined ? {} : { details: outcome.details }),
  };
}

/** Distinct keys across the reported environments, each with the environments holding it. */
function mergeDiscreteServices(
  outcomes: readonly EnvironmentOutcome[],
  reported: readonly EstateEnvironment[],
): EstateDiscreteService[] {
  const counted = new Set(reported.map((entry) => entry.environment));
  const byKey = new Map<string, string[]>();
  for (const outcome of outcomes) {
    if (outcome.status !== "ok" || !counted.has(outcome.environment)) continue;
    for (const key of new Set(outcome.discreteServices)) {
      const holders = byKey.get(key);
      if (holders === undefined) byKey.set(key, [outcome.environment]);
      else holders.push(outcome.environment);
    }
  }
  return [...byKey.keys()].sort(compareCodeUnits).map((key) => ({ key, environments: byKey.get(key) ?? [] }));
}

function sumTotals(environments: number, reports: readonly LicenseReport[], discrete: number): EstateTotals {
  const tiers = new Map<TierName, Map<string, number>>(TIERS.map((tier) => [tier, new Map()]));
  const buckets = new Map<string, number>();
  let rbacUsers: number | undefined;
  let totalRequests: number | undefined;
  const totals = {
    services_count: 0,
    routes_count: 0,
    consumers_count: 0,
    workspaces_count: 0,
  };
  for (const report of reports) {
    totals.services_count += report.services_count ?? 0;
    totals.routes_count += report.routes_count ?? 0;
    totals.consumers_count += report.consumers_count ?? 0;
    totals.workspaces_count += report.workspaces_count ?? 0;
    // Keys a report leaves out (rbac_users on open-source Kong, counters without license_data) add nothing.
    if (typeof report.rbac_users === "number") rbacUsers = (rbacUsers ?? 0) + report.rbac_users;
    if (report.counters !== undefined) {
      totalRequests = (totalRequests ?? 0) + report.counters.total_requests;
      for (const { bucket, request_count: count } of report.counters.buckets) {
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + count);
      }
    }
    for (const tier of TIERS) {
      const counts = tiers.get(tier) as Map<string, number>;
      for (const [name, count] of Object.entries(report.plugins_count?.tiers?.[tier] ?? {})) {
        addCount(counts, name, count);
      }
    }
  }
  return {
    environments,
    environments_reported: reports.length,
    ...totals,
    ...(rbacUsers === undefined ? {} : { rbac_users: rbacUsers }),
    plugins_count: { tiers: sortTiers(tiers) },
    discrete_services: discrete,
    ...(totalRequests === undefined
      ? {}
      : {
          counters: {
            total_requests: totalRequests,
            buckets: [...buckets.entries()]
              .sort(([a], [b]) => compareBuckets(a, b))
              .map(([bucket, request_count]) => ({ bucket, request_count })),
          },
        }),
  };
}

function sortTiers(tiers: ReadonlyMap<TierName, ReadonlyMap<string, number>>): PluginTiers {
  const sorted = (tier: TierName) =>
    createNameRecord([...(tiers.get(tier) ?? [])].sort(([a], [b]) => compareCodeUnits(a, b)));
  return { free: sorted("free"), enterprise: sorted("enterprise"), custom: sorted("custom") };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
