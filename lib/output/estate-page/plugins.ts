import { TIER_NAMES } from "../../report/plugin-tiers.ts";
import type { PluginTiers } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumTiers, sumValues } from "../tier-sums.ts";

/** Plugins of all environments summed by tier and name, in a table folded away. */
export function renderPlugins(tiers: PluginTiers): Html {
  const rows = TIER_NAMES.flatMap((tier) =>
    Object.entries(tiers[tier])
      .sort(([an, a], [bn, b]) => b - a || (an < bn ? -1 : an > bn ? 1 : 0))
      .map(
        ([name, count]) =>
          html`<tr><td class="text">${tier}</td><th scope="row">${name}</th><td>${formatCount(count)}</td></tr>`,
      ),
  );
  if (rows.length === 0) {
    return html`<section aria-labelledby="plugins"><h2 id="plugins">Plugins by tier</h2><p>No plugins in any environment.</p></section>`;
  }
  return html`<section aria-labelledby="plugins">
<h2 id="plugins">Plugins by tier (summed by name)</h2>
<details><summary>${formatCount(sumTiers(tiers))} plugin rows: ${TIER_NAMES.map((tier) => `${tier} ${formatCount(sumValues(tiers[tier]))}`).join(", ")}</summary>
<table class="numbers"><thead><tr><th scope="col">Tier</th><th scope="col">Plugin</th><th scope="col">Rows</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table>
</details>
</section>`;
}
