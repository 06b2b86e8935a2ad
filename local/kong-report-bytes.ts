import { computeChecksum } from "../lib/report/checksum.ts";

// Kong's GET /license/report as Kong's Admin API writes it, for the fakes: the content a test chooses,
// signed with Kong's checksum (SHA-1 of the inspect serialisation, lib/report/checksum.ts), encoded as
// lua-cjson does (compact, "/" escaped as "\/", keys in the order given: Kong's is hash order). The
// bytes are deliberately not what JSON.stringify writes, so a collector that re-encodes is caught.

/** The report with `checksum` added (last, where a test's key order puts it). */
export function signKongReport(content: Record<string, unknown>): Record<string, unknown> {
  return { ...content, checksum: computeChecksum(content) };
}

/** cjson's bytes of a value: no spaces, "/" written "\/". */
export function encodeLikeCjson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value).replace(/\//g, "\\/"), "utf8");
}
