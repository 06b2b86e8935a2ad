import type { Bucket, KongReport } from "../../report/types.ts";
import { compareBuckets, formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { renderMonthChart, windowMonths } from "../html/month-chart.ts";

const UNKNOWN_BUCKET = "UNKNOWN";
const CHART = { width: 760, height: 280, left: 72, right: 16, top: 28, bottom: 56 } as const;

/** The monthly requests of Kong's counters: the window in words, the bars, and the same as a table. */
export function renderRequests(report: KongReport): Html {
  if (report.counters === undefined) {
    return html`<section aria-labelledby="requests">
<h2 id="requests">Monthly requests</h2>
<p>No request counters: this database has no <code>license_data</code> table.</p>
</section>`;
  }
  const { months, unknown } = splitBuckets(report.counters.buckets, report.collector?.as_of);
  const rows = [...months, ...(unknown === undefined ? [] : [unknown])].map(
    (b) => html`<tr><th scope="row">${b.bucket}</th><td>${formatCount(b.request_count)}</td></tr>`,
  );
  const unknownNote =
    unknown !== undefined &&
    html`<p class="note">Requests without a month (bucket <code>UNKNOWN</code>, rows written before Kong 2.7): <strong>${formatCount(unknown.request_count)}</strong>. Not drawn in the chart.</p>`;
  return html`<section aria-labelledby="requests">
<h2 id="requests">Monthly requests</h2>
${renderWindow(report, months)}
${months.length === 0 ? html`<p>No requests counted in the reporting window.</p>` : renderBarChart(months)}
${unknownNote}
<details><summary>Requests per month as a table</summary>
<table class="numbers"><thead><tr><th scope="col">Month</th><th scope="col">Requests</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
<tr class="total"><th scope="row">Total</th><td>${formatCount(report.counters.total_requests)}</td></tr>
</tbody></table>
</details>
</section>`;
}

/** The bar chart of months in chronological order, with its caption. */
function renderBarChart(months: readonly Bucket[]): Html {
  const svg = renderMonthChart({
    box: CHART,
    maxBarWidth: 48,
    title: "Requests per month, oldest first",
    bars: months.map((b) => ({
      month: b.bucket,
      segments: [{ value: b.request_count, title: `${b.bucket}: ${formatCount(b.request_count)} requests` }],
    })),
  });
  return html`<figure>
${svg}
<figcaption>Requests counted by Kong per calendar month (<code>license_data</code>), oldest first.</figcaption>
</figure>`;
}

/**
 * The months to draw: every month of the window (the reporting month and the 11 before it), empty
 * ones as 0, plus any month the counters hold outside it (future-dated rows Kong keeps).
 */
function splitBuckets(
  buckets: readonly Bucket[],
  asOf: string | undefined,
): { months: Bucket[]; unknown: Bucket | undefined } {
  const counted = new Map<string, number>();
  for (const b of buckets) {
    if (b.bucket !== UNKNOWN_BUCKET) counted.set(b.bucket, (counted.get(b.bucket) ?? 0) + b.request_count);
  }
  for (const month of windowMonths(asOf)) if (!counted.has(month)) counted.set(month, 0);
  const months = [...counted]
    .map(([bucket, request_count]) => ({ bucket, request_count }))
    .sort((a, b) => compareBuckets(a.bucket, b.bucket));
  const unknowns = buckets.filter((b) => b.bucket === UNKNOWN_BUCKET);
  const unknown =
    unknowns.length === 0
      ? undefined
      : { bucket: UNKNOWN_BUCKET, request_count: unknowns.reduce((sum, b) => sum + b.request_count, 0) };
  return { months, unknown };
}

/** What the counters cover, in words: the window, its time zone, and months outside it. */
function renderWindow(report: KongReport, months: readonly Bucket[]): Html | undefined {
  const window = windowMonths(report.collector?.as_of);
  const first = window[0];
  const last = window[window.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const later = months.filter((b) => compareBuckets(b.bucket, last) > 0).map((b) => b.bucket);
  const empty = months.filter((b) => window.includes(b.bucket) && b.request_count === 0).length;
  return html`<p class="window">Window: <strong>${first} to ${last}</strong>, the reporting month and the 11 before it (calendar months in ${report.collector?.time_zone ?? "UTC"}).${empty > 0 && ` ${formatCount(empty)} of its months have no requests counted and are drawn as 0.`}${later.length > 0 && ` Also drawn: ${later.join(", ")}, dated after the reporting month (Kong keeps such rows in the current month's report).`}</p>`;
}
