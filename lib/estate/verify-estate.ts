import { verifyReport } from "../report/verify-report.ts";
import { verifyEstateDigest } from "./estate-digest.ts";

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
}

export interface EstateVerification {
  readonly valid: boolean;
  readonly digest: { readonly valid: boolean; readonly claimed: string | null; readonly computed: string };
  readonly environments: readonly EnvironmentCheck[];
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
 * Checks an estate: its own digest, and each environment's report against its Kong checksum.
 * `files` maps an environment to the report found beside the estate (a tar's
 * environments/<name>/response.json): that file must verify too and equal the estate's report.
 */
export function verifyEstate(
  estate: Readonly<Record<string, unknown>>,
  files: ReadonlyMap<string, unknown> = new Map(),
): EstateVerification {
  const digest = verifyEstateDigest(estate);
  const entries = Array.isArray(estate.environments) ? (estate.environments as unknown[]) : [];
  const environments = entries.map((raw): EnvironmentCheck => {
    const entry = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const environment = typeof entry.environment === "string" ? entry.environment : "(unnamed)";
    if (entry.status !== "ok") return { environment, status: "failed" };
    if (entry.entity_counts_only === true && entry.report === undefined)
      return { environment, status: "counts" };
    const report = (typeof entry.report === "object" && entry.report !== null ? entry.report : {}) as Record<
      string,
      unknown
    >;
    const result = verifyReport(report);
    const file = files.get(environment);
    const fileMismatch =
      file !== undefined &&
      (typeof file !== "object" ||
        file === null ||
        !verifyReport(file as Record<string, unknown>).valid ||
        (file as Record<string, unknown>).checksum !== report.checksum);
    return { environment, status: "ok", ...result, ...(fileMismatch ? { fileMismatch } : {}) };
  });
  const valid =
    digest.valid &&
    environments.every((check) => check.status !== "ok" || (check.valid && !check.fileMismatch));
  return { valid, digest, environments };
}
