import { TIER_NAMES } from "../../report/plugin-tiers.ts";
import type { ReportDetails, WorkspaceDetail } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumValues } from "../tier-sums.ts";

/** Workspaces listed on the page; beyond this the largest are shown and report.csv has them all. */
export const WORKSPACE_ROWS = 50;

/** The per-workspace counts: every workspace by name, or past the limit the largest first. */
export function renderWorkspaces(details: ReportDetails): Html | undefined {
  if (details.workspaces === undefined) return undefined;
  const all = details.workspaces;
  const truncated = all.length > WORKSPACE_ROWS;
  // All of them by name (ws-2 before ws-10); past the limit, the largest, largest first.
  const workspaces = truncated
    ? [...all]
        .sort((a, b) => workspaceSize(b) - workspaceSize(a) || compareNatural(a.name, b.name))
        .slice(0, WORKSPACE_ROWS)
    : [...all].sort((a, b) => compareNatural(a.name, b.name));
  const hasDiscrete = workspaces.some((ws) => ws.discrete_services !== undefined);
  const head = [
    "Workspace",
    "Services",
    ...(hasDiscrete ? ["Discrete services"] : []),
    "Routes",
    "Consumers",
    "Free plugins",
    "Enterprise plugins",
    "Custom plugins",
  ];
  const row = (ws: WorkspaceDetail): Html => {
    const cells = [
      ws.services,
      ...(hasDiscrete ? [ws.discrete_services ?? 0] : []),
      ws.routes,
      ws.consumers,
      ...TIER_NAMES.map((tier) => sumValues(ws.plugins[tier])),
    ];
    const label = ws.implicit === true ? `${ws.name} (implicit: no workspaces in this schema)` : ws.name;
    const title = ws.id !== "" && html` title="${ws.id}"`;
    return html`<tr><th scope="row"${title}>${label}</th>${cells.map((n) => html`<td>${formatCount(n)}</td>`)}</tr>`;
  };
  return html`<section aria-labelledby="workspaces">
<h2 id="workspaces">Workspaces (${formatCount(all.length)})</h2>
${truncated && html`<p class="note">The ${formatCount(WORKSPACE_ROWS)} largest of ${formatCount(all.length)} workspaces (services + routes + consumers + plugins), largest first. Every workspace is in <code>report.csv</code> and <code>details.json</code>.</p>`}
<div class="scroll">
<table class="numbers wide">
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>
${joinHtml(workspaces.map(row), "\n")}
</tbody></table>
</div>
<p class="note">Consumers are proxy consumers (type 0), as Kong's report counts them.</p>
</section>`;
}

/** Natural order: digit runs compare as numbers (ws-2 before ws-10), then plain code-unit order. */
function compareNatural(a: string, b: string): number {
  const split = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i += 1) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const byValue = BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0;
      if (byValue !== 0) return byValue;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function workspaceSize(ws: WorkspaceDetail): number {
  return (
    ws.services +
    ws.routes +
    ws.consumers +
    TIER_NAMES.reduce((sum, tier) => sum + sumValues(ws.plugins[tier]), 0)
  );
}
