/**
 * Small SVG line charts written by hand (no dependencies): one panel per measure, each plotted
 * against database size, both axes logarithmic, one line per measured path. Panels stack
 * vertically in one SVG.
 */

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** One point per size; `undefined` when that size was not measured. */
  readonly values: ReadonlyArray<number | undefined>;
  readonly dashed?: boolean;
}

export interface ChartPanel {
  readonly title: string;
  /** Y tick text for a power of ten, e.g. 1000 → "1 s". */
  readonly formatY: (value: number) => string;
  readonly series: readonly ChartSeries[];
}

export interface ChartInput {
  readonly title: string;
  readonly subtitle?: string;
  /** X positions (e.g. plugin rows) and their tick labels. */
  readonly x: ReadonlyArray<{ readonly value: number; readonly label: string }>;
  readonly xLabel: string;
  readonly panels: readonly ChartPanel[];
}

const WIDTH = 960;
const HEADER = 56;
const PANEL_HEIGHT = 330;
const MARGIN = { left: 80, right: 330, top: 34, bottom: 56 } as const;

export function renderChart(input: ChartInput): string {
  const height = HEADER + input.panels.length * PANEL_HEIGHT;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    // A title makes the chart readable by screen readers (and is what Biome's a11y rule asks for).
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`,
  ];
  if (input.subtitle !== undefined) {
    parts.push(`<text x="${MARGIN.left}" y="42" fill="#555">${escapeXml(input.subtitle)}</text>`);
  }
  input.panels.forEach((panel, index) => {
    parts.push(...renderPanel(input, panel, HEADER + index * PANEL_HEIGHT));
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function renderPanel(input: ChartInput, panel: ChartPanel, top: number): string[] {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const plotTop = top + MARGIN.top;
  const ys = panel.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && v > 0));
  const xs = input.x.map((point) => point.value);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys, 10)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 10)));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const xOf = (value: number): number =>
    xMax === xMin
      ? MARGIN.left + plotW / 2
      : MARGIN.left +
        ((Math.log10(value) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotW;
  const yOf = (value: number): number =>
    plotTop +
    plotH -
    ((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;

  const parts = [
    `<text x="${MARGIN.left}" y="${top + 22}" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`,
  ];
  // horizontal grid: one line per decade
  for (let exponent = Math.log10(yMin); exponent <= Math.log10(yMax); exponent += 1) {
    const y = yOf(10 ** exponent).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${Number(y) + 4}" text-anchor="end">${escapeXml(panel.formatY(10 ** exponent))}</text>`,
    );
  }
  for (const point of input.x) {
    const x = xOf(point.value).toFixed(1);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${plotTop}" y2="${plotTop + plotH}" stroke="#eee"/>`,
      `<text x="${x}" y="${plotTop + plotH + 18}" text-anchor="middle">${escapeXml(point.label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${plotTop}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${plotTop + plotH + 40}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`,
  );
  panel.series.forEach((series, index) => {
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : "";
    const points = series.values.flatMap((value, i) =>
      value === undefined || value <= 0 ? [] : [[xOf(xs[i] ?? 1), yOf(value)] as const],
    );
    if (points.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${series.color}" stroke-width="2"${dash} points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")}"/>`,
      );
    }
    for (const [x, y] of points) {
      parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${series.color}"/>`);
    }
    const legendY = plotTop + 10 + index * 22;
    const legendX = MARGIN.left + plotW + 16;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(series.label)}</text>`,
    );
  });
  return parts;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);
}
