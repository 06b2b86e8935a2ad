import type { SincePrevious } from "../../report/types.ts";
import { formatCount, formatSigned } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { capitalize } from "./tiers.ts";

const COUNT_LABELS: ReadonlyMap<string, string> = new Map([
  ["workspaces_count", "Workspaces"],
  ["services_count", "Services"],
  ["routes_count", "Routes"],
  ["consumers_count", "Consumers"],
  ["rbac_users", "RBAC users"],
  ["connected_dp_count", "Connected data planes"],
  ["unique_route_lambdas", "Unique route Lambdas"],
  ["unique_route_kafkas", "Unique route Kafka brokers"],
  ["discrete_services", "Discrete services"],
]);

interface Change {
  readonly old: number | null;
  readonly new: number | null;
  readonly change: number | null;
}

/** What changed since the previous report of this cluster: counts, tiers, plugins and workspaces. */
export function renderSincePrevious(since: SincePrevious | undefined): Html | undefined {
  if (since === undefined) return undefined;
  const { changes } = since;
  const signed = (n: number | null) => (n === null ? "—" : n === 0 ? "0" : formatSigned(n));
  const cell = (n: number | null) => (n === null ? "—" : formatCount(n));
  const row = (label: string, c: Change) =>
    html`<tr${c.change !== null && c.change !== 0 && html` class="changed"`}><th scope="row">${label}</th><td>${cell(c.old)}</td><td>${cell(c.new)}</td><td>${signed(c.change)}</td></tr>`;
  const total = changes.requests.find((r) => r.name === "total_requests");
  const rows = [
    ...changes.counts.map((c) => row(COUNT_LABELS.get(c.name) ?? c.name, c)),
    ...changes.tiers.map((t) => row(`${capitalize(t.name)} plugins`, t)),
    ...(total === undefined ? [] : [row("Requests in the window", total)]),
  ];
  const { added, removed, changed } = changes.plugins;
  const pluginLines = [
    ...added.map((p) => html`<li>new <code>${p.name}</code> (${p.tier}): ${formatCount(p.count)}</li>`),
    ...removed.map(
      (p) => html`<li>removed <code>${p.name}</code> (${p.tier}): was ${formatCount(p.count)}</li>`,
    ),
    ...changed.map(
      (p) =>
        html`<li><code>${p.name}</code> (${p.new_tier}): ${formatCount(p.old)} → ${formatCount(p.new)} (${formatSigned(p.change)})</li>`,
    ),
  ];
  const ws = changes.workspaces;
  const names = (list: ReadonlyArray<{ readonly name: string }>) =>
    list.length > 0 && ` (${list.map((w) => w.name).join(", ")})`;
  const workspaceNote =
    ws !== undefined &&
    html`<p>Workspaces: ${formatCount(ws.added.length)} added${names(ws.added)}, ${formatCount(ws.removed.length)} removed${names(ws.removed)}, ${formatCount(new Set(ws.changed.map((c) => c.workspace)).size)} changed.</p>`;
  return html`<section aria-labelledby="since">
<h2 id="since">Since the last report</h2>
<p>Compared with the report generated ${since.generated_at}${since.as_of !== null && html` (reporting month ${since.as_of})`}, checksum <code>${since.checksum}</code>, verified: <code>${since.key}</code>.</p>
<table class="numbers"><thead><tr><th scope="col"></th><th scope="col">Then</th><th scope="col">Now</th><th scope="col">Change</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table>
${pluginLines.length === 0 ? html`<p>No plugin was added, removed or changed.</p>` : html`<ul class="plugin-changes">\n${joinHtml(pluginLines, "\n")}\n</ul>`}
${workspaceNote}
${since.details_verified === false && html`<p class="note">The earlier report's workspaces and discrete services come from details that no checksum or manifest covers (a JSON report's, or a tar written before manifests): they may have been edited.</p>`}
</section>`;
}
