import type { EstateDocument } from "../../estate/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** Rows of the cross-environment discrete-services table; estate.json holds them all. */
const MAX_DISCRETE_ROWS = 1000;

/** The discrete services counted once across environments, those in several marked. */
export function renderDiscrete(estate: EstateDocument): Html {
  const list = estate.discrete_services;
  const shared = list.filter((item) => item.environments.length > 1).length;
  const rows = list
    .slice(0, MAX_DISCRETE_ROWS)
    .map(
      (item) =>
        html`<tr${item.environments.length > 1 && html` class="shared"`}><td class="text"><code>${item.key}</code></td><td>${formatCount(item.environments.length)}</td><td class="text">${item.environments.join(", ")}</td></tr>`,
    );
  const rules =
    estate.discrete_rules.length === 0
      ? html`<p>No find/replace rules: keys are compared as read.</p>`
      : html`<p>Rules applied in order to every key: ${joinHtml(
          estate.discrete_rules.map(
            (rule) => html`<code>${rule.find}</code> → <code>${rule.replace_with}</code>`,
          ),
          "; ",
        )}.</p>`;
  return html`<section aria-labelledby="discrete">
<h2 id="discrete">Discrete services across environments</h2>
<p><strong>${formatCount(list.length)}</strong> distinct service(s); ${formatCount(shared)} of them in more than one environment.</p>
${rules}
${
  list.length > 0 &&
  html`<details><summary>The services${list.length > MAX_DISCRETE_ROWS && ` (first ${formatCount(MAX_DISCRETE_ROWS)}; estate.json lists all)`}</summary>
<table class="numbers"><thead><tr><th scope="col">Service (protocol://host:port/path)</th><th scope="col">Environments</th><th scope="col">Which</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table>
</details>`
}
</section>`;
}
