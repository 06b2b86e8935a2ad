import { InvalidReportFileError } from "../errors.ts";
import { computeChecksum } from "./checksum.ts";

export interface VerifyResult {
  readonly valid: boolean;
  /** The checksum the report claims, or null when it carries none. */
  readonly claimed: string | null;
  /** The checksum of the report's content. */
  readonly computed: string;
}

/**
 * Checks a report's `checksum` against its content with Kong's algorithm. `report` holds Kong's
 * keys only: a `details` document travels beside the report and is not covered by the checksum.
 */
export function verifyReport(report: Readonly<Record<string, unknown>>): VerifyResult {
  const claimed = typeof report.checksum === "string" ? report.checksum : null;
  const computed = computeChecksum(report);
  return { valid: claimed !== null && claimed.toLowerCase() === computed, claimed, computed };
}

/** Parses report JSON text, turning syntax errors into InvalidReportFileError. */
export function parseReportJson(text: string, source = "the file"): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidReportFileError(`${source} is not valid JSON (${(error as Error).message}).`, {
      cause: error,
    });
  }
}
