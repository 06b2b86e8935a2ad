import type { ReportDetails } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** Model-hours of Kong's AI Gateway counter (license_llm_data); not part of Kong's report. */
export function renderAiGateway(details: ReportDetails): Html | undefined {
  const ai = details.ai_gateway;
  if (ai === undefined) return undefined;
  const table = (caption: string, head: string, rows: Array<[string, number]>) =>
    html`<table><caption>${caption}</caption>
<thead><tr><th scope="col">${head}</th><th scope="col">Model-hours</th></tr></thead>
<tbody>
${joinHtml(
  rows.map(([label, hours]) => html`<tr><th scope="row">${label}</th><td>${formatCount(hours)}</td></tr>`),
  "\n",
)}
</tbody></table>`;
  return html`<section aria-labelledby="ai-gateway">
<h2 id="ai-gateway">AI Gateway usage: ${formatCount(ai.model_hours)} model-hours</h2>
<p>From Kong's AI Gateway counter (<code>license_llm_data</code>, Kong 3.10+): one model-hour is one model used in one hour, in the reporting window. Kong's report does not show these numbers; they are not covered by its checksum.</p>
${
  ai.model_hours === 0
    ? html`<p>No AI Gateway use recorded in the window.</p>`
    : html`${table(
        "Per month",
        "Month",
        ai.by_month.map((entry) => [entry.month, entry.model_hours]),
      )}
${table(
  "Per model",
  "Model",
  ai.by_model.map((entry) => [entry.model, entry.model_hours]),
)}`
}
</section>`;
}
