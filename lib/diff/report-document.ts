import { InvalidReportFileError } from "../errors.ts";
import { isRecord } from "../shared/is-record.ts";

/** A report as read from a file: Kong's keys, plus `details` when the file carries them. */
export interface ReportDocument {
  readonly source: string;
  readonly content: Readonly<Record<string, unknown>>;
  /** Per-workspace details: a JSON report's `details` key or a tar's details.json. */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * With details: true when a tar's manifest covers them and they carry the report's checksum;
   * false when nothing covers them (a JSON report's details, a tar without a manifest).
   */
  readonly detailsVerified?: boolean;
}

/**
 * Splits parsed JSON into the report and its details, refusing what is not a license report.
 * A JSON report with `include=details` carries them under `details`.
 */
export function toReportDocument(value: unknown, source: string, details?: unknown): ReportDocument {
  if (!isRecord(value))
    throw new InvalidReportFileError(`${source} is not a license report: expected a JSON object.`);
  const { details: inline, ...content } = value;
  // Kong ≤ 3.4 reports (eras A and A′) have no timestamp, checksum or plugins_count, but always
  // services_count and workspaces_count.
  const known = ["services_count", "workspaces_count", "plugins_count", "checksum", "timestamp"].filter(
    (key) => key in content,
  );
  if (known.length < 2) {
    throw new InvalidReportFileError(
      `${source} is not a license report: it has fewer than two of the keys timestamp, checksum, services_count, workspaces_count and plugins_count.`,
    );
  }
  const extra = details ?? inline;
  return { source, content, ...(isRecord(extra) ? { details: extra } : {}) };
}
