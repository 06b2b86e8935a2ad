import type { EstateDocument } from "../../estate/types.ts";
import { type Html, html } from "../html/html.ts";

/** The estate's digest, how to check it, and what it does not cover. */
export function renderIntegrity(estate: EstateDocument): Html {
  return html`<section aria-labelledby="integrity">
<h2 id="integrity">Integrity</h2>
<dl class="facts"><dt>Estate digest (SHA-256)</dt><dd><code>${estate.digest}</code></dd></dl>
<p class="note">Check it with <code>kong-license-report verify estate.json</code> (the digest, and every environment's report checksum). This page and <code>estate.csv</code> are not covered by it.</p>
</section>`;
}
