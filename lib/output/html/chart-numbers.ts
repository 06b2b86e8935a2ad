/** Numbers as the charts write them: SVG coordinates, axis labels and the grid's round steps. */

/** An SVG coordinate to one decimal: 12.34 → "12.3", 12 → "12". */
export function fix(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Axis labels: 1500 → "1.5k", 2000000 → "2M"; what is not a finite number as it is (as formatCount). */
export function formatShort(n: number): string {
  // A stored report read back may hold anything where a count belongs: shown, never thrown on.
  if (typeof n !== "number" || !Number.isFinite(n)) return String(n);
  const units: Array<[number, string]> = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(n) >= size) return `${Number((n / size).toFixed(1))}${suffix}`;
  }
  return String(Number(n.toFixed(2)));
}

/** 0 plus up to 5 round steps covering `max` (1, 2, 2.5 or 5 × 10^k). */
export function niceTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ??
    10 * magnitude) as number;
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) {
    ticks.push(Math.round(t * 1000) / 1000);
    if (t >= max) break;
  }
  return ticks;
}
