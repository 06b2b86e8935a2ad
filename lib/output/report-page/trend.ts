import type { ReportTrend, TrendPoint } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { fix, formatShort } from "../html/chart-numbers.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

const TREND_SERIES: ReadonlyArray<[keyof TrendPoint, string]> = [
  ["services", "Services"],
  ["routes", "Routes"],
  ["consumers", "Consumers"],
  ["enterprise_plugins", "Enterprise plugins"],
  ["requests_in_window", "Requests in the window"],
];

/** Small line charts of this cluster's verified stored reports, and the ones left out. */
export function renderTrend(trend: ReportTrend | undefined): Html | undefined {
  if (trend === undefined) return undefined;
  const leftOut =
    trend.left_out.length > 0 &&
    html`<p class="warn">Left out, because they did not verify or could not be read:</p>
<ul class="warnings">
${joinHtml(
  trend.left_out.map((l) => html`<li><code>${l.key}</code>: ${l.reason}</li>`),
  "\n",
)}
</ul>`;
  if (trend.reports.length < 2) {
    return html`<section aria-labelledby="trend">
<h2 id="trend">Trend</h2>
<p>No earlier report of this cluster was found that verifies: the trend starts with the next report.</p>
${leftOut}
</section>`;
  }
  const charts = TREND_SERIES.map(([field, label]) => renderSmallMultiple(trend.reports, field, label));
  return html`<section aria-labelledby="trend">
<h2 id="trend">Trend over the last ${formatCount(trend.reports.length)} reports of this cluster</h2>
<div class="trend">
${joinHtml(charts, "\n")}
</div>
<p class="note">Oldest first; the last point is this report. Only stored reports whose checksum verifies are drawn.</p>
${leftOut}
</section>`;
}

const SMALL = { width: 260, height: 156, left: 14, right: 14, top: 46, bottom: 30 } as const;

/** One small line chart of a trend series; points labelled with their value, x-axis with the reporting months. */
function renderSmallMultiple(points: readonly TrendPoint[], field: keyof TrendPoint, label: string): Html {
  const values = points.map((p) => {
    const v = p[field];
    return typeof v === "number" ? v : null;
  });
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(...known, 0);
  const min = Math.min(...known, max);
  const plotWidth = SMALL.width - SMALL.left - SMALL.right;
  const plotHeight = SMALL.height - SMALL.top - SMALL.bottom;
  const x = (i: number) =>
    SMALL.left + (points.length === 1 ? plotWidth / 2 : (plotWidth * i) / (points.length - 1));
  const y = (v: number) =>
    SMALL.top + plotHeight - (max === min ? plotHeight / 2 : ((v - min) / (max - min)) * plotHeight);
  const segments = values
    .map((v, i) => (v === null ? undefined : `${fix(x(i))},${fix(y(v))}`))
    .filter((p): p is string => p !== undefined);
  const anchor = (i: number) =>
    i === 0 && points.length > 1 ? "start" : i === points.length - 1 && points.length > 1 ? "end" : "middle";
  const dots = values.map((v, i) => {
    if (v === null) return undefined;
    const when = points[i]?.as_of ?? points[i]?.generated_at ?? "";
    return html`<g class="point"><title>${`${label}, ${when}: ${formatCount(v)}`}</title><circle cx="${fix(x(i))}" cy="${fix(y(v))}" r="3.5"/><text class="value" x="${fix(x(i))}" y="${fix(y(v) - 8)}" text-anchor="${anchor(i)}">${formatShort(v)}</text></g>`;
  });
  const first = points[0]?.as_of ?? "";
  const last = points.at(-1)?.as_of ?? "";
  const description = points
    .map(
      (p, i) =>
        `${p.as_of ?? p.generated_at} ${values[i] === null ? "n/a" : formatCount(values[i] as number)}`,
    )
    .join(", ");
  const id = `trend-${String(field).replaceAll("_", "-")}`;
  const axisY = fix(SMALL.top + plotHeight + 6);
  return html`<figure class="small">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${fix(SMALL.width)} ${fix(SMALL.height)}" width="${fix(SMALL.width)}" height="${fix(SMALL.height)}" role="img" aria-labelledby="${id}-title ${id}-desc">
<title id="${id}-title">${label}</title>
<desc id="${id}-desc">${description}</desc>
<text class="small-title" x="${fix(SMALL.left)}" y="16">${label}</text>
<line class="axis" x1="${fix(SMALL.left)}" x2="${fix(SMALL.width - SMALL.right)}" y1="${axisY}" y2="${axisY}"/>
${segments.length > 1 && html`<polyline class="trend-line" points="${segments.join(" ")}"/>`}
${dots}
<text class="month" x="${fix(SMALL.left)}" y="${fix(SMALL.height - 8)}">${first}</text>
<text class="month" x="${fix(SMALL.width - SMALL.right)}" y="${fix(SMALL.height - 8)}" text-anchor="end">${last}</text>
</svg>
</figure>`;
}
