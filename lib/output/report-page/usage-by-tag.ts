import type { KongReport, ReportDetails } from "../../report/types.ts";
import type { TagUsage } from "../../report/usage-types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumTiers } from "../tier-sums.ts";

/** Tag values listed on the page; usage-by-tag.csv and details.json have them all. */
const TAG_ROWS = 100;

/** Usage by team, from Kong's own tags: one row per value of the prefix, untagged entities last. */
export function renderUsageByTag(report: KongReport, details: ReportDetails): Html | undefined {
  const byTag = details.usage_by_tag;
  if (byTag === undefined) return undefined;
  const rows = byTag.rows.slice(0, TAG_ROWS);
  const sum = (key: "services" | "routes" | "plugins") => byTag.rows.reduce((n, row) => n + row[key], 0);
  const totals = {
    services: report.services_count,
    routes: report.routes_count,
    plugins: sumTiers(report.plugins_count.tiers),
  };
  const overlapping = (["services", "routes", "plugins"] as const).filter((key) => sum(key) > totals[key]);
  const row = (entry: TagUsage): Html =>
    html`<tr><th scope="row">${entry.tag === null ? html`<em>no <code>${byTag.prefix}</code> tag</em>` : entry.tag === "" ? html`<em>(empty value)</em>` : entry.tag}</th>${[entry.services, entry.discrete_services, entry.routes, entry.plugins].map((n) => html`<td>${formatCount(n)}</td>`)}</tr>`;
  return html`<section aria-labelledby="usage-by-tag">
<h2 id="usage-by-tag">Usage by team: tags <code>${byTag.prefix}…</code></h2>
${
  byTag.rows.length === 0
    ? html`<p>No services, routes or plugins.</p>`
    : html`<div class="scroll">
<table class="numbers">
<thead><tr><th scope="col">Team</th><th scope="col">Services</th><th scope="col">Discrete services</th><th scope="col">Routes</th><th scope="col">Plugins</th></tr></thead>
<tbody>
${joinHtml(rows.map(row), "\n")}
</tbody></table>
</div>`
}
${byTag.rows.length > TAG_ROWS && html`<p class="note">The first ${formatCount(TAG_ROWS)} of ${formatCount(byTag.rows.length)} values; <code>usage-by-tag.csv</code> and <code>details.json</code> have them all.</p>`}
<p class="note">From Kong's own <code>tags</code>: an entity with several <code>${byTag.prefix}</code> tags counts under each${overlapping.length === 0 ? "" : ` (so the ${overlapping.map((key) => `${key} add up to ${formatCount(sum(key))} for ${formatCount(totals[key])}`).join(", ")})`}; entities without one are the last row. Discrete services are counted within each team.</p>
${byTag.without_tags_column.length > 0 && html`<p class="note">${byTag.without_tags_column.join(", ")}: no tags column in this schema, every one counted as untagged.</p>`}
</section>`;
}
