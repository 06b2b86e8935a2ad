import type { EstateCountsEnvironment, EstateDocument } from "../../estate/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/**
 * Konnect environments: entity counts only, said plainly, and every control plane with its type, its
 * services, its data-plane nodes and whether it is added (a group is not: its services are its members').
 */
export function renderKonnect(estate: EstateDocument): Html | undefined {
  const konnect = estate.environments.filter(
    (entry): entry is EstateCountsEnvironment => entry.status === "ok" && "konnect" in entry,
  );
  if (konnect.length === 0) return undefined;
  const rows = konnect.flatMap((entry) =>
    entry.konnect.control_planes.map(
      (plane) =>
        html`<tr${!plane.counted && html` class="not-counted"`}><th scope="row">${entry.environment}</th><td class="text">${plane.name}</td><td class="text"><code title="${plane.id}">${plane.type || "—"}</code>${plane.kind !== "control plane" && html` <span class="source">${plane.kind}</span>`}</td><td>${formatCount(plane.gateway_services)}</td><td>${formatCount(plane.discrete_services)}</td><td>${plane.data_plane_nodes === null ? "—" : formatCount(plane.data_plane_nodes)}</td><td class="text">${plane.counted ? "yes" : html`<strong>no</strong>`}${plane.note !== undefined && html`: ${plane.note}`}</td></tr>`,
    ),
  );
  const warnings = konnect.flatMap((entry) => entry.konnect.warnings.map((text) => ({ entry, text })));
  return html`<section aria-labelledby="konnect">
<h2 id="konnect">Konnect control planes</h2>
<p><strong>Entity counts only.</strong> Konnect provisions its licenses itself and serves no license report: for ${joinHtml(
    konnect.map((entry) => html`<strong>${entry.environment}</strong>`),
    ", ",
  )} the estate counts gateway services, discrete services and data-plane nodes from Konnect's API, and nothing else (no requests, routes, consumers or plugins).</p>
${
  warnings.length > 0 &&
  html`<ul class="warnings">${joinHtml(
    warnings.map(({ entry, text }) => html`<li><strong>${entry.environment}</strong>: ${text}</li>`),
    "\n",
  )}</ul>`
}
<div class="scroll">
<table class="numbers">
<thead><tr><th scope="col">Environment</th><th scope="col">Control plane</th><th scope="col">Type</th><th scope="col">Services</th><th scope="col">Discrete</th><th scope="col">Data-plane nodes</th><th scope="col">Added to the totals</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody>
</table>
</div>
<p class="note">A control plane group combines its members' configuration: its services are listed but not added again (KLCR adds them, counting them twice). KIC control planes mirror a Kubernetes cluster's configuration and are counted.</p>
</section>`;
}
