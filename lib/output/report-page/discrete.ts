import type { ReportDetails } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** The discrete-services count, the rewrite rules behind it and, when listed, the keys. */
export function renderDiscrete(details: ReportDetails): Html | undefined {
  const discrete = details.discrete_services;
  if (discrete === undefined) return undefined;
  const rules =
    discrete.rules.length === 0
      ? html`<p>No rewrite rules: keys are compared as read.</p>`
      : html`<table><caption>Rewrite rules, applied in order to every key</caption>
<thead><tr><th scope="col">#</th><th scope="col">Find (regular expression)</th><th scope="col">Replace with</th></tr></thead>
<tbody>
${joinHtml(
  discrete.rules.map(
    (rule, i) =>
      html`<tr><td>${String(i + 1)}</td><td><code>${rule.find}</code></td><td><code>${rule.replace_with}</code></td></tr>`,
  ),
  "\n",
)}
</tbody></table>`;
  const list =
    discrete.list !== undefined &&
    html`<details><summary>The ${formatCount(discrete.list.length)} distinct service key(s)</summary>
<ul class="keys">
${joinHtml(
  discrete.list.map((key) => html`<li><code>${key}</code></li>`),
  "\n",
)}
</ul></details>`;
  return html`<section aria-labelledby="discrete">
<h2 id="discrete">Discrete services: ${formatCount(discrete.count)}</h2>
<p>Distinct <code>protocol://host:port/path</code> over all services of all workspaces, as Kong's customer-success tooling (KLCR) counts them; a service without a path shows the literal <code>null</code>.</p>
${rules}
${list}
</section>`;
}
