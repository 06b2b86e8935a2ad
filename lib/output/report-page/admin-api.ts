import type { AdminApiDetails } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** The counts Kong's /workspaces/<ws>/meta may serve, in the order the table shows them. */
const META_COUNTS = ["routes", "consumers", "plugins"] as const;

/**
 * What Kong's Admin API said beside its report: the node, then per workspace its services (every page
 * listed), their discrete keys, and Kong's own entity counters where it serves them.
 */
export function renderAdminApi(api: AdminApiDetails | undefined): Html | undefined {
  if (api === undefined) return undefined;
  const facts: Array<[string, string]> = [
    ["Admin API", api.url],
    ["Kong version (GET /)", api.kong_version ?? "—"],
    ["Node id", api.node_id ?? "—"],
    ["Database", api.database === "off" ? "off (DB-less)" : (api.database ?? "—")],
    ["Role", api.role ?? "—"],
    ["Status (GET /status)", api.status],
    ["Dev Portal", api.dev_portal === null ? "—" : api.dev_portal ? "enabled" : "disabled"],
  ];
  const rows = api.workspaces.map((ws) => {
    const counts = META_COUNTS.map(
      (key) => html`<td>${ws.counts?.[key] === undefined ? "—" : formatCount(ws.counts[key])}</td>`,
    );
    return html`<tr><th scope="row"${ws.id !== undefined && html` title="${ws.id}"`}>${ws.name}</th><td>${formatCount(ws.services)}</td><td>${formatCount(ws.discrete_services)}</td>${counts}</tr>`;
  });
  return html`<section aria-labelledby="admin-api">
<h2 id="admin-api">Kong's Admin API</h2>
<dl class="facts">
${joinHtml(
  facts.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`),
  "\n",
)}
</dl>
${
  api.workspaces.length > 0 &&
  html`<div class="scroll">
<table class="numbers wide">
<thead><tr><th scope="col">Workspace</th><th scope="col">Services</th><th scope="col">Discrete services</th><th scope="col">Routes</th><th scope="col">Consumers</th><th scope="col">Plugins</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table>
</div>
<p class="note">Services and discrete services: every page of <code>GET /&lt;workspace&gt;/services</code>. Routes, consumers and plugins: Kong's entity counters (<code>GET /workspaces/&lt;workspace&gt;/meta</code>), — where Kong does not serve them.</p>`
}
</section>`;
}
