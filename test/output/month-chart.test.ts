import { describe, expect, it } from "vitest";
import { type MonthBar, renderMonthChart, windowMonths } from "#lib/output/html/month-chart.ts";

const BOX = { width: 760, height: 280, left: 72, right: 16, top: 28, bottom: 56 } as const;

function chart(bars: readonly MonthBar[]): string {
  return renderMonthChart({ box: BOX, maxBarWidth: 48, title: "Requests <per> month", bars }).toString();
}

const months = (n: number, value: (i: number) => number): MonthBar[] =>
  windowMonths("2025-12")
    .concat(["2026-01", "2026-02"])
    .slice(0, n)
    .map((month, i) => ({ month, segments: [{ value: value(i), title: `${month}: ${value(i)}` }] }));

describe("renderMonthChart", () => {
  it("labels every bar with its total, 0 included, while there are at most 12 months", () => {
    const twelve = chart(months(12, (i) => (i === 3 ? 0 : 1000 * (i + 1))));
    expect(twelve.match(/<text class="value"/g)).toHaveLength(12);
    expect(twelve).toContain('text-anchor="middle">0</text>');
    expect(twelve).toContain('text-anchor="middle">12k</text>');
    const thirteen = chart(months(13, (i) => 1000 * (i + 1)));
    expect(thirteen.match(/<g class="bar">/g)).toHaveLength(13);
    expect(thirteen).not.toContain('<text class="value"');
  });

  it("stacks segments from the axis up, skips a segment of 0 and draws a thin one 0.5 high", () => {
    const svg = chart([
      {
        month: "2025-01",
        segments: [
          { value: 1_000_000, title: "prod", colour: "#0072b2" },
          { value: 0, title: "stage", colour: "#e69f00" },
          { value: 1, title: "dev", colour: "#009e73" },
        ],
      },
    ]);
    const rects = [...svg.matchAll(/<rect ([^>]*)><title>([^<]*)<\/title><\/rect>/g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(rects.map(([title]) => title)).toEqual(["prod", "dev"]);
    expect(rects[1]?.[1]).toContain('height="0.5" fill="#009e73"');
    expect(svg).toContain('<desc id="chart-desc">2025-01 1,000,001</desc>');
  });

  it("fills a segment without a colour from the stylesheet (no fill attribute), and escapes its texts", () => {
    const svg = chart([{ month: "<x>", segments: [{ value: 5, title: "<b>five</b>" }] }]);
    expect(svg).toMatch(
      /<rect x="[\d.]+" y="[\d.]+" width="48" height="[\d.]+"><title>&lt;b&gt;five&lt;\/b&gt;<\/title>/,
    );
    expect(svg).toContain('text-anchor="middle">&lt;x&gt;</text>');
    expect(svg).toContain('<title id="chart-title">Requests &lt;per&gt; month</title>');
  });

  it("writes a month as its name over its year, under the middle of its slot", () => {
    // One month: its slot is the whole plot, 72 + 672 / 2 = 408; the axis is at 28 + 196, the label 18 below.
    expect(chart(months(1, () => 1))).toContain(
      '<text class="month" x="408" y="242" text-anchor="middle">Jan<tspan x="408" dy="15">2025</tspan></text>',
    );
  });
});

describe("windowMonths", () => {
  it("is the reporting month and the 11 before it, across a year end; none without a month", () => {
    expect(windowMonths("2025-03")).toEqual([
      "2024-04",
      "2024-05",
      "2024-06",
      "2024-07",
      "2024-08",
      "2024-09",
      "2024-10",
      "2024-11",
      "2024-12",
      "2025-01",
      "2025-02",
      "2025-03",
    ]);
    expect(windowMonths(undefined)).toEqual([]);
    expect(windowMonths("March")).toEqual([]);
  });
});
