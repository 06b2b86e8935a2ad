import type { EstateDocument } from "../../estate/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** What the estate warns about, e.g. one database listed under two names, naming the environments. */
export function renderWarnings(estate: EstateDocument): Html | undefined {
  const warnings = estate.warnings ?? [];
  if (warnings.length === 0) return undefined;
  return html`<section class="failed" aria-labelledby="warnings">
<h2 id="warnings">${formatCount(warnings.length)} warning(s)</h2>
<ul>
${joinHtml(
  warnings.map((warning) => html`<li>${warning.message}</li>`),
  "\n",
)}
</ul>
<p class="note">How the estate knows: the PostgreSQL system identifier with the database and schema, the Data API cluster and database, Kong's node id (Admin API), or the Konnect control plane id.</p>
</section>`;
}
