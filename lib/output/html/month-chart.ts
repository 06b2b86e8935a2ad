import { formatCount } from "../../shared/format.ts";
import { fix, formatShort, niceTicks } from "./chart-numbers.ts";
import { type Html, html, joinHtml } from "./html.ts";

/** An SVG's size and the margins around its plot. */
export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** One part of a month's bar, stacked from the axis up. */
export interface BarSegment {
  readonly value: number;
  /** The tooltip of this part. */
  readonly title: string;
  /** Its fill; the page's accent colour when left out. */
  readonly colour?: string;
}

/** One month (`YYYY-MM`) and its bar: one segment, or a stack of them. */
export interface MonthBar {
  readonly month: string;
  readonly segments: readonly BarSegment[];
}

export interface MonthChart {
  readonly box: ChartBox;
  readonly maxBarWidth: number;
  /** The SVG's accessible name; its description lists each month's total. */
  readonly title: string;
  /** Oldest first. */
  readonly bars: readonly MonthBar[];
}

/** Above this many months the bars are too narrow for their totals: the axis alone reads them. */
const MAX_VALUE_LABELS = 12;
/** A part of a stack this thin would vanish: it is drawn at least this high. */
const MIN_SEGMENT_HEIGHT = 0.5;

/**
 * The monthly bar chart both summaries draw: round-number grid and axis, one bar per month (a
 * stack when it has several segments; a segment of 0 is not drawn), each month's total above its
 * bar while there are at most 12 months, and each month labelled "Apr" over "2024".
 */
export function renderMonthChart(chart: MonthChart): Html {
  const { box, bars } = chart;
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  const baseline = box.top + plotHeight;
  const totals = bars.map((bar) => bar.segments.reduce((sum, segment) => sum + segment.value, 0));
  const ticks = niceTicks(Math.max(0, ...totals));
  // niceTicks ends at 1 or more: the scale never divides by 0.
  const top = ticks[ticks.length - 1] ?? 1;
  const slot = plotWidth / bars.length;
  const barWidth = Math.max(2, Math.min(chart.maxBarWidth, slot * 0.7));
  const y = (value: number): number => baseline - (value / top) * plotHeight;
  const grid = ticks.map(
    (t) =>
      html`<g class="tick"><line x1="${fix(box.left)}" x2="${fix(box.width - box.right)}" y1="${fix(y(t))}" y2="${fix(y(t))}"/><text x="${fix(box.left - 8)}" y="${fix(y(t) + 4)}" text-anchor="end">${formatShort(t)}</text></g>`,
  );
  const columns = bars.map((bar, index) => {
    const cx = box.left + slot * index + slot / 2;
    const total = totals[index] ?? 0;
    let base = 0;
    const segments = bar.segments.map((segment) => {
      if (segment.value === 0) return undefined;
      const yTop = y(base + segment.value);
      const height = Math.max(y(base) - yTop, MIN_SEGMENT_HEIGHT);
      base += segment.value;
      return html`<rect x="${fix(cx - barWidth / 2)}" y="${fix(yTop)}" width="${fix(barWidth)}" height="${fix(height)}"${segment.colour === undefined ? null : html` fill="${segment.colour}"`}><title>${segment.title}</title></rect>`;
    });
    const value =
      bars.length <= MAX_VALUE_LABELS &&
      html`<text class="value" x="${fix(cx)}" y="${fix(y(total) - 6)}" text-anchor="middle">${formatShort(total)}</text>`;
    return html`<g class="bar">${segments}${value}${renderMonthLabel(bar.month, cx, baseline + 18)}</g>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${fix(box.width)} ${fix(box.height)}" width="100%" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">${chart.title}</title>
<desc id="chart-desc">${describe(bars, totals)}</desc>
${joinHtml(grid, "\n")}
<line class="axis" x1="${fix(box.left)}" x2="${fix(box.width - box.right)}" y1="${fix(baseline)}" y2="${fix(baseline)}"/>
${joinHtml(columns, "\n")}
</svg>`;
}

/** The data in words, for screen readers: "2024-04 120,000, 2024-05 180,500, …". */
function describe(bars: readonly MonthBar[], totals: readonly number[]): string {
  return bars.map((bar, index) => `${bar.month} ${formatCount(totals[index] ?? 0)}`).join(", ");
}

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2024-04" → "Apr" over "2024", so twelve labels fit side by side; anything else as it is. */
function renderMonthLabel(bucket: string, x: number, y: number): Html {
  const match = /^(\d{4})-(\d{1,2})$/.exec(bucket);
  const name = match === null ? undefined : MONTH_NAMES[Number(match[2]) - 1];
  if (match === null || name === undefined) {
    return html`<text class="month" x="${fix(x)}" y="${fix(y)}" text-anchor="middle">${bucket}</text>`;
  }
  return html`<text class="month" x="${fix(x)}" y="${fix(y)}" text-anchor="middle">${name}<tspan x="${fix(x)}" dy="15">${match[1]}</tspan></text>`;
}

const WINDOW_MONTHS = 12;

/** `YYYY-MM` labels of the 12-month window ending at `asOf`, oldest first ([] without a month). */
export function windowMonths(asOf: string | undefined): string[] {
  const match = /^(\d{4})-(\d{2})$/.exec(asOf ?? "");
  if (match === null) return [];
  const end = Number(match[1]) * 12 + Number(match[2]) - 1;
  return Array.from({ length: WINDOW_MONTHS }, (_, i) => {
    const index = end - (WINDOW_MONTHS - 1) + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
  });
}
