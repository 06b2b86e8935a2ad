import { InvalidReportFileError } from "../errors.ts";
import { computeChecksum } from "./checksum.ts";

export interface VerifyResult {
  readonly valid: boolean;
  /** The checksum the file claims. */
  readonly claimed: string;
  /** The checksum of the file's content. */
  readonly computed: string;
}

/**
 * Checks a decoded report's `checksum` against its content (Kong's algorithm).
 * Throws InvalidReportFileError when the document is not a report at all.
 */
export function verifyReport(document: unknown, source = "the file"): VerifyResult {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new InvalidReportFileError(`${source} is not a license report: expected a JSON object.`);
  }
  const claimed = (document as { checksum?: unknown }).checksum;
  if (typeof claimed !== "string") {
    throw new InvalidReportFileError(`${source} has no "checksum" string, so it cannot be verified.`);
  }
  const computed = computeChecksum(document as Record<string, unknown>);
  return { valid: claimed.toLowerCase() === computed, claimed, computed };
}

/** Parses report JSON text, turning syntax errors into InvalidReportFileError. */
export function parseReportJson(text: string, source = "the file"): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidReportFileError(`${source} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
}
