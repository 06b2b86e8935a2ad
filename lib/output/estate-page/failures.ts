import type { EstateEnvironment } from "../../estate/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** The environments that could not be read, in red, each with its error. */
export function renderFailures(environments: readonly EstateEnvironment[]): Html | undefined {
  const failed = environments.flatMap((entry) => (entry.status === "failed" ? [entry] : []));
  if (failed.length === 0) return undefined;
  return html`<section class="failed" aria-labelledby="failures">
<h2 id="failures">${formatCount(failed.length)} environment(s) could not be read</h2>
<ul>
${joinHtml(
  failed.map((entry) => html`<li><strong>${entry.environment}</strong>: ${entry.error}</li>`),
  "\n",
)}
</ul>
<p class="note">They are listed in the estate with their error and count in no total.</p>
</section>`;
}
