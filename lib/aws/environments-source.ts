import type { EnvironmentsLocation } from "../estate/types.ts";
import { type ConfiguredTextClients, describeLocation, readConfiguredText } from "./configured-text.ts";

export type EnvironmentsSourceClients = ConfiguredTextClients;

/** The environments file's text and how messages name it. */
export interface EnvironmentsText {
  readonly text: string;
  readonly fileName: string;
}

const ENVIRONMENTS_FILE = {
  what: "the environments file",
  variable: "ESTATE_ENVIRONMENTS",
  // 1,000 environments with a role each take about 400 KB.
  maxBytes: 1024 * 1024,
  whenStopped: "nothing was collected",
} as const;

/**
 * Reads the environments file from its configured S3 object or SSM parameter (SecureString
 * decrypted); see readConfiguredText for its errors.
 */
export async function readEnvironmentsText(
  location: EnvironmentsLocation,
  clients: EnvironmentsSourceClients,
  options: { readonly signal?: AbortSignal } = {},
): Promise<EnvironmentsText> {
  const text = await readConfiguredText(location, ENVIRONMENTS_FILE, clients, options);
  return { text, fileName: describeLocation(location) };
}
