import { verifyReport } from "../report/verify-report.ts";
import { sumTotals } from "./build-estate.ts";
import { canonicalJson, verifyEstateDigest } from "./estate-digest.ts";
import type { EstateCountsEnvironment, EstateReportEnvironment } from "./types.ts";

export interface EnvironmentCheck {
  readonly environment: string;
  /**
   * "failed" environments hold no report, nor do "counts" ones (Konnect: entity counts only): nothing
   * to check beyond the estate's digest, which covers their numbers.
   */
  readonly status: "ok" | "failed" | "counts";
  readonly valid?: boolean;
  readonly claimed?: string | null;
  readonly computed?: string;
  /** Set when a file beside the estate (environments/<name>/response.json) differs from its report. */
  readonly fileMismatch?: boolean;
  /** Details (in the estate or beside it) that carry another report's checksum. */
  readonly detailsMismatch?: readonly string[];
}

export interface EstateVerification {
  readonly valid: boolean;
  readonly digest: { readonly valid: boolean; readonly claimed: string | null; readonly computed: string };
  readonly environments: readonly EnvironmentCheck[];
  /** Where the totals and the discrete-service counts contradict the verified reports; empty when they agree. */
  readonly totals: readonly string[];
}

/** True for a document shaped as an estate (what `verify` uses to tell it from a report). */
export function isEstateDocument(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    "estate_version" in value &&
    Array.isArray((value as { environments?: unknown }).environments)
  );
}

/**
 * Checks an estate: its own digest, each environment's report against its Kong checksum, the
 * totals against the sum of those reports, and each environment's details against its report.
 * `files` maps an environment to the files found beside the estate (a tar's environments/<name>/:
 * response.json, details.json, parsed): its response.json must verify and equal the estate's report,
 * its details.json must carry that report's checksum.
 *
 * The digest is our own and unkeyed: whoever edits the totals can recompute it. The totals are
 * therefore recomputed from the reports, which Kong's checksum covers each.
 */
export function verifyEstate(
  estate: Readonly<Record<string, unknown>>,
  files: ReadonlyMap<string, ReadonlyMap<string, unknown>> = new Map(),
): EstateVerification {
  const digest = verifyEstateDigest(estate);
  const entries = Array.isArray(estate.environments) ? (estate.environments as unknown[]) : [];
  const environments = entries.map((raw): EnvironmentCheck => {
    const entry = asRecord(raw) ?? {};
    const environment = typeof entry.environment === "string" ? entry.environment : "(unnamed)";
    if (entry.status !== "ok") return { environment, status: "failed" };
    if (entry.entity_counts_only === true && entry.report === undefined)
      return { environment, status: "counts" };
    const report = asRecord(entry.report) ?? {};
    const result = verifyReport(report);
    const beside = files.get(environment);
    const file = beside?.get("response.json");
    const fileMismatch =
      file !== undefined &&
      (asRecord(file) === undefined ||
        !verifyReport(file as Record<string, unknown>).valid ||
        (file as Record<string, unknown>).checksum !== report.checksum);
    const detailsMismatch = [
      ["the estate's details", entry.details],
      [`environments/${environment}/details.json`, beside?.get("details.json")],
    ].flatMap(([where, details]) =>
      details !== undefined && asRecord(details)?.checksum !== report.checksum ? [String(where)] : [],
    );
    return {
      environment,
      status: "ok",
      ...result,
      ...(fileMismatch ? { fileMismatch } : {}),
      ...(detailsMismatch.length > 0 ? { detailsMismatch } : {}),
    };
  });
  const reportsVerify = environments.every((check) => check.status === "failed" || check.valid === true);
  // Totals follow from reports that verify; when one does not, that is the finding to show.
  const totals = reportsVerify ? checkEstateTotals(estate) : [];
  const valid =
    digest.valid &&
    totals.length === 0 &&
    environments.every(
      (check) =>
        check.status !== "ok" || (check.valid && !check.fileMismatch && check.detailsMismatch === undefined),
    );
  return { valid, digest, environments, totals };
}

/**
 * Recomputes the totals from the reports of the environments that reported (as buildEstate sums
 * them) and compares them with the estate's, key by key; also that each environment's
 * `discrete_services` count and `totals.discrete_services` agree with the estate's list of discrete
 * services (which the reports do not hold: this checks only that the estate agrees with itself).
 */
export function checkEstateTotals(estate: Readonly<Record<string, unknown>>): string[] {
  const entries = (Array.isArray(estate.environments) ? (estate.environments as unknown[]) : []).map(
    (raw) => asRecord(raw) ?? {},
  );
  const reported = entries.filter((entry) => entry.status === "ok");
  const discrete = Array.isArray(estate.discrete_services) ? (estate.discrete_services as unknown[]) : [];
  const claimed = asRecord(estate.totals);
  if (claimed === undefined) return ["the estate has no totals"];
  let recomputed: Record<string, unknown>;
  try {
    // estate.json holds each environment as buildEstate wrote it: a report, or Konnect's counts.
    recomputed = sumTotals(
      entries.length,
      reported as unknown as Array<EstateReportEnvironment | EstateCountsEnvironment>,
      discrete.length,
    ) as unknown as Record<string, unknown>;
  } catch (error) {
    return [`its totals cannot be recomputed from its reports (${(error as Error).message})`];
  }
  const problems: string[] = [];
  for (const key of [...new Set([...Object.keys(recomputed), ...Object.keys(claimed)])]) {
    const sum = recomputed[key];
    const shown = claimed[key];
    if (sameJson(sum, shown)) continue;
    problems.push(
      typeof sum === "number" || typeof shown === "number" || sum === undefined || shown === undefined
        ? `totals.${key} is ${describe(shown)}, the reports sum to ${describe(sum)}`
        : `totals.${key} differs from the sum of the reports`,
    );
  }
  for (const entry of reported) {
    const name = typeof entry.environment === "string" ? entry.environment : "(unnamed)";
    const listed = discrete.filter((service) => {
      const holders = asRecord(service)?.environments;
      return Array.isArray(holders) && holders.includes(name);
    }).length;
    if (entry.discrete_services !== listed) {
      problems.push(
        `environment ${name} counts ${describe(entry.discrete_services)} discrete services, the estate lists ${listed} for it`,
      );
    }
  }
  return problems;
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a ?? null) === canonicalJson(b ?? null) && (a === undefined) === (b === undefined);
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  return value === undefined ? "absent" : typeof value === "number" ? String(value) : JSON.stringify(value);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
