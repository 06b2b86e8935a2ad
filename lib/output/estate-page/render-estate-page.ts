import type { EstateDocument, SourceKind } from "../../estate/types.ts";
import { formatCount } from "../../shared/format.ts";
import { html } from "../html/html.ts";
import { renderPage } from "../html/page-shell.ts";
import { assignColours } from "./colours.ts";
import { renderDiscrete } from "./discrete.ts";
import { renderEnvironments } from "./environments.ts";
import { renderFailures } from "./failures.ts";
import { renderIntegrity } from "./integrity.ts";
import { renderKonnect } from "./konnect.ts";
import { renderPlugins } from "./plugins.ts";
import { renderRequests } from "./requests.ts";
import { renderTotals } from "./totals.ts";
import { renderWarnings } from "./warnings.ts";

/**
 * The estate's summary.html: totals, failures in red, monthly requests stacked by environment
 * (inline SVG), the per-environment table, plugins by tier and the cross-environment discrete
 * services. No script, no external resource (a CSP forbids both); every value is escaped by the
 * html tag, counts included (a stored report may hold anything where a number belongs).
 */
export function renderEstateSummaryHtml(estate: EstateDocument): string {
  const colours = assignColours(estate);
  return renderPage({
    title: `Kong License Estate — ${estate.as_of}`,
    generator: `${estate.collector.name} ${estate.collector.version}`,
    heading: "Kong License Estate",
    header: html`<p class="subtitle">${formatCount(estate.totals.environments)} environment(s) · reporting month ${estate.as_of} (${estate.time_zone}) · generated ${estate.generated_at} · ${describeSources(estate)}</p>`,
    broad: true,
    sections: [
      renderTotals(estate),
      renderFailures(estate.environments),
      renderWarnings(estate),
      renderRequests(estate, colours),
      renderEnvironments(estate, colours),
      renderKonnect(estate),
      renderPlugins(estate.totals.plugins_count.tiers),
      renderDiscrete(estate),
      renderIntegrity(estate),
    ],
  });
}

/** Where the environments were read, as the subtitle says it. */
function describeSources(estate: EstateDocument): string {
  const sources = new Set(estate.environments.map((entry) => entry.source));
  const said: string[] = [];
  const databases: ReadonlyArray<SourceKind | undefined> = ["database_url", "data_api", "demo", undefined];
  if (databases.some((source) => sources.has(source))) said.push("each Kong database");
  if (sources.has("admin_api")) said.push("Kong's Admin API");
  if (sources.has("konnect")) said.push("Konnect (entity counts only)");
  return `read from ${said.join(", ")}`;
}
