import { InvalidReportFileError } from "../errors.ts";
import { parseJsonText } from "../shared/json-text.ts";
import {
  CHECKSUM_ALGORITHMS,
  CHECKSUM_HEX_LENGTH,
  type ChecksumAlgorithm,
  computeChecksum,
} from "./checksum.ts";

export interface VerifyResult {
  readonly valid: boolean;
  /** The checksum the report claims, or null when it carries none. */
  readonly claimed: string | null;
  /**
   * The digest the claim is compared with: the one its length names (40 hex SHA-1, 64 hex SHA-256);
   * SHA-1 when the claim has neither length.
   */
  readonly algorithm: ChecksumAlgorithm;
  /** The checksum of the report's content with `algorithm`. */
  readonly computed: string;
}

/** "SHA-1" / "SHA-256", as people write them. */
export function describeAlgorithm(algorithm: ChecksumAlgorithm): string {
  return algorithm === "sha1" ? "SHA-1" : "SHA-256";
}

/**
 * Checks a report's `checksum` against its content with Kong's algorithm: SHA-1 of the inspect
 * serialisation, or SHA-256 over the same serialisation for a 64-hex claim (Kong's newest docs
 * name SHA-256). `report` holds Kong's keys only: a `details` document travels beside the report
 * and is not covered by the checksum.
 */
export function verifyReport(report: Readonly<Record<string, unknown>>): VerifyResult {
  const claimed = typeof report.checksum === "string" ? report.checksum : null;
  const algorithm =
    CHECKSUM_ALGORITHMS.find((candidate) => CHECKSUM_HEX_LENGTH[candidate] === claimed?.length) ?? "sha1";
  const computed = computeChecksum(report, algorithm);
  return { valid: claimed !== null && claimed.toLowerCase() === computed, claimed, algorithm, computed };
}

/** Parses report JSON text (a BOM accepted, the depth capped), turning problems into InvalidReportFileError. */
export function parseReportJson(text: string, source = "the file"): unknown {
  return parseJsonText(
    text,
    (reason, cause) => new InvalidReportFileError(`${source} ${reason}.`, { cause }),
  );
}
