import type { PluginTiers, TierName } from "../report/types.ts";

/** Kong's license tiers, in the order the pages and CSVs show them. */
export const TIERS: readonly TierName[] = ["free", "enterprise", "custom"];

/** The plugin rows of one tier (or any name → count table). */
export function sumValues(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** The plugin rows of every tier. */
export function sumTiers(tiers: PluginTiers): number {
  return TIERS.reduce((sum, tier) => sum + sumValues(tiers[tier]), 0);
}

/** The plugin columns of a CSV row: free, enterprise, custom and their total. */
export function tierCells(tiers: PluginTiers): number[] {
  const [free, enterprise, custom] = TIERS.map((tier) => sumValues(tiers[tier])) as [number, number, number];
  return [free, enterprise, custom, free + enterprise + custom];
}
