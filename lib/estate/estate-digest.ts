import { createHash } from "node:crypto";

/**
 * The estate's digest: lowercase hex SHA-256 of the RFC 8785 (JCS) canonical JSON of the document
 * without its top-level `digest`. Our own document, so our own well-known algorithm (Kong's
 * checksum covers each environment's report, which the estate holds unchanged).
 */
export function computeEstateDigest(document: Readonly<Record<string, unknown>>): string {
  const { digest: _ignored, ...content } = document;
  return createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");
}

export interface EstateDigestResult {
  readonly valid: boolean;
  readonly claimed: string | null;
  readonly computed: string;
}

/** Checks an estate's `digest` against its content. */
export function verifyEstateDigest(document: Readonly<Record<string, unknown>>): EstateDigestResult {
  const claimed = typeof document.digest === "string" ? document.digest : null;
  const computed = computeEstateDigest(document);
  return { valid: claimed !== null && claimed.toLowerCase() === computed, claimed, computed };
}

/** RFC 8785: no whitespace, object keys sorted by UTF-16 code units, ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new Error("canonical JSON has no form for NaN or Infinity");
    }
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(",")}}`;
}
