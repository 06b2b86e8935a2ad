/** 1234567 → "1,234,567" (fixed format, whatever the runtime's locale). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole = "0", fraction] = Math.abs(n).toString().split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${n < 0 ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** A change with its sign: +3, -1, 0. */
export function formatSigned(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : formatCount(n);
}

/** Unix seconds → "2025-04-01 00:00 UTC". */
export function formatTimestamp(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return String(seconds);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Chronological order of `YYYY-MM` bucket labels, `UNKNOWN` (and anything else) last. */
export function compareBuckets(a: string, b: string): number {
  const pa = /^(\d{4})-(\d{1,2})$/.exec(a);
  const pb = /^(\d{4})-(\d{1,2})$/.exec(b);
  if (pa === null || pb === null)
    return pa === null && pb === null ? (a < b ? -1 : a > b ? 1 : 0) : pa === null ? 1 : -1;
  return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
}
