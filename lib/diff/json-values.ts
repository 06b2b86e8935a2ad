import { isRecord } from "../shared/is-record.ts";

// Reports are read as untyped JSON: any era of Kong's report, or a file that is not one at all.

/** The value at `path` in nested objects, or undefined where any step is missing. */
export function dig(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A finite number, or null for anything else (absent, text, NaN). */
export function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
