import type { EstateDocument, EstateEnvironment } from "../estate/types.ts";
import type { LicenseReport, PluginTiers, TierName } from "../report/types.ts";
import { compareBuckets, formatCount } from "./format.ts";
import { escapeHtml } from "./html/html.ts";
import { renderMonthChart, windowMonths } from "./html/month-chart.ts";
import { STYLESHEET } from "./html/stylesheet.ts";

type Reported = Extract<EstateEnvironment, { status: "ok" }>;

const TIERS: readonly TierName[] = ["free", "enterprise", "custom"];
/** Colour-blind-safe palette (Okabe–Ito first), cycled past ten environments. */
const COLOURS = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#f0e442",
  "#6b4c9a",
  "#8c8c8c",
  "#1b9e77",
];
/** Rows of the cross-environment discrete-services table; estate.json holds them all. */
const MAX_DISCRETE_ROWS = 1000;
const CHART = { width: 860, height: 300, left: 72, right: 16, top: 24, bottom: 56 } as const;

/**
 * The estate's page: totals, failures in red, monthly requests stacked by environment (inline
 * SVG), the per-environment table, plugins by tier and the cross-environment discrete services.
 * No script, no external resource (a CSP forbids both); every value is escaped.
 */
export function renderEstateSummaryHtml(estate: EstateDocument): string {
  const reported = estate.environments.filter((entry): entry is Reported => entry.status === "ok");
  const failed = estate.environments.filter((entry) => entry.status === "failed");
  const colourOf = new Map(reported.map((entry, index) => [entry.environment, colourAt(index)]));
  const sections = [
    renderTotals(estate),
    renderFailures(failed),
    renderChart(estate, reported, colourOf),
    renderEnvironments(estate, colourOf),
    renderTiers(estate.totals.plugins_count.tiers),
    renderDiscrete(estate),
    renderIntegrity(estate),
  ].filter((section) => section !== "");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${escapeHtml(`${estate.collector.name} ${estate.collector.version}`)}">
<title>Kong License Estate — ${escapeHtml(estate.as_of)}</title>
<style>${STYLESHEET.toString()}</style>
</head>
<body>
<header>
<h1>Kong License Estate</h1>
<p class="subtitle">${formatCount(estate.totals.environments)} environment(s) · reporting month ${escapeHtml(estate.as_of)} (${escapeHtml(estate.time_zone)}) · generated ${escapeHtml(estate.generated_at)} · read from each Kong database</p>
</header>
<main class="broad">
${sections.join("\n")}
</main>
</body>
</html>
`;
}

function renderTotals(estate: EstateDocument): string {
  const { totals } = estate;
  const cards: Array<[string, string, (string | undefined)?]> = [
    [
      "Environments reported",
      `${formatCount(totals.environments_reported)} / ${formatCount(totals.environments)}`,
      totals.environments_reported < totals.environments ? "bad" : undefined,
    ],
    ["Workspaces", formatCount(totals.workspaces_count)],
    ["Services", formatCount(totals.services_count)],
    ["Discrete services (across environments)", formatCount(totals.discrete_services)],
    ["Routes", formatCount(totals.routes_count)],
    ["Consumers", formatCount(totals.consumers_count)],
  ];
  if (totals.rbac_users !== undefined) cards.push(["RBAC users", formatCount(totals.rbac_users)]);
  cards.push(["Plugins", formatCount(sumTiers(totals.plugins_count.tiers))]);
  if (totals.counters !== undefined) {
    cards.push(["Requests in the window", formatCount(totals.counters.total_requests)]);
  }
  return `<section aria-labelledby="totals">
<h2 id="totals">Totals</h2>
<ul class="cards">
${cards.map(([label, value, tone]) => `<li${tone === undefined ? "" : ` class="${tone}"`}><span class="value">${escapeHtml(value)}</span><span class="label">${escapeHtml(label)}</span></li>`).join("\n")}
</ul>
<p class="note">Sums over the environments that reported; a key a report leaves out (e.g. <code>rbac_users</code> on open-source Kong) adds nothing. Discrete services are distinct <code>protocol://host:port/path</code> keys across all environments${estate.discrete_rules.length === 0 ? "" : `, after ${formatCount(estate.discrete_rules.length)} find/replace rule(s)`}.</p>
</section>`;
}

function renderFailures(failed: readonly EstateEnvironment[]): string {
  if (failed.length === 0) return "";
  const items = failed
    .map(
      (entry) =>
        `<li><strong>${escapeHtml(entry.environment)}</strong>: ${escapeHtml(entry.status === "failed" ? entry.error : "")}</li>`,
    )
    .join("\n");
  return `<section class="failed" aria-labelledby="failures">
<h2 id="failures">${formatCount(failed.length)} environment(s) could not be read</h2>
<ul>
${items}
</ul>
<p class="note">They are listed in the estate with their error and count in no total.</p>
</section>`;
}

function renderChart(
  estate: EstateDocument,
  reported: readonly Reported[],
  colourOf: ReadonlyMap<string, string>,
): string {
  const months = chartMonths(estate.as_of, reported);
  const withCounters = reported.filter((entry) => entry.report.counters !== undefined);
  if (withCounters.length === 0) {
    return `<section aria-labelledby="requests">
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
    bars: months.map((month) => ({
      month,
      segments: withCounters.map((entry) => {
        const count = counts(entry, month);
        return {
          value: count,
          title: `${entry.environment}, ${month}: ${formatCount(count)} requests`,
          colour: colourOf.get(entry.environment) ?? (COLOURS[0] as string),
        };
      }),
    })),
  });
  const legend = withCounters
    .map(
      (entry) =>
        `<li><span class="swatch" style="background:${colourOf.get(entry.environment) ?? COLOURS[0]}"></span>${escapeHtml(entry.environment)}</li>`,
    )
    .join("");
  const unknown = withCounters.reduce((sum, entry) => sum + counts(entry, "UNKNOWN"), 0);
  return `<section aria-labelledby="requests">
<h2 id="requests">Monthly requests by environment</h2>
<figure>
${svg.toString()}
<figcaption><ul class="legend">${legend}</ul>Requests counted by Kong per calendar month (<code>license_data</code>), the 12 months up to ${escapeHtml(estate.as_of)}.</figcaption>
</figure>
${unknown > 0 ? `<p class="note">Requests without a month (bucket <code>UNKNOWN</code>, rows written before Kong 2.7): <strong>${formatCount(unknown)}</strong>. Not drawn.</p>` : ""}
</section>`;
}

