import { createHash } from "node:crypto";
import { compareBytes } from "../shared/compare-bytes.ts";

/** A JSON value as decoded by `JSON.parse`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The digests a report checksum may use: Kong computes SHA-1 (verified up to 3.9.0.0); its newest
 * docs name SHA-256 over the same serialisation (unconfirmed), so both are accepted.
 */
export const CHECKSUM_ALGORITHMS = ["sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Hex length of each digest: how a claimed checksum tells which algorithm made it. */
export const CHECKSUM_HEX_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = { sha1: 40, sha256: 64 };

/**
 * Kong's report checksum: lowercase hex SHA-1 (or SHA-256) of the Lua `inspect` 3.1.3
 * serialisation of the report without its top-level `checksum` key. JSON arrays are Lua sequences,
 * objects are tables, and JSON null is cjson's null userdata (printed `<userdata 1>`).
 */
export function computeChecksum(
  report: Readonly<Record<string, unknown>>,
  algorithm: ChecksumAlgorithm = "sha1",
): string {
  const { checksum: _ignored, ...content } = report;
  return createHash(algorithm)
    .update(serializeInspect(content as JsonValue), "utf8")
    .digest("hex");
}

/** Serialises a JSON value exactly as inspect.lua 3.1.3 prints the equivalent Lua table. */
export function serializeInspect(value: JsonValue): string {
  const out: string[] = [];
  putValue(value, 0, out);
  return out.join("");
}

const INDENT = "  ";
const IDENTIFIER = /^[_A-Za-z][_A-Za-z0-9]*$/;
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  127: "\\127",
};

function putValue(value: JsonValue, level: number, out: string[]): void {
  if (value === null) {
    // cjson.null is one lightuserdata value, so it always receives id 1.
    out.push("<userdata 1>");
  } else if (typeof value === "string") {
    out.push(quoteString(escapeString(value)));
  } else if (typeof value === "number") {
    out.push(formatLuaNumber(value));
  } else if (typeof value === "boolean") {
    out.push(value ? "true" : "false");
  } else if (Array.isArray(value)) {
    putTable(value, [], level, out);
  } else {
    const keys = Object.keys(value).sort(compareBytes);
    putTable(
      [],
      keys.map((key) => [key, value[key] as JsonValue]),
      level,
      out,
    );
  }
}

function putTable(
  sequence: readonly JsonValue[],
  entries: ReadonlyArray<readonly [string, JsonValue]>,
  level: number,
  out: string[],
): void {
  const inner = level + 1;
  let count = 0;
  out.push("{");
  for (const element of sequence) {
    if (count > 0) out.push(",");
    out.push(" ");
    putValue(element, inner, out);
    count += 1;
  }
  for (const [key, element] of entries) {
    if (count > 0) out.push(",");
    out.push("\n", INDENT.repeat(inner), formatKey(key), " = ");
    putValue(element, inner, out);
    count += 1;
  }
  if (entries.length > 0) {
    out.push("\n", INDENT.repeat(level));
  } else if (sequence.length > 0) {
    out.push(" ");
  }
  out.push("}");
}

function formatKey(key: string): string {
  return IDENTIFIER.test(key) ? key : `[${quoteString(escapeString(key))}]`;
}

/** inspect's escape: backslashes, then control bytes before a digit as \ddd, then short forms. */
function escapeString(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (ch === "\\") {
      out += "\\\\";
    } else if (code < 32 || code === 127) {
      const short = SHORT_ESCAPES[code];
      const nextIsDigit = /[0-9]/.test(text[i + 1] ?? "");
      if (short !== undefined) out += short;
      else if (nextIsDigit) out += `\\${String(code).padStart(3, "0")}`;
      else out += `\\${code}`;
    } else {
      out += ch;
    }
  }
  return out;
}

function quoteString(escaped: string): string {
  if (escaped.includes('"') && !escaped.includes("'")) return `'${escaped}'`;
  return `"${escaped.replaceAll('"', '\\"')}"`;
}

/** LuaJIT's tostring(number): C printf "%.14g". */
export function formatLuaNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mantissa, exponentText] = n.toExponential(13).split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 14) {
    const sign = exponent < 0 ? "-" : "+";
    return `${trimZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trimZeros(n.toFixed(13 - exponent));
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
