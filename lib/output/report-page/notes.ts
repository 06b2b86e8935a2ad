import type { ReportDetails } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** The report keys left out with their reasons, and the collector's warnings. */
export function renderNotes(details: ReportDetails): Html {
  const omitted =
    details.omitted.length === 0
      ? html`<p>No report key was omitted.</p>`
      : html`<table class="omitted"><caption>Report keys left out, and why</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Reason</th></tr></thead>
<tbody>
${joinHtml(
  details.omitted.map((o) => html`<tr><th scope="row"><code>${o.key}</code></th><td>${o.reason}</td></tr>`),
  "\n",
)}
</tbody></table>`;
  const warnings =
    details.warnings.length === 0
      ? html`<p>No warnings.</p>`
      : html`<ul class="warnings">
${joinHtml(
  details.warnings.map((w) => html`<li>${w}</li>`),
  "\n",
)}
</ul>`;
  return html`<section aria-labelledby="notes">
<h2 id="notes">Omitted keys and warnings</h2>
${omitted}
<h3>Warnings (${formatCount(details.warnings.length)})</h3>
${warnings}
</section>`;
}