function renderEnvironments(estate: EstateDocument, colourOf: ReadonlyMap<string, string>): string {
  const rows = estate.environments
    .map((entry) => {
      const swatch =
        entry.status === "ok"
          ? `<span class="swatch" style="background:${colourOf.get(entry.environment) ?? COLOURS[0]}"></span>`
          : "";
      const source =
        entry.source === undefined ? "" : `<span class="source">${escapeHtml(entry.source)}</span>`;
      const name = `<th scope="row">${swatch}${escapeHtml(entry.environment)}${source}</th>`;
      if (entry.status === "failed") {
        return `<tr class="failed">${name}<td class="text">failed</td><td class="text error" colspan="10">${escapeHtml(entry.error)}</td></tr>`;
      }
      const report: LicenseReport = entry.report;
      return `<tr>${name}<td class="text">ok</td><td class="text">${escapeHtml(report.kong_version ?? "—")}</td>${countCells(report, entry.discrete_services)}<td class="text"><code title="${escapeHtml(report.checksum)}">${escapeHtml(report.checksum.slice(0, 10))}…</code></td></tr>`;
    })
    .join("\n");
  const { totals } = estate;
  return `<section aria-labelledby="environments">
<h2 id="environments">Environments</h2>
<div class="scroll">
<table class="numbers environments">
<thead><tr><th scope="col">Environment</th><th scope="col">Status</th><th scope="col">Kong</th><th scope="col">Work&shy;spaces</th><th scope="col">Services</th><th scope="col">Discrete</th><th scope="col">Routes</th><th scope="col">Con&shy;sumers</th><th scope="col">RBAC users</th><th scope="col">Plugins free · ent. · custom</th><th scope="col">Requests</th><th scope="col">Report checksum</th></tr></thead>
<tbody>
${rows}
<tr class="total"><th scope="row">Total</th><td class="text">${formatCount(totals.environments_reported)} of ${formatCount(totals.environments)}</td><td></td>${countCells(totals, totals.discrete_services)}<td class="text">discrete: across environments</td></tr>
</tbody>
</table>
</div>
<p class="note">— : the report leaves the key out (e.g. no <code>rbac_users</code> on open-source Kong). Each report is in <code>environments/&lt;name&gt;/response.json</code> and verifies on its own.</p>
</section>`;
}

