import type { EnvironmentsLocation } from "../estate/types.ts";
import { type ConfiguredTextClients, readConfiguredText } from "./configured-text.ts";

/** A contract is a few hundred bytes; anything past this is not one. */
const CONTRACT = {
  what: "the contract",
  variable: "REPORT_CONTRACT",
  maxBytes: 64 * 1024,
  whenStopped: "nothing was stored",
} as const;

/**
 * Reads the contract file from its S3 object or SSM parameter (SecureString decrypted), the way the
 * estate reads its environments file: a missing or unreadable one is a ConfigError naming
 * REPORT_CONTRACT; a read stopped by the deadline is a TimeoutError.
 */
export function readContractText(
  location: EnvironmentsLocation,
  clients: ConfiguredTextClients,
  options: { readonly signal?: AbortSignal } = {},
): Promise<string> {
  return readConfiguredText(location, CONTRACT, clients, options);
}
