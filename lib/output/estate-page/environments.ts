import type { EstateDocument } from "../../estate/types.ts";
import { TIER_NAMES } from "../../report/plugin-tiers.ts";
import type { KongReport, PluginTiers } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumValues } from "../tier-sums.ts";
import { colourOf, type EnvironmentColours } from "./colours.ts";

/** One row per environment (failed ones in red with their error) and the totals row. */
export function renderEnvironments(estate: EstateDocument, colours: EnvironmentColours): Html {
  const rows = estate.environments.map((entry) => {
    const swatch =
      entry.status === "ok" &&
      html`<span class="swatch" style="background:${colourOf(colours, entry.environment)}"></span>`;
    const source = entry.source !== undefined && html`<span class="source">${entry.source}</span>`;
    const name = html`<th scope="row">${swatch}${entry.environment}${source}</th>`;
    if (entry.status === "failed") {
      return html`<tr class="failed">${name}<td class="text">failed</td><td class="text error" colspan="10">${entry.error}</td></tr>`;
    }
    if (!("report" in entry)) {
      return html`<tr class="counts-only">${name}<td class="text">ok</td><td class="text">Konnect</td><td>—</td><td>${formatCount(entry.services_count)}</td><td>${formatCount(entry.discrete_services)}</td><td class="text note" colspan="6">Entity counts only: Konnect serves no license report (no requests, routes, consumers or plugins). See “Konnect control planes”.</td></tr>`;
    }
    const report: KongReport = entry.report;
    return html`<tr>${name}<td class="text">ok</td><td class="text">${report.kong_version ?? "—"}</td>${countCells(report, entry.discrete_services)}<td class="text"><code title="${report.checksum}">${report.checksum.slice(0, 10)}…</code></td></tr>`;
  });
  const { totals } = estate;
  return html`<section aria-labelledby="environments">
<h2 id="environments">Environments</h2>
<div class="scroll">
<table class="numbers environments">
<thead><tr><th scope="col">Environment</th><th scope="col">Status</th><th scope="col">Kong</th><th scope="col">Work&shy;spaces</th><th scope="col">Services</th><th scope="col">Discrete</th><th scope="col">Routes</th><th scope="col">Con&shy;sumers</th><th scope="col">RBAC users</th><th scope="col">Plugins free · ent. · custom</th><th scope="col">Requests</th><th scope="col">Report checksum</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
<tr class="total"><th scope="row">Total</th><td class="text">${formatCount(totals.environments_reported)} of ${formatCount(totals.environments)}</td><td></td>${countCells(totals, totals.discrete_services)}<td class="text">discrete: across environments</td></tr>
</tbody>
</table>
</div>
<p class="note">— : the report leaves the key out (e.g. no <code>rbac_users</code> on open-source Kong). Each report is in <code>environments/&lt;name&gt;/response.json</code> and verifies on its own.</p>
</section>`;
}

/** The counts a report and the totals both have (the same keys). */
type Counts = Pick<
  KongReport,
  "workspaces_count" | "services_count" | "routes_count" | "consumers_count" | "rbac_users"
> & {
  readonly plugins_count: { readonly tiers: PluginTiers };
  readonly counters?: { readonly total_requests: number } | undefined;
};

/** The count cells of one row; a key the report leaves out is "—". */
function countCells(counts: Counts, discrete: number): Html {
  const { tiers } = counts.plugins_count;
  const cells = [
    counts.workspaces_count,
    counts.services_count,
    discrete,
    counts.routes_count,
    counts.consumers_count,
    counts.rbac_users,
  ].map((value) => html`<td>${value === undefined ? "—" : formatCount(value)}</td>`);
  const plugins = TIER_NAMES.map((tier) => formatCount(sumValues(tiers[tier]))).join(" · ");
  const requests = counts.counters?.total_requests;
  return html`${cells}<td>${plugins}</td><td>${requests === undefined ? "—" : formatCount(requests)}</td>`;
}