/** The count cells of one row: a report's or the totals' (the same keys). */
function countCells(
  counts: Pick<
    LicenseReport,
    "workspaces_count" | "services_count" | "routes_count" | "consumers_count" | "rbac_users"
  > & {
    readonly plugins_count: { readonly tiers: PluginTiers };
    readonly counters?: { readonly total_requests: number } | undefined;
  },
  discrete: number,
): string {
  const { tiers } = counts.plugins_count;
  const cells = [
    counts.workspaces_count,
    counts.services_count,
    discrete,
    counts.routes_count,
    counts.consumers_count,
    counts.rbac_users,
  ].map((value) => `<td>${value === undefined ? "—" : formatCount(value)}</td>`);
  const plugins = TIERS.map((tier) => formatCount(sumValues(tiers[tier]))).join(" · ");
  const requests = counts.counters?.total_requests;
  return `${cells.join("")}<td>${plugins}</td><td>${requests === undefined ? "—" : formatCount(requests)}</td>`;
}

function renderTiers(tiers: PluginTiers): string {
  const rows = TIERS.flatMap((tier) =>
    Object.entries(tiers[tier])
      .sort(([an, a], [bn, b]) => b - a || (an < bn ? -1 : an > bn ? 1 : 0))
      .map(
        ([name, count]) =>
          `<tr><td class="text">${escapeHtml(tier)}</td><th scope="row">${escapeHtml(name)}</th><td>${formatCount(count)}</td></tr>`,
      ),
  );
  if (rows.length === 0) {
    return `<section aria-labelledby="plugins"><h2 id="plugins">Plugins by tier</h2><p>No plugins in any environment.</p></section>`;
  }
  return `<section aria-labelledby="plugins">
<h2 id="plugins">Plugins by tier (summed by name)</h2>
<details><summary>${formatCount(sumTiers(tiers))} plugin rows: ${TIERS.map((tier) => `${tier} ${formatCount(sumValues(tiers[tier]))}`).join(", ")}</summary>
<table class="numbers"><thead><tr><th scope="col">Tier</th><th scope="col">Plugin</th><th scope="col">Rows</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table>
</details>
</section>`;
}

function renderDiscrete(estate: EstateDocument): string {
  const list = estate.discrete_services;
  const shared = list.filter((item) => item.environments.length > 1).length;
  const rows = list
    .slice(0, MAX_DISCRETE_ROWS)
    .map(
      (item) =>
        `<tr${item.environments.length > 1 ? ' class="shared"' : ""}><td class="text"><code>${escapeHtml(item.key)}</code></td><td>${formatCount(item.environments.length)}</td><td class="text">${escapeHtml(item.environments.join(", "))}</td></tr>`,
    )
    .join("\n");
  const rules =
    estate.discrete_rules.length === 0
      ? "<p>No find/replace rules: keys are compared as read.</p>"
      : `<p>Rules applied in order to every key: ${estate.discrete_rules.map((rule) => `<code>${escapeHtml(rule.find)}</code> → <code>${escapeHtml(rule.replace_with)}</code>`).join("; ")}.</p>`;
  return `<section aria-labelledby="discrete">
<h2 id="discrete">Discrete services across environments</h2>
<p><strong>${formatCount(list.length)}</strong> distinct service(s); ${formatCount(shared)} of them in more than one environment.</p>
${rules}
${
  list.length === 0
    ? ""
    : `<details><summary>The services${list.length > MAX_DISCRETE_ROWS ? ` (first ${formatCount(MAX_DISCRETE_ROWS)}; estate.json lists all)` : ""}</summary>
<table class="numbers"><thead><tr><th scope="col">Service (protocol://host:port/path)</th><th scope="col">Environments</th><th scope="col">Which</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</details>`
}
</section>`;
}

function renderIntegrity(estate: EstateDocument): string {
  return `<section aria-labelledby="integrity">
<h2 id="integrity">Integrity</h2>
<dl class="facts"><dt>Estate digest (SHA-256)</dt><dd><code>${escapeHtml(estate.digest)}</code></dd></dl>
<p class="note">Check it with <code>kong-license-report verify estate.json</code> (the digest, and every environment's report checksum). This page and <code>estate.csv</code> are not covered by it.</p>
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

function colourAt(index: number): string {
  return COLOURS[index % COLOURS.length] as string;
}

function sumValues(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function sumTiers(tiers: PluginTiers): number {
  return TIERS.reduce((sum, tier) => sum + sumValues(tiers[tier]), 0);
}
