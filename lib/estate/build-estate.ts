import { TOOL } from "../collector/collect-report.ts";
import type { DiscreteRule } from "../details/discrete-rules.ts";
import { TIER_NAMES } from "../report/plugin-tiers.ts";
import { parseAsOf } from "../report/reporting-month.ts";
import type { KongReport, PluginTiers, TierName } from "../report/types.ts";
import type { Contract } from "../report/usage-types.ts";
import { verifyReport } from "../report/verify-report.ts";
import { compareBytes } from "../shared/compare-bytes.ts";
import { compareBuckets } from "../shared/format.ts";
import { addCount, createNameRecord } from "../shared/name-record.ts";
import { computeEstateDigest } from "./estate-digest.ts";
import { estateUsage } from "./estate-usage.ts";
import { findSameDatabases } from "./same-database.ts";
import type {
  EnvironmentOutcome,
  EstateCountsEnvironment,
  EstateDiscreteService,
  EstateDocument,
  EstateEnvironment,
  EstateReportEnvironment,
  EstateTotals,
} from "./types.ts";

/** What a Konnect environment says of itself in estate.json and on the page. */
export const ENTITY_COUNTS_ONLY_NOTE =
  "Entity counts only: Konnect serves no license report, so no requests, routes, consumers or plugins; its gateway services and discrete services are counted from Konnect's API (a control plane group's services are its members', not added again).";

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
  const reported = environments.filter(
    (entry): entry is EstateReportEnvironment | EstateCountsEnvironment => entry.status === "ok",
  );
  const discrete = mergeDiscreteServices(outcomes, reported);
  const counted = new Set(reported.map((entry) => entry.environment));
  const warnings = findSameDatabases(outcomes.filter((outcome) => counted.has(outcome.environment)));
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
    totals: sumTotals(outcomes.length, reported, discrete.length),
    discrete_services: discrete,
    ...(warnings.length === 0 ? {} : { warnings }),
  };
  if (options.contract !== undefined) unsigned.usage = estateUsage(unsigned, options.contract);
  return { ...unsigned, digest: computeEstateDigest(unsigned as unknown as Record<string, unknown>) };
}

/**
 * Kong's own bytes of each Admin API environment's report, by environment: the estate tar writes them
 * as that environment's response.json unchanged (buildEstateFiles's `responses`).
 */
export function readKongResponses(outcomes: readonly EnvironmentOutcome[]): Map<string, Uint8Array> {
  const responses = new Map<string, Uint8Array>();
  for (const outcome of outcomes) {
    if (outcome.status === "ok" && "response" in outcome && outcome.response !== undefined) {
      responses.set(outcome.environment, outcome.response);
    }
  }
  return responses;
}

function toEstateEnvironment(outcome: EnvironmentOutcome): EstateEnvironment {
  const source = outcome.source === undefined ? {} : { source: outcome.source };
  if (outcome.status === "failed") {
    return { environment: outcome.environment, status: "failed", ...source, error: outcome.error };
  }
  if ("konnect" in outcome) {
    return {
      environment: outcome.environment,
      status: "ok",
      source: "konnect",
      entity_counts_only: true,
      note: ENTITY_COUNTS_ONLY_NOTE,
      services_count: outcome.konnect.gateway_services,
      discrete_services: new Set(outcome.discreteServices).size,
      konnect: outcome.konnect,
    };
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
  return [...byKey.keys()].sort(compareBytes).map((key) => ({ key, environments: byKey.get(key) ?? [] }));
}

/** The totals of the reported environments: also what `verify` recomputes from an estate's reports. */
export function sumTotals(
  environments: number,
  reported: readonly (EstateReportEnvironment | EstateCountsEnvironment)[],
  discrete: number,
): EstateTotals {
  const reports: KongReport[] = reported.flatMap((entry) => ("report" in entry ? [entry.report] : []));
  const counted = reported.filter((entry): entry is EstateCountsEnvironment => "konnect" in entry);
  const tiers = new Map<TierName, Map<string, number>>(TIER_NAMES.map((tier) => [tier, new Map()]));
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
    for (const tier of TIER_NAMES) {
      const counts = tiers.get(tier) as Map<string, number>;
      for (const [name, count] of Object.entries(report.plugins_count?.tiers?.[tier] ?? {})) {
        addCount(counts, name, count);
      }
    }
  }
  // Konnect's gateway services count as services; it has no routes, consumers, plugins or requests.
  for (const entry of counted) totals.services_count += entry.services_count;
  return {
    environments,
    environments_reported: reported.length,
    ...(counted.length === 0 ? {} : { environments_entity_counts_only: counted.length }),
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
    createNameRecord([...(tiers.get(tier) ?? [])].sort(([a], [b]) => compareBytes(a, b)));
  return { free: sorted("free"), enterprise: sorted("enterprise"), custom: sorted("custom") };
}
