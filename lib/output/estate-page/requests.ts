import type { EstateDocument, EstateEnvironment } from "../../estate/types.ts";
import { compareBuckets, formatCount } from "../../shared/format.ts";
import { type Html, html } from "../html/html.ts";
import { renderMonthChart, windowMonths } from "../html/month-chart.ts";
import { colourOf, type EnvironmentColours } from "./colours.ts";

type Reported = Extract<EstateEnvironment, { report: unknown }>;

const CHART = { width: 860, height: 300, left: 72, right: 16, top: 24, bottom: 56 } as const;

/** Monthly requests stacked by environment, with a legend; requests without a month apart. */
export function renderRequests(estate: EstateDocument, colours: EnvironmentColours): Html {
  const reported = estate.environments.filter(
    (entry): entry is Reported => entry.status === "ok" && "report" in entry,
  );
  const withCounters = reported.filter((entry) => entry.report.counters !== undefined);
  if (withCounters.length === 0) {
    return html`<section aria-labelledby="requests">
<h2 id="requests">Monthly requests</h2>
<p>No environment reported request counters.</p>
</section>`;
  }
  const counts = (entry: Reported, month: string): number =>
    entry.report.counters?.buckets
      .filter((bucket) => bucket.bucket === month)
      .reduce((sum, bucket) => sum + bucket.request_count, 0) ?? 0;
  const svg = renderMonthChart({
    box: CHART,
    maxBarWidth: 44,
    title: "Requests per month, stacked by environment, oldest first",
    bars: chartMonths(estate.as_of, reported).map((month) => ({
      month,
      segments: withCounters.map((entry) => {
        const count = counts(entry, month);
        return {
          value: count,
          title: `${entry.environment}, ${month}: ${formatCount(count)} requests`,
          colour: colourOf(colours, entry.environment),
        };
      }),
    })),
  });
  const legend = withCounters.map(
    (entry) =>
      html`<li><span class="swatch" style="background:${colourOf(colours, entry.environment)}"></span>${entry.environment}</li>`,
  );
  const unknown = withCounters.reduce((sum, entry) => sum + counts(entry, "UNKNOWN"), 0);
  return html`<section aria-labelledby="requests">
<h2 id="requests">Monthly requests by environment</h2>
<figure>
${svg}
<figcaption><ul class="legend">${legend}</ul>Requests counted by Kong per calendar month (<code>license_data</code>), the 12 months up to ${estate.as_of}.</figcaption>
</figure>
${unknown > 0 && html`<p class="note">Requests without a month (bucket <code>UNKNOWN</code>, rows written before Kong 2.7): <strong>${formatCount(unknown)}</strong>. Not drawn.</p>`}
</section>`;
}

/** The 12 months up to as_of, plus any later month a report holds (future-dated rows). */
function chartMonths(asOf: string, reported: readonly Reported[]): string[] {
  const months = new Set(windowMonths(asOf));
  for (const entry of reported) {
    for (const bucket of entry.report.counters?.buckets ?? []) {
      if (/^\d{4}-\d{2}$/.test(bucket.bucket)) months.add(bucket.bucket);
    }
  }
  return [...months].sort(compareBuckets);
}
