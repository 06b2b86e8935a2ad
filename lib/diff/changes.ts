import type { NumberChange, TextChange } from "../report/types.ts";
import { asNumber } from "./json-values.ts";

/** Old and new as numbers (null where absent or not a number) and the change when both exist. */
export function numberChange(name: string, old: unknown, now: unknown): NumberChange {
  const a = asNumber(old);
  const b = asNumber(now);
  return { name, old: a, new: b, change: a === null || b === null ? null : b - a };
}

/** Old and new as text, null where absent. */
export function textChange(name: string, old: unknown, now: unknown): TextChange {
  return {
    name,
    old: old === undefined || old === null ? null : String(old),
    new: now === undefined || now === null ? null : String(now),
  };
}
