import type { EnvironmentOutcome, EstateWarning } from "./types.ts";

/**
 * The environments that are one database (or Kong node, or Konnect control plane) listed under
 * several names: each group once, naming its environments and how that is known. The totals still
 * count every environment: the warning says they hold the same data more than once.
 */
export function findSameDatabases(outcomes: readonly EnvironmentOutcome[]): EstateWarning[] {
  const byKey = new Map<string, { says: string; environments: string[] }>();
  for (const outcome of outcomes) {
    if (outcome.status !== "ok" || outcome.identity === undefined) continue;
    for (const { key, says } of outcome.identity.keys) {
      const group = byKey.get(key);
      if (group === undefined) byKey.set(key, { says, environments: [outcome.environment] });
      else if (!group.environments.includes(outcome.environment))
        group.environments.push(outcome.environment);
    }
  }
  // One warning per set of environments, with every reason that set shares.
  const bySet = new Map<string, { environments: string[]; reasons: string[] }>();
  for (const { says, environments } of byKey.values()) {
    if (environments.length < 2) continue;
    const id = JSON.stringify(environments);
    const found = bySet.get(id);
    if (found === undefined) bySet.set(id, { environments, reasons: [says] });
    else found.reasons.push(says);
  }
  return [...bySet.values()].map(({ environments, reasons }) => ({
    kind: "same-database",
    environments,
    message: `${environments.map((name) => `"${name}"`).join(", ")} are the same Kong data under ${environments.length} names (${reasons.join("; ")}): every total counts it ${environments.length} times. Keep one entry for it.`,
  }));
}
