import { TIER_NAMES } from "../../report/plugin-tiers.ts";
import type { KongReport } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumValues } from "../tier-sums.ts";

/** One table per license tier, each plugin with its row count, largest first. */
export function renderTiers(report: KongReport): Html {
  const { tiers, unique_route_lambdas: lambdas, unique_route_kafkas: kafkas } = report.plugins_count;
  const tables = TIER_NAMES.map((tier) => {
    const entries = sortedPlugins(tiers[tier]);
    const body =
      entries.length === 0
        ? html`<tr><td colspan="2" class="empty">none</td></tr>`
        : joinHtml(
            entries.map(([name, n]) => html`<tr><th scope="row">${name}</th><td>${formatCount(n)}</td></tr>`),
            "\n",
          );
    return html`<table class="numbers tier tier-${tier}">
<caption>${capitalize(tier)} · ${formatCount(sumValues(tiers[tier]))} plugin(s)</caption>
<thead><tr><th scope="col">Plugin</th><th scope="col">Count</th></tr></thead>
<tbody>
${body}
</tbody></table>`;
  });
  return html`<section aria-labelledby="tiers">
<h2 id="tiers">Plugins by license tier</h2>
<p>Every plugin row counts (enabled or not, any scope). Unique serverless targets on service-less routes: AWS Lambda functions ${formatCount(lambdas)}, Kafka brokers ${formatCount(kafkas)}.</p>
<div class="tiers">
${joinHtml(tables, "\n")}
</div>
</section>`;
}

/** "free" → "Free". */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sortedPlugins(counts: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.entries(counts).sort(([an, a], [bn, b]) => b - a || (an < bn ? -1 : an > bn ? 1 : 0));
}
