import { addCount, createNameRecord } from "../shared/name-record.ts";
import { compareMinor, type KongMinor } from "./kong-version.ts";
import tierLists from "./plugin-tiers.json" with { type: "json" };
import type { PluginTiers, TierName } from "./types.ts";

/** Kong's license tiers, in the order the report, the pages and the CSVs list them. */
export const TIER_NAMES: readonly TierName[] = ["free", "enterprise", "custom"];

interface TierList {
  readonly free: readonly string[];
  readonly enterprise: readonly string[];
}

const versions = (tierLists as { versions: Record<string, TierList> }).versions;
const available = Object.keys(versions)
  .map((key) => {
    const [major, minor] = key.split(".").map(Number) as [number, number];
    return { key, version: { major, minor } };
  })
  .sort((a, b) => compareMinor(a.version, b.version));

/** A classifier for one Kong minor, and which list it uses. */
export interface TierClassifier {
  /** The tier list used, e.g. "3.9" (the newest public list for newer Kong versions). */
  readonly list: string;
  /** The same, as a version. */
  readonly version: KongMinor;
  tierOf(name: string): TierName;
}

/**
 * Picks Kong's plugin lists for a minor: the exact list when known, the oldest (3.5) for older
 * versions (they report no tiers), the newest for newer ones or when the version is unknown.
 */
export function selectTierClassifier(minor: KongMinor | undefined): TierClassifier {
  const oldest = available[0];
  const newest = available[available.length - 1];
  if (oldest === undefined || newest === undefined) throw new Error("plugin-tiers.json holds no lists");
  let chosen = newest;
  if (minor !== undefined) {
    chosen =
      available.find((entry) => compareMinor(entry.version, minor) === 0) ??
      (compareMinor(minor, oldest.version) < 0 ? oldest : newest);
  }
  const list = versions[chosen.key] as TierList;
  const free = new Set(list.free);
  const enterprise = new Set(list.enterprise);
  return {
    list: chosen.key,
    version: chosen.version,
    tierOf: (name) => (free.has(name) ? "free" : enterprise.has(name) ? "enterprise" : "custom"),
  };
}

/** Buckets per-name plugin counts into Kong's three tiers. */
export function classifyPlugins(
  counts: ReadonlyArray<readonly [string, number]>,
  classifier: TierClassifier,
): PluginTiers {
  const tiers: Record<TierName, Map<string, number>> = {
    free: new Map(),
    enterprise: new Map(),
    custom: new Map(),
  };
  for (const [name, count] of counts) addCount(tiers[classifier.tierOf(name)], name, count);
  return {
    free: createNameRecord(tiers.free),
    enterprise: createNameRecord(tiers.enterprise),
    custom: createNameRecord(tiers.custom),
  };
}
