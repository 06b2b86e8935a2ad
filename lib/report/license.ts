import { BadParameterError } from "../errors.ts";
import { parseJsonText } from "../shared/json-text.ts";
import type { LicenseInfo } from "./types.ts";

/** Kong's built-in payload when no license is active (note the unpadded date). */
export const UNLICENSED: LicenseInfo = { license_key: "UNLICENSED", license_expiration_date: "2017-7-20" };

/** Prefix of a keyring-encrypted `licenses.payload` that only a Kong node with the keyring can read. */
export const KEYRING_PREFIX = "$ke$1$";

/**
 * Reads `license_key` and `license_expiration_date` from a Kong license document
 * (`{"license":{"payload":{…}}}`, as stored in `licenses.payload` or KONG_LICENSE_DATA).
 * Returns undefined when the text is not such a document.
 */
export function readLicensePayload(text: string): LicenseInfo | undefined {
  let document: unknown;
  try {
    // A BOM accepted and the depth capped, as for every JSON file a person gives.
    document = parseJsonText(text, (reason) => new Error(reason));
  } catch {
    return undefined;
  }
  const payload = (document as { license?: { payload?: unknown } } | null)?.license?.payload;
  if (payload === null || typeof payload !== "object") return undefined;
  const info: LicenseInfo = {};
  for (const key of ["license_key", "license_expiration_date"] as const) {
    if (!Object.hasOwn(payload, key)) continue;
    const value = (payload as Record<string, unknown>)[key];
    // Kong copies the payload strings; a JSON null stays null (cjson.null in the checksum).
    if (value === null || typeof value === "string") info[key] = value;
    else info[key] = String(value);
  }
  return info;
}

/** Parses a configured license (JSON, or base64 of JSON as KONG_LICENSE_DATA allows). */
export function parseConfiguredLicense(text: string, parameter = "license"): LicenseInfo {
  const trimmed = text.trim();
  const candidates = [trimmed];
  if (!trimmed.startsWith("{")) candidates.push(Buffer.from(trimmed, "base64").toString("utf8"));
  for (const candidate of candidates) {
    const info = readLicensePayload(candidate);
    if (info !== undefined) return info;
  }
  throw new BadParameterError(
    parameter,
    `The configured ${parameter} is not a Kong license: expected the license JSON {"license":{"payload":{…},"signature":…}} or its base64 form.`,
  );
}
