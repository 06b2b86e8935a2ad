import type { EstateDocument } from "../../estate/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumTiers } from "../tier-sums.ts";

interface Card {
  readonly label: string;
  readonly value: string;
  /** Drawn in red: not every environment reported. */
  readonly bad?: boolean;
}

/** The estate's totals as cards, over the environments that reported. */
export function renderTotals(estate: EstateDocument): Html {
  const { totals } = estate;
  const cards: Card[] = [
    {
      label: "Environments reported",
      value: `${formatCount(totals.environments_reported)} / ${formatCount(totals.environments)}`,
      bad: totals.environments_reported < totals.environments,
    },
    { label: "Workspaces", value: formatCount(totals.workspaces_count) },
    { label: "Services", value: formatCount(totals.services_count) },
    { label: "Discrete services (across environments)", value: formatCount(totals.discrete_services) },
    { label: "Routes", value: formatCount(totals.routes_count) },
    { label: "Consumers", value: formatCount(totals.consumers_count) },
  ];
  if (totals.rbac_users !== undefined)
    cards.push({ label: "RBAC users", value: formatCount(totals.rbac_users) });
  cards.push({ label: "Plugins", value: formatCount(sumTiers(totals.plugins_count.tiers)) });
  if (totals.counters !== undefined) {
    cards.push({ label: "Requests in the window", value: formatCount(totals.counters.total_requests) });
  }
  return html`<section aria-labelledby="totals">
<h2 id="totals">Totals</h2>
<ul class="cards">
${joinHtml(
  cards.map(
    (card) =>
      html`<li${card.bad === true && html` class="bad"`}><span class="value">${card.value}</span><span class="label">${card.label}</span></li>`,
  ),
  "\n",
)}
</ul>
<p class="note">Sums over the environments that reported; a key a report leaves out (e.g. <code>rbac_users</code> on open-source Kong) adds nothing.${totals.environments_entity_counts_only !== undefined && ` ${formatCount(totals.environments_entity_counts_only)} of them (Konnect) are entity counts only: they add their gateway services and discrete services, and nothing else.`} Discrete services are distinct <code>protocol://host:port/path</code> keys across all environments${estate.discrete_rules.length > 0 && `, after ${formatCount(estate.discrete_rules.length)} find/replace rule(s)`}.</p>
</section>`;
}
