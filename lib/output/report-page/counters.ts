import type { EntityCounterComparison } from "../../report/types.ts";
import { formatCount, formatSigned } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** Kong's workspace_entity_counters next to live counts, per type and per drifted workspace. */
export function renderCounters(counters: EntityCounterComparison | undefined): Html | undefined {
  if (counters === undefined) return undefined;
  const rows = counters.rows.map((row) => {
    const drifted = counters.drifted.includes(row.entity_type);
    const drift = row.drift === null ? (drifted ? "no counter rows" : "—") : formatSigned(row.drift);
    return html`<tr${drifted && html` class="drift"`}><th scope="row">${row.entity_type}</th><td>${row.counter_table === null ? "—" : formatCount(row.counter_table)}</td><td>${formatCount(row.live)}</td><td>${drift}</td></tr>`;
  });
  const perWorkspace = counters.workspaces ?? [];
  const total = counters.workspaces_drifted ?? perWorkspace.length;
  const workspaceTable =
    perWorkspace.length > 0 &&
    html`<table class="numbers"><caption>Workspaces whose counter rows differ${total > perWorkspace.length && ` (first ${formatCount(perWorkspace.length)} of ${formatCount(total)})`}</caption>
<thead><tr><th scope="col">Workspace</th><th scope="col">Entity type</th><th scope="col">Counter table</th><th scope="col">Live count</th></tr></thead>
<tbody>
${joinHtml(
  perWorkspace.map(
    (d) =>
      html`<tr class="drift"><th scope="row">${d.workspace ?? d.workspace_id}</th><td class="text">${d.entity_type}</td><td>${d.counter_table === null ? "no row" : formatCount(d.counter_table)}</td><td>${formatCount(d.live)}</td></tr>`,
  ),
  "\n",
)}
</tbody></table>`;
  const notCompared =
    counters.not_compared !== undefined &&
    counters.not_compared.length > 0 &&
    html`<p class="note">Also in the counter table, not counted live here: ${joinHtml(
      counters.not_compared.map((n) => html`<code>${n.entity_type}</code> ${formatCount(n.counter_table)}`),
      ", ",
    )}.</p>`;
  const verdict =
    counters.drifted.length === 0
      ? html`<p class="ok">The counter table matches the live counts.</p>`
      : html`<p class="warn" role="alert">Counter drift in ${joinHtml(
          counters.drifted.map((t) => html`<strong>${t}</strong>`),
          ", ",
        )}. Kong ≤ 3.8 reports these counters; run <code>kong migrations reinitialize-workspace-entity-counters</code> to rebuild them.</p>`;
  return html`<section aria-labelledby="counters">
<h2 id="counters">Counter table check</h2>
${verdict}
<table class="numbers"><caption><code>workspace_entity_counters</code> sums next to live <code>COUNT(*)</code> (drift = counter − live)</caption>
<thead><tr><th scope="col">Entity type</th><th scope="col">Counter table</th><th scope="col">Live count</th><th scope="col">Drift</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table>
${workspaceTable}
${notCompared}
</section>`;
}
