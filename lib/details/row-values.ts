import { compareBytes } from "../shared/compare-bytes.ts";

// The SQL returns counts as text (bigint does not fit a JS number safely) and sorts with COLLATE "C":
// these read the counts back and sort in JS exactly as the database did.

/** A count the database returned as text; refuses anything a JS number cannot hold exactly. */
export function toCount(text: string | null | undefined): number {
  const n = Number(text ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`count ${String(text)} is not a safe integer`);
  return n;
}

/** Sorts `list` in place in byte order and returns it. */
export function sortBytes(list: string[]): string[] {
  return list.sort(compareBytes);
}
