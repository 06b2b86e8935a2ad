import { readLicensePayload } from "../report/license.ts";
import { stripBom } from "../shared/json-text.ts";

/** The payload keys Kong's license carries beyond the two its report copies (reference §5). */
export interface LicenseEntitlements {
  readonly customer: string | null;
  readonly product_subscription: string | null;
  readonly support_plan: string | null;
  /** `dataplanes` and `admin_seats` as whole numbers; null when absent or not a number. */
  readonly dataplanes: number | null;
  readonly admin_seats: number | null;
}

/** Kong's built-in payload when no license is active (counters/sales/init.lua). */
const UNLICENSED_ENTITLEMENTS: LicenseEntitlements = {
  customer: "UNLICENSED",
  product_subscription: "UNLICENSED",
  support_plan: "UNLICENSED",
  dataplanes: 0,
  admin_seats: 0,
};

/**
 * The entitlements of a Kong license document (`{"license":{"payload":{…}}}`, JSON or its base64
 * form as KONG_LICENSE_DATA allows); undefined when the text is not such a document.
 */
function readLicenseEntitlements(text: string): LicenseEntitlements | undefined {
  const trimmed = stripBom(text).trim();
  const candidates = [trimmed];
  if (!trimmed.startsWith("{")) candidates.push(Buffer.from(trimmed, "base64").toString("utf8"));
  for (const candidate of candidates) {
    const payload = readPayload(candidate);
    if (payload !== undefined) {
      return {
        customer: readText(payload.customer),
        product_subscription: readText(payload.product_subscription),
        support_plan: readText(payload.support_plan),
        dataplanes: readWhole(payload.dataplanes),
        admin_seats: readWhole(payload.admin_seats),
      };
    }
  }
  return undefined;
}

function readPayload(text: string): Record<string, unknown> | undefined {
  try {
    const payload = (JSON.parse(text) as { license?: { payload?: unknown } } | null)?.license?.payload;
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readText(value: unknown): string | null {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

/** Kong writes the counts as strings ("10"); a JSON number is taken too. */
function readWhole(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== "string" || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/**
 * The entitlements of the license the report used: the configured one, the first readable row of
 * `licenses` (Kong's choice, as lib/report/build-report.ts makes it), or Kong's UNLICENSED payload.
 */
export function selectEntitlements(
  licenseFrom: "configured" | "licenses" | "unlicensed",
  configured: string | undefined,
  candidates: readonly string[],
): LicenseEntitlements {
  if (licenseFrom === "configured" && configured !== undefined) {
    return readLicenseEntitlements(configured) ?? UNLICENSED_ENTITLEMENTS;
  }
  if (licenseFrom === "licenses") {
    for (const candidate of candidates) {
      if (readLicensePayload(candidate) !== undefined) {
        return readLicenseEntitlements(candidate) ?? UNLICENSED_ENTITLEMENTS;
      }
    }
  }
  return UNLICENSED_ENTITLEMENTS;
}
