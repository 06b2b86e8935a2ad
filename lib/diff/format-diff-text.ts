import type { NumberChange, ReportDiff, ReportSide } from "../report/types.ts";
import { formatCount, formatSigned } from "../shared/format.ts";

/** The diff as text for a terminal: aligned columns, signed changes, sections only when useful. */
export function formatDiffText(diff: ReportDiff): string {
  const lines: string[] = [];
  const side = (label: string, s: ReportSide): string => {
    const parts = [
      s.generated ?? "no timestamp",
      s.as_of === null ? undefined : `as of ${s.as_of}`,
      s.kong_version === null ? undefined : `Kong ${s.kong_version}`,
      s.checksum === null
        ? "no checksum"
        : `checksum ${s.checksum}${s.verified === null ? " (not verified)" : s.verified ? " (verified)" : " (DOES NOT VERIFY)"}`,
      s.details_verified === null
        ? undefined
        : s.details_verified
          ? "details covered by its manifest"
          : "details not covered by any checksum",
    ].filter((p) => p !== undefined);
    return `  ${label} ${s.source}: ${parts.join(" · ")}`;
  };
  lines.push("Report changes", side("old", diff.old), side("new", diff.new), "");

  // discrete_services is counted in details.json, which no checksum covers unless a manifest does.
  const detailsUnverified = diff.old.details_verified === false || diff.new.details_verified === false;
  const counts = diff.counts.map((row) =>
    detailsUnverified && row.name === "discrete_services"
      ? { ...row, name: "discrete_services (unverified details)" }
      : row,
  );
  const width = Math.max(24, ...[...counts, ...diff.tiers, ...diff.requests].map((r) => r.name.length + 2));
  lines.push(...table("Counts", counts, width), "");
  lines.push(...table("Plugins by tier", diff.tiers, width));
  const { added, removed, changed } = diff.plugins;
  if (added.length + removed.length + changed.length === 0) {
    lines.push("  No plugin was added, removed or changed.");
  }
  for (const p of added) lines.push(`  + new plugin ${p.name} (${p.tier}): ${formatCount(p.count)}`);
  for (const p of removed)
    lines.push(`  - removed plugin ${p.name} (${p.tier}): was ${formatCount(p.count)}`);
  for (const p of changed) {
    const tier = p.old_tier === p.new_tier ? p.new_tier : `${p.old_tier} → ${p.new_tier}`;
    lines.push(
      `  ~ ${p.name} (${tier}): ${formatCount(p.old)} → ${formatCount(p.new)} (${formatSigned(p.change)})`,
    );
  }
  lines.push("");
  if (diff.requests.length === 0) {
    lines.push("Requests per month: neither report has request counters.", "");
  } else {
    lines.push(...table("Requests per month", diff.requests, width));
    lines.push("");
  }
  if (diff.workspaces !== undefined) {
    const ws = diff.workspaces;
    lines.push(detailsUnverified ? "Workspaces (from details no checksum covers)" : "Workspaces");
    if (ws.added.length + ws.removed.length + ws.changed.length === 0) lines.push("  No workspace changed.");
    for (const w of ws.added) {
      lines.push(
        `  + ${w.name}: ${formatCount(w.services)} services, ${formatCount(w.routes)} routes, ${formatCount(w.consumers)} consumers`,
      );
    }
    for (const w of ws.removed) {
      lines.push(
        `  - ${w.name}: had ${formatCount(w.services)} services, ${formatCount(w.routes)} routes, ${formatCount(w.consumers)} consumers`,
      );
    }
    for (const c of ws.changed)
      lines.push(
        `  ~ ${c.workspace}: ${c.name} ${cell(c.old)} → ${cell(c.new)}${c.change === null ? "" : ` (${formatSigned(c.change)})`}`,
      );
    lines.push("");
  }
  if (diff.facts.length > 0) {
    lines.push("Other changes");
    for (const f of diff.facts) lines.push(`  ${f.name}: ${f.old ?? "(absent)"} → ${f.new ?? "(absent)"}`);
    lines.push("");
  }
  return `${lines
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd()}\n`;
}

function table(title: string, rows: readonly NumberChange[], width: number): string[] {
  const header = `${title.padEnd(width)}  ${"old".padStart(13)}  ${"new".padStart(13)}  ${"change".padStart(11)}`;
  return [
    header,
    ...rows.map(
      (r) =>
        `${`  ${r.name}`.padEnd(width)}  ${cell(r.old).padStart(13)}  ${cell(r.new).padStart(13)}  ${(r.change === null ? "" : formatSigned(r.change)).padStart(11)}`,
    ),
  ];
}

function cell(value: number | null): string {
  return value === null ? "—" : formatCount(value);
}
