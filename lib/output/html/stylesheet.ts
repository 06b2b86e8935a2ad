import { html } from "./html.ts";

/*
 * The one stylesheet of both summary pages (the report's and the estate's), inline because a CSP
 * forbids any other. Where the two pages' former copies disagreed:
 * - `--bad`/`--badbg` (estate) were `--warn`/`--warnbg` (report) under other names: one pair.
 * - `main` width: 1100 px, the estate's 12-column table 1200 px, said once (`main.broad`).
 * - `.cards .label`: muted, as on the report; on a red card it keeps the card's red (estate).
 * - `svg text`: the page's own font family (the report had its own list, system-ui first too).
 * - `code`: one monospace list (the union), 13 px, long keys may wrap (the estate's did not).
 * - the chart's axis: ink (the estate drew it muted); its grid lines: one rule.
 * - `tr.total`: bold also in the first column (the report's rule lost to `.numbers tbody th`).
 * Rules one page used and the other now shares: the estate's chart figure has no browser margin
 * and its caption is muted 13 px as on the report; the estate's names in number tables keep their
 * weight only in the environments table (its plugin names are regular, as the report's).
 */
export const STYLESHEET = html`
:root { color-scheme: light; --ink: #1d2433; --muted: #5b6477; --line: #d9dee8; --accent: #1f6feb; --warn: #b42318; --warnbg: #fff1f0; --okbg: #ecfdf3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; color: var(--ink); background: #f6f7fb; }
header { background: #0b1f3a; color: #fff; padding: 20px 32px; }
header h1 { margin: 0; font-size: 24px; }
.subtitle { margin: 4px 0 0; color: #c9d4e6; }
.cluster { margin: 4px 0 0; font-size: 17px; }
main { max-width: 1100px; margin: 0 auto; padding: 8px 32px 40px; }
main.broad { max-width: 1200px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
section.failed { border-color: var(--warn); background: var(--warnbg); color: var(--warn); }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
.cards { list-style: none; padding: 0; margin: 0 0 12px; display: flex; flex-wrap: wrap; gap: 10px; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; display: flex; flex-direction: column; }
.cards li.bad { border-color: var(--warn); color: var(--warn); background: var(--warnbg); }
.cards .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.cards .label { color: var(--muted); font-size: 13px; }
.cards li.bad .label { color: inherit; opacity: .8; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 8px 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
.numbers tbody th { font-weight: normal; overflow-wrap: anywhere; }
.environments tbody th { font-weight: bold; }
.numbers td.text { text-align: left; }
tr.total th, tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
.tiers { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.tier { min-width: 220px; }
.empty { color: var(--muted); text-align: left !important; }
.scroll { overflow-x: auto; }
table.wide { width: 100%; }
tr.drift th, tr.drift td { background: var(--warnbg); }
tr.failed th, tr.failed td { color: var(--warn); background: var(--warnbg); }
tr.shared td { background: #f3f8ff; }
tr.not-counted th, tr.not-counted td { color: var(--muted); }
.environments td.note { white-space: normal; }
tr.changed th, tr.changed td { font-weight: 600; }
td.error { white-space: normal; }
.environments th, .environments td { padding: 4px 8px; }
.environments td { white-space: nowrap; }
.environments td.error { white-space: normal; }
.source { display: block; color: var(--muted); font-weight: 400; font-size: 12px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.legend { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.warn { color: var(--warn); background: var(--warnbg); border-left: 4px solid var(--warn); padding: 8px 12px; }
.ok { background: var(--okbg); border-left: 4px solid #12b76a; padding: 8px 12px; }
.note { color: var(--muted); font-size: 13px; }
section.failed .note { color: var(--warn); }
.demo { margin: 16px 0 0; padding: 10px 14px; background: #fffaeb; border: 1px solid #f5c451; border-left: 6px solid #b54708; border-radius: 6px; color: #7a2e0e; font-weight: 600; }
.window { margin: 0 0 8px; }
.warnings li { margin: 2px 0; }
.omitted th code { white-space: nowrap; overflow-wrap: normal; }
.keys { columns: 2; font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; }
svg text { font-size: 12px; fill: var(--muted); }
svg .value { fill: var(--ink); font-weight: 600; }
svg .tick line { stroke: var(--line); }
svg .axis { stroke: var(--ink); }
svg .bar rect:not([fill]) { fill: var(--accent); }
.trend { display: flex; flex-wrap: wrap; gap: 12px; }
figure.small { border: 1px solid var(--line); border-radius: 6px; padding: 4px; }
svg .small-title { font-weight: 600; fill: var(--ink); font-size: 13px; }
svg .trend-line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .point circle { fill: var(--accent); }
@media print { body { background: #fff; } section { break-inside: avoid; } details { display: block; } }
`;
