import { TIER_NAMES } from "../report/plugin-tiers.ts";
import type { PluginTiers } from "../report/types.ts";

/** The plugin rows of one tier (or any name → count table). */
export function sumValues(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** The plugin rows of every tier. */
export function sumTiers(tiers: PluginTiers): number {
  return TIER_NAMES.reduce((sum, tier) => sum + sumValues(tiers[tier]), 0);
}

/** The plugin columns of a CSV row: free, enterprise, custom and their total. */
export function tierCells(tiers: PluginTiers): number[] {
  const [free, enterprise, custom] = TIER_NAMES.map((tier) => sumValues(tiers[tier])) as [
    number,
    number,
    number,
  ];
  return [free, enterprise, custom, free + enterprise + custom];
}
