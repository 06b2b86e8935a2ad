import type { WorkspaceChanges } from "../report/types.ts";
import { isRecord } from "../shared/is-record.ts";
import { numberChange } from "./changes.ts";
import { asNumber } from "./json-values.ts";

/** Workspaces added, removed and changed between two reports' details; undefined unless both have them. */
export function diffWorkspaces(
  older: Readonly<Record<string, unknown>> | undefined,
  newer: Readonly<Record<string, unknown>> | undefined,
): WorkspaceChanges | undefined {
  const a = readWorkspaces(older);
  const b = readWorkspaces(newer);
  if (a === undefined || b === undefined) return undefined;
  const summary = (ws: WorkspaceRow) => ({
    name: ws.name,
    services: ws.services,
    routes: ws.routes,
    consumers: ws.consumers,
  });
  const changes: WorkspaceChanges = {
    added: [...b.values()].filter((ws) => !a.has(ws.name)).map(summary),
    removed: [...a.values()].filter((ws) => !b.has(ws.name)).map(summary),
    changed: [],
  };
  for (const before of a.values()) {
    const after = b.get(before.name);
    if (after === undefined) continue;
    for (const field of ["services", "discrete_services", "routes", "consumers", "plugins"] as const) {
      const change = numberChange(field, before[field], after[field]);
      if (change.old !== change.new) changes.changed.push({ workspace: before.name, ...change });
    }
  }
  return changes;
}

interface WorkspaceRow {
  name: string;
  services: number;
  routes: number;
  consumers: number;
  plugins: number;
  discrete_services?: number;
}

function readWorkspaces(
  details: Readonly<Record<string, unknown>> | undefined,
): Map<string, WorkspaceRow> | undefined {
  const list = details?.workspaces;
  if (!Array.isArray(list)) return undefined;
  const rows = new Map<string, WorkspaceRow>();
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.name !== "string") continue;
    const plugins = isRecord(entry.plugins)
      ? Object.values(entry.plugins).reduce<number>(
          (sum, names) =>
            sum +
            (isRecord(names)
              ? Object.values(names).reduce<number>((s, n) => s + (typeof n === "number" ? n : 0), 0)
              : 0),
          0,
        )
      : 0;
    rows.set(entry.name, {
      name: entry.name,
      services: asNumber(entry.services) ?? 0,
      routes: asNumber(entry.routes) ?? 0,
      consumers: asNumber(entry.consumers) ?? 0,
      plugins,
      ...(typeof entry.discrete_services === "number" ? { discrete_services: entry.discrete_services } : {}),
    });
  }
  return rows;
}
