import { createHash } from "node:crypto";
import type {
  Bucket,
  CollectedReport,
  EntityCounterComparison,
  LicenseReport,
  PluginTiers,
  ReportDetails,
  ReportTrend,
  SincePrevious,
  TierName,
  TrendPoint,
  WorkspaceDetail,
} from "../report/types.ts";
import { compareBuckets, formatCount, formatSigned, formatTimestamp } from "./format.ts";
import { fix, formatShort } from "./html/chart-numbers.ts";
import { escapeHtml } from "./html/html.ts";
import { renderMonthChart, windowMonths } from "./html/month-chart.ts";
import { STYLESHEET } from "./html/stylesheet.ts";

const TIERS: readonly TierName[] = ["free", "enterprise", "custom"];
const UNKNOWN_BUCKET = "UNKNOWN";
/** Workspaces listed on the page; beyond this the largest are shown and report.csv has them all. */
export const WORKSPACE_ROWS = 50;

/**
 * A self-contained page a person can read: totals, tiers, a bar chart of the monthly requests,
 * the per-workspace table, counter drift, omitted keys, warnings and the checksum. No scripts,
 * no external resources (a CSP forbids both); every value from the database is escaped.
 */
export function renderSummaryHtml(collected: CollectedReport): string {
  const { report, details } = collected;
  const generated = formatTimestamp(report.timestamp);
  const sections = [
    renderOverview(report, details),
    renderSincePrevious(details.since_previous),
    renderTrend(details.trend),
    renderRequests(report),
    renderTiers(report),
    renderRouteKafkas(details),
    renderAiGateway(details),
    renderWorkspaces(details),
    renderDiscrete(details),
    renderCounters(details.entity_counters),
    renderNotes(details),
    renderIntegrity(report, details),
  ].filter((section) => section !== "");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${escapeHtml(`${report.collector?.name ?? "kong-license-report"} ${report.collector?.version ?? ""}`.trim())}">
<title>Kong License Report — ${details.cluster === undefined ? "" : `${escapeHtml(details.cluster)} — `}${escapeHtml(generated)}</title>
<style>${STYLESHEET.toString()}</style>
</head>
<body>
<header>
<h1>Kong License Report</h1>
${
  details.cluster === undefined
    ? ""
    : `<p class="cluster">Cluster <strong>${escapeHtml(details.cluster)}</strong></p>
`
}<p class="subtitle">Generated ${escapeHtml(generated)} · reporting month ${escapeHtml(report.collector?.as_of ?? "—")} (${escapeHtml(report.collector?.time_zone ?? "UTC")}) · ${isDemo(report) ? "embedded demo database, not your Kong" : "read from the Kong database"}</p>
</header>
<main>
${isDemo(report) ? `<p class="demo" role="note">Demo data: this report was built from the embedded demo database, not your Kong. Do not send it to Kong; run <code>generate</code> with <code>--database-url</code> or the Data API options for your own report.</p>` : ""}
${sections.join("\n")}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderOverview(report: LicenseReport, details: ReportDetails): string {
  const cards: Array<[string, string]> = [
    ["Workspaces", formatCount(report.workspaces_count)],
    ["Services", formatCount(report.services_count)],
    ["Routes", formatCount(report.routes_count)],
    ["Consumers", formatCount(report.consumers_count)],
  ];
  if (report.rbac_users !== undefined) cards.push(["RBAC users", formatCount(report.rbac_users)]);
  if (details.discrete_services !== undefined) {
    cards.push(["Discrete services", formatCount(details.discrete_services.count)]);
  }
  cards.push(["Plugins", formatCount(sumTiers(report.plugins_count.tiers))]);
  if (report.counters !== undefined)
    cards.push(["Requests in the window", formatCount(report.counters.total_requests)]);
  const deployment = report.deployment_info;
  const facts: Array<[string, string]> = [
    ["Kong version", report.kong_version ?? "unknown (omitted)"],
    ["Database", report.db_version],
    [
      "Deployment",
      deployment.type === "hybrid" && deployment.connected_dp_count !== undefined
        ? `hybrid, ${formatCount(deployment.connected_dp_count)} data plane(s) seen`
        : deployment.type,
    ],
    ...licenseFacts(report),
    ["Edition", report.collector?.edition ?? "—"],
  ];
  return `<section aria-labelledby="totals">
<h2 id="totals">Totals</h2>
<ul class="cards">
${cards.map(([label, value]) => `<li><span class="value">${value}</span><span class="label">${escapeHtml(label)}</span></li>`).join("\n")}
</ul>
<dl class="facts">
${facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("\n")}
</dl>
</section>`;
}

function renderRequests(report: LicenseReport): string {
  if (report.counters === undefined) {
    return `<section aria-labelledby="requests">
<h2 id="requests">Monthly requests</h2>
<p>No request counters: this database has no <code>license_data</code> table.</p>
</section>`;
  }
  const { months, unknown } = splitBuckets(report.counters.buckets, report.collector?.as_of);
  const rows = [...months, ...(unknown === undefined ? [] : [unknown])]
    .map(
      (b) => `<tr><th scope="row">${escapeHtml(b.bucket)}</th><td>${formatCount(b.request_count)}</td></tr>`,
    )
    .join("\n");
  const unknownNote =
    unknown === undefined
      ? ""
      : `<p class="note">Requests without a month (bucket <code>UNKNOWN</code>, rows written before Kong 2.7): <strong>${formatCount(unknown.request_count)}</strong>. Not drawn in the chart.</p>`;
  return `<section aria-labelledby="requests">
<h2 id="requests">Monthly requests</h2>
${renderWindow(report, months)}
${months.length === 0 ? "<p>No requests counted in the reporting window.</p>" : renderBarChart(months)}
${unknownNote}
<details><summary>Requests per month as a table</summary>
<table class="numbers"><thead><tr><th scope="col">Month</th><th scope="col">Requests</th></tr></thead>
<tbody>
${rows}
<tr class="total"><th scope="row">Total</th><td>${formatCount(report.counters.total_requests)}</td></tr>
</tbody></table>
</details>
</section>`;
}

function renderTiers(report: LicenseReport): string {
  const { tiers, unique_route_lambdas: lambdas, unique_route_kafkas: kafkas } = report.plugins_count;
  const tables = TIERS.map((tier) => {
    const entries = sortedPlugins(tiers[tier]);
    const body =
      entries.length === 0
        ? `<tr><td colspan="2" class="empty">none</td></tr>`
        : entries
            .map(([name, n]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${formatCount(n)}</td></tr>`)
            .join("\n");
    return `<table class="numbers tier tier-${tier}">
<caption>${escapeHtml(capitalize(tier))} · ${formatCount(sumValues(tiers[tier]))} plugin(s)</caption>
<thead><tr><th scope="col">Plugin</th><th scope="col">Count</th></tr></thead>
<tbody>
${body}
</tbody></table>`;
  });
  return `<section aria-labelledby="tiers">
<h2 id="tiers">Plugins by license tier</h2>
<p>Every plugin row counts (enabled or not, any scope). Unique serverless targets on service-less routes: AWS Lambda functions ${formatCount(lambdas)}, Kafka brokers ${formatCount(kafkas)}.</p>
<div class="tiers">
${tables.join("\n")}
</div>
</section>`;
}

function renderWorkspaces(details: ReportDetails): string {
  if (details.workspaces === undefined) return "";
  const all = details.workspaces;
  const truncated = all.length > WORKSPACE_ROWS;
  // All of them by name (ws-2 before ws-10); past the limit, the largest, largest first.
  const workspaces = truncated
    ? [...all]
        .sort((a, b) => workspaceSize(b) - workspaceSize(a) || compareNatural(a.name, b.name))
        .slice(0, WORKSPACE_ROWS)
    : [...all].sort((a, b) => compareNatural(a.name, b.name));
  const hasDiscrete = workspaces.some((ws) => ws.discrete_services !== undefined);
  const head = [
    "Workspace",
    "Services",
    ...(hasDiscrete ? ["Discrete services"] : []),
    "Routes",
    "Consumers",
    "Free plugins",
    "Enterprise plugins",
    "Custom plugins",
  ];
  const row = (ws: WorkspaceDetail): string => {
    const cells = [
      ws.services,
      ...(hasDiscrete ? [ws.discrete_services ?? 0] : []),
      ws.routes,
      ws.consumers,
      ...TIERS.map((tier) => sumValues(ws.plugins[tier])),
    ];
    const label = ws.implicit === true ? `${ws.name} (implicit: no workspaces in this schema)` : ws.name;
    const title = ws.id === "" ? "" : ` title="${escapeHtml(ws.id)}"`;
    return `<tr><th scope="row"${title}>${escapeHtml(label)}</th>${cells.map((n) => `<td>${formatCount(n)}</td>`).join("")}</tr>`;
  };
  return `<section aria-labelledby="workspaces">
<h2 id="workspaces">Workspaces (${formatCount(all.length)})</h2>
${truncated ? `<p class="note">The ${formatCount(WORKSPACE_ROWS)} largest of ${formatCount(all.length)} workspaces (services + routes + consumers + plugins), largest first. Every workspace is in <code>report.csv</code> and <code>details.json</code>.</p>` : ""}
<div class="scroll">
<table class="numbers wide">
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${workspaces.map(row).join("\n")}
</tbody></table>
</div>
<p class="note">Consumers are proxy consumers (type 0), as Kong's report counts them.</p>
</section>`;
}

/** The brokers behind unique_route_kafkas per plugin, under both of Kong's rules. */
function renderRouteKafkas(details: ReportDetails): string {
  const kafkas = details.route_kafkas;
  if (kafkas === undefined || kafkas.by_plugin.length === 0) return "";
  const rows = kafkas.by_plugin
    .map(
      (entry) =>
        `<tr><th scope="row"><code>${escapeHtml(entry.plugin)}</code></th><td>${formatCount(entry.brokers)}</td><td>${entry.addresses.map((address) => `<code>${escapeHtml(address)}</code>`).join(", ")}</td><td>${kafkas.counted_plugins.includes(entry.plugin) ? "yes" : "no"}</td></tr>`,
    )
    .join("\n");
  const rule =
    kafkas.rule === "kafka-family"
      ? "Kong 3.10 and later count the brokers of kafka-upstream, kafka-consume, confluent and confluent-consume"
      : "Kong up to 3.9 counts the brokers of kafka-upstream only";
  return `<section aria-labelledby="kafkas">
<h2 id="kafkas">Kafka brokers on service-less routes</h2>
<p>${escapeHtml(rule)}: <strong>${formatCount(kafkas.rule === "kafka-family" ? kafkas.kafka_family : kafkas.kafka_upstream)}</strong> distinct <code>host:port</code> in the report. Under the other rule: ${formatCount(kafkas.rule === "kafka-family" ? kafkas.kafka_upstream : kafkas.kafka_family)} (${kafkas.rule === "kafka-family" ? "kafka-upstream only, up to 3.9" : "the whole Kafka family, 3.10+"}).</p>
<table><caption>Distinct brokers per plugin</caption>
<thead><tr><th scope="col">Plugin</th><th scope="col">Brokers</th><th scope="col">Addresses</th><th scope="col">Counted</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

/** Model-hours of Kong's AI Gateway counter (license_llm_data); not part of Kong's report. */
function renderAiGateway(details: ReportDetails): string {
  const ai = details.ai_gateway;
  if (ai === undefined) return "";
  const table = (caption: string, head: string, rows: Array<[string, number]>) =>
    `<table><caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">${escapeHtml(head)}</th><th scope="col">Model-hours</th></tr></thead>
<tbody>
${rows.map(([label, hours]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${formatCount(hours)}</td></tr>`).join("\n")}
</tbody></table>`;
  return `<section aria-labelledby="ai-gateway">
<h2 id="ai-gateway">AI Gateway usage: ${formatCount(ai.model_hours)} model-hours</h2>
<p>From Kong's AI Gateway counter (<code>license_llm_data</code>, Kong 3.10+): one model-hour is one model used in one hour, in the reporting window. Kong's report does not show these numbers; they are not covered by its checksum.</p>
${
  ai.model_hours === 0
    ? "<p>No AI Gateway use recorded in the window.</p>"
    : `${table(
        "Per month",
        "Month",
        ai.by_month.map((entry) => [entry.month, entry.model_hours]),
      )}
${table(
  "Per model",
  "Model",
  ai.by_model.map((entry) => [entry.model, entry.model_hours]),
)}`
}
</section>`;
}

function renderDiscrete(details: ReportDetails): string {
  const discrete = details.discrete_services;
  if (discrete === undefined) return "";
  const rules =
    discrete.rules.length === 0
      ? "<p>No rewrite rules: keys are compared as read.</p>"
      : `<table><caption>Rewrite rules, applied in order to every key</caption>
<thead><tr><th scope="col">#</th><th scope="col">Find (regular expression)</th><th scope="col">Replace with</th></tr></thead>
<tbody>
${discrete.rules.map((rule, i) => `<tr><td>${i + 1}</td><td><code>${escapeHtml(rule.find)}</code></td><td><code>${escapeHtml(rule.replace_with)}</code></td></tr>`).join("\n")}
</tbody></table>`;
  const list =
    discrete.list === undefined
      ? ""
      : `<details><summary>The ${formatCount(discrete.list.length)} distinct service key(s)</summary>
<ul class="keys">
${discrete.list.map((key) => `<li><code>${escapeHtml(key)}</code></li>`).join("\n")}
</ul></details>`;
  return `<section aria-labelledby="discrete">
<h2 id="discrete">Discrete services: ${formatCount(discrete.count)}</h2>
<p>Distinct <code>protocol://host:port/path</code> over all services of all workspaces, as Kong's customer-success tooling (KLCR) counts them; a service without a path shows the literal <code>null</code>.</p>
${rules}
${list}
</section>`;
}

function renderCounters(counters: EntityCounterComparison | undefined): string {
  if (counters === undefined) return "";
  const rows = counters.rows
    .map((row) => {
      const drifted = counters.drifted.includes(row.entity_type);
      const drift = row.drift === null ? (drifted ? "no counter rows" : "—") : formatSigned(row.drift);
      return `<tr${drifted ? ' class="drift"' : ""}><th scope="row">${escapeHtml(row.entity_type)}</th><td>${row.counter_table === null ? "—" : formatCount(row.counter_table)}</td><td>${formatCount(row.live)}</td><td>${escapeHtml(drift)}</td></tr>`;
    })
    .join("\n");
  const perWorkspace = counters.workspaces ?? [];
  const total = counters.workspaces_drifted ?? perWorkspace.length;
  const workspaceTable =
    perWorkspace.length === 0
      ? ""
      : `<table class="numbers"><caption>Workspaces whose counter rows differ${total > perWorkspace.length ? ` (first ${formatCount(perWorkspace.length)} of ${formatCount(total)})` : ""}</caption>
<thead><tr><th scope="col">Workspace</th><th scope="col">Entity type</th><th scope="col">Counter table</th><th scope="col">Live count</th></tr></thead>
<tbody>
${perWorkspace.map((d) => `<tr class="drift"><th scope="row">${escapeHtml(d.workspace ?? d.workspace_id)}</th><td class="text">${escapeHtml(d.entity_type)}</td><td>${d.counter_table === null ? "no row" : formatCount(d.counter_table)}</td><td>${formatCount(d.live)}</td></tr>`).join("\n")}
</tbody></table>`;
  const notCompared =
    counters.not_compared === undefined || counters.not_compared.length === 0
      ? ""
      : `<p class="note">Also in the counter table, not counted live here: ${counters.not_compared.map((n) => `<code>${escapeHtml(n.entity_type)}</code> ${formatCount(n.counter_table)}`).join(", ")}.</p>`;
  const verdict =
    counters.drifted.length === 0
      ? `<p class="ok">The counter table matches the live counts.</p>`
      : `<p class="warn" role="alert">Counter drift in ${counters.drifted.map((t) => `<strong>${escapeHtml(t)}</strong>`).join(", ")}. Kong ≤ 3.8 reports these counters; run <code>kong migrations reinitialize-workspace-entity-counters</code> to rebuild them.</p>`;
  return `<section aria-labelledby="counters">
<h2 id="counters">Counter table check</h2>
${verdict}
<table class="numbers"><caption><code>workspace_entity_counters</code> sums next to live <code>COUNT(*)</code> (drift = counter − live)</caption>
<thead><tr><th scope="col">Entity type</th><th scope="col">Counter table</th><th scope="col">Live count</th><th scope="col">Drift</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${workspaceTable}
${notCompared}
</section>`;
}

function renderNotes(details: ReportDetails): string {
  const omitted =
    details.omitted.length === 0
      ? "<p>No report key was omitted.</p>"
      : `<table class="omitted"><caption>Report keys left out, and why</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Reason</th></tr></thead>
<tbody>
${details.omitted.map((o) => `<tr><th scope="row"><code>${escapeHtml(o.key)}</code></th><td>${escapeHtml(o.reason)}</td></tr>`).join("\n")}
</tbody></table>`;
  const warnings =
    details.warnings.length === 0
      ? "<p>No warnings.</p>"
      : `<ul class="warnings">
${details.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("\n")}
</ul>`;
  return `<section aria-labelledby="notes">
<h2 id="notes">Omitted keys and warnings</h2>
${omitted}
<h3>Warnings (${formatCount(details.warnings.length)})</h3>
${warnings}
</section>`;
}

function renderIntegrity(report: LicenseReport, details: ReportDetails): string {
  const collector = report.collector;
  const facts: Array<[string, string]> = [
    ["Checksum (SHA-1, Kong's algorithm)", report.checksum],
    ["Timestamp", `${report.timestamp} (${formatTimestamp(report.timestamp)})`],
    [
      "Generated by",
      collector === undefined ? "—" : `${collector.name} ${collector.version}, source: ${collector.source}`,
    ],
    ["Kong version from", collector?.kong_version_from ?? "—"],
    ["Deployment from", collector?.deployment_from ?? "—"],
    ["License from", collector?.license_from ?? "—"],
  ];
  if (details.schema.kong_minor !== undefined)
    facts.push(["Schema migrations", `Kong ${details.schema.kong_minor}`]);
  return `<section aria-labelledby="integrity">
<h2 id="integrity">Integrity</h2>
<dl class="facts">
${facts.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd><code>${escapeHtml(value)}</code></dd>`).join("\n")}
</dl>
<p class="note">Check the checksum of <code>response.json</code> with <code>kong-license-report verify response.json</code>. This page and <code>details.json</code> are not covered by it.</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Since the last report, and the trend

const COUNT_LABELS: Readonly<Record<string, string>> = {
  workspaces_count: "Workspaces",
  services_count: "Services",
  routes_count: "Routes",
  consumers_count: "Consumers",
  rbac_users: "RBAC users",
  connected_dp_count: "Connected data planes",
  unique_route_lambdas: "Unique route Lambdas",
  unique_route_kafkas: "Unique route Kafka brokers",
  discrete_services: "Discrete services",
};

function renderSincePrevious(since: SincePrevious | undefined): string {
  if (since === undefined) return "";
  const { changes } = since;
  const signed = (n: number | null) => (n === null ? "—" : n === 0 ? "0" : formatSigned(n));
  const cell = (n: number | null) => (n === null ? "—" : formatCount(n));
  const row = (label: string, c: { old: number | null; new: number | null; change: number | null }) =>
    `<tr${c.change !== null && c.change !== 0 ? ' class="changed"' : ""}><th scope="row">${escapeHtml(label)}</th><td>${cell(c.old)}</td><td>${cell(c.new)}</td><td>${signed(c.change)}</td></tr>`;
  const total = changes.requests.find((r) => r.name === "total_requests");
  const rows = [
    ...changes.counts.map((c) => row(COUNT_LABELS[c.name] ?? c.name, c)),
    ...changes.tiers.map((t) => row(`${capitalize(t.name)} plugins`, t)),
    ...(total === undefined ? [] : [row("Requests in the window", total)]),
  ];
  const { added, removed, changed } = changes.plugins;
  const pluginLines = [
    ...added.map(
      (p) =>
        `<li>new <code>${escapeHtml(p.name)}</code> (${escapeHtml(p.tier)}): ${formatCount(p.count)}</li>`,
    ),
    ...removed.map(
      (p) =>
        `<li>removed <code>${escapeHtml(p.name)}</code> (${escapeHtml(p.tier)}): was ${formatCount(p.count)}</li>`,
    ),
    ...changed.map(
      (p) =>
        `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.new_tier)}): ${formatCount(p.old)} → ${formatCount(p.new)} (${formatSigned(p.change)})</li>`,
    ),
  ];
  const ws = changes.workspaces;
  const workspaceNote =
    ws === undefined
      ? ""
      : `<p>Workspaces: ${formatCount(ws.added.length)} added${ws.added.length === 0 ? "" : ` (${ws.added.map((w) => escapeHtml(w.name)).join(", ")})`}, ${formatCount(ws.removed.length)} removed${ws.removed.length === 0 ? "" : ` (${ws.removed.map((w) => escapeHtml(w.name)).join(", ")})`}, ${formatCount(new Set(ws.changed.map((c) => c.workspace)).size)} changed.</p>`;
  return `<section aria-labelledby="since">
<h2 id="since">Since the last report</h2>
<p>Compared with the report generated ${escapeHtml(since.generated_at)}${since.as_of === null ? "" : ` (reporting month ${escapeHtml(since.as_of)})`}, checksum <code>${escapeHtml(since.checksum)}</code>, verified: <code>${escapeHtml(since.key)}</code>.</p>
<table class="numbers"><thead><tr><th scope="col"></th><th scope="col">Then</th><th scope="col">Now</th><th scope="col">Change</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table>
${pluginLines.length === 0 ? "<p>No plugin was added, removed or changed.</p>" : `<ul class="plugin-changes">\n${pluginLines.join("\n")}\n</ul>`}
${workspaceNote}
</section>`;
}

const TREND_SERIES: ReadonlyArray<[keyof TrendPoint, string]> = [
  ["services", "Services"],
  ["routes", "Routes"],
  ["consumers", "Consumers"],
  ["enterprise_plugins", "Enterprise plugins"],
  ["requests_in_window", "Requests in the window"],
];

function renderTrend(trend: ReportTrend | undefined): string {
  if (trend === undefined) return "";
  const leftOut =
    trend.left_out.length === 0
      ? ""
      : `<p class="warn">Left out, because they did not verify or could not be read:</p>
<ul class="warnings">
${trend.left_out.map((l) => `<li><code>${escapeHtml(l.key)}</code>: ${escapeHtml(l.reason)}</li>`).join("\n")}
</ul>`;
  if (trend.reports.length < 2) {
    return `<section aria-labelledby="trend">
<h2 id="trend">Trend</h2>
<p>No earlier report of this cluster was found that verifies: the trend starts with the next report.</p>
${leftOut}
</section>`;
  }
  const charts = TREND_SERIES.map(([field, label]) => renderSmallMultiple(trend.reports, field, label));
  return `<section aria-labelledby="trend">
<h2 id="trend">Trend over the last ${formatCount(trend.reports.length)} reports of this cluster</h2>
<div class="trend">
${charts.join("\n")}
</div>
<p class="note">Oldest first; the last point is this report. Only stored reports whose checksum verifies are drawn.</p>
${leftOut}
</section>`;
}

const SMALL = { width: 260, height: 156, left: 14, right: 14, top: 46, bottom: 30 } as const;

/** One small line chart of a trend series; points labelled with their value, x-axis with the reporting months. */
function renderSmallMultiple(points: readonly TrendPoint[], field: keyof TrendPoint, label: string): string {
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
  const dots = values
    .map((v, i) => {
      if (v === null) return "";
      const when = points[i]?.as_of ?? points[i]?.generated_at ?? "";
      return `<g class="point"><title>${escapeHtml(`${label}, ${when}: ${formatCount(v)}`)}</title><circle cx="${fix(x(i))}" cy="${fix(y(v))}" r="3.5"/><text class="value" x="${fix(x(i))}" y="${fix(y(v) - 8)}" text-anchor="${i === 0 && points.length > 1 ? "start" : i === points.length - 1 && points.length > 1 ? "end" : "middle"}">${formatShort(v)}</text></g>`;
    })
    .join("");
  const first = points[0]?.as_of ?? "";
  const last = points.at(-1)?.as_of ?? "";
  const description = points
    .map(
      (p, i) =>
        `${p.as_of ?? p.generated_at} ${values[i] === null ? "n/a" : formatCount(values[i] as number)}`,
    )
    .join(", ");
  const id = `trend-${String(field).replaceAll("_", "-")}`;
  return `<figure class="small">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SMALL.width} ${SMALL.height}" width="${SMALL.width}" height="${SMALL.height}" role="img" aria-labelledby="${id}-title ${id}-desc">
<title id="${id}-title">${escapeHtml(label)}</title>
<desc id="${id}-desc">${escapeHtml(description)}</desc>
<text class="small-title" x="${SMALL.left}" y="16">${escapeHtml(label)}</text>
<line class="axis" x1="${SMALL.left}" x2="${SMALL.width - SMALL.right}" y1="${SMALL.top + plotHeight + 6}" y2="${SMALL.top + plotHeight + 6}"/>
${segments.length > 1 ? `<polyline class="trend-line" points="${segments.join(" ")}"/>` : ""}
${dots}
<text class="month" x="${SMALL.left}" y="${SMALL.height - 8}">${escapeHtml(first)}</text>
<text class="month" x="${SMALL.width - SMALL.right}" y="${SMALL.height - 8}" text-anchor="end">${escapeHtml(last)}</text>
</svg>
</figure>`;
}

// ---------------------------------------------------------------------------------------------
// Chart

const CHART = { width: 760, height: 280, left: 72, right: 16, top: 28, bottom: 56 } as const;

/** The bar chart of months in chronological order, with its caption. */
function renderBarChart(months: readonly Bucket[]): string {
  const svg = renderMonthChart({
    box: CHART,
    maxBarWidth: 48,
    title: "Requests per month, oldest first",
    bars: months.map((b) => ({
      month: b.bucket,
      segments: [{ value: b.request_count, title: `${b.bucket}: ${formatCount(b.request_count)} requests` }],
    })),
  });
  return `<figure>
${svg.toString()}
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

// ---------------------------------------------------------------------------------------------
// Formatting

/** What the counters cover, in words: the window, its time zone, and months outside it. */
function renderWindow(report: LicenseReport, months: readonly Bucket[]): string {
  const window = windowMonths(report.collector?.as_of);
  const first = window[0];
  const last = window[window.length - 1];
  if (first === undefined || last === undefined) return "";
  const later = months.filter((b) => compareBuckets(b.bucket, last) > 0).map((b) => b.bucket);
  const empty = months.filter((b) => window.includes(b.bucket) && b.request_count === 0).length;
  return `<p class="window">Window: <strong>${escapeHtml(first)} to ${escapeHtml(last)}</strong>, the reporting month and the 11 before it (calendar months in ${escapeHtml(report.collector?.time_zone ?? "UTC")}).${empty > 0 ? ` ${formatCount(empty)} of its months have no requests counted and are drawn as 0.` : ""}${later.length > 0 ? ` Also drawn: ${later.map(escapeHtml).join(", ")}, dated after the reporting month (Kong keeps such rows in the current month's report).` : ""}</p>`;
}

function isDemo(report: LicenseReport): boolean {
  return (report.collector?.source as string | undefined) === "demo-database";
}

/** License and expiry as a person reads them; no license says so instead of Kong's placeholder date. */
function licenseFacts(report: LicenseReport): Array<[string, string]> {
  const { license_key: key, license_expiration_date: expires } = report.license;
  if (key === "UNLICENSED") return [["License", "no license (UNLICENSED)"]];
  return [
    ["License", maskLicenseKey(key)],
    ["License expires", expires ?? "—"],
  ];
}

/**
 * Never a character of the key on the page (a fragment such as "…-VALID" reads as a verdict): its
 * length and a SHA-256 fingerprint, which `printf %s "$KEY" | sha256sum` reproduces.
 */
export function maskLicenseKey(key: string | null | undefined): string {
  if (key === undefined || key === null || key === "") return "—";
  const fingerprint = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 12);
  return `key of ${formatCount(key.length)} characters, SHA-256 ${fingerprint}…`;
}

/** Natural order: digit runs compare as numbers (ws-2 before ws-10), then plain code-unit order. */
export function compareNatural(a: string, b: string): number {
  const split = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const pa = split(a);
  const pb = split(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i += 1) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const byValue = BigInt(x) < BigInt(y) ? -1 : BigInt(x) > BigInt(y) ? 1 : 0;
      if (byValue !== 0) return byValue;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function workspaceSize(ws: WorkspaceDetail): number {
  return (
    ws.services + ws.routes + ws.consumers + TIERS.reduce((sum, tier) => sum + sumValues(ws.plugins[tier]), 0)
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sortedPlugins(counts: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.entries(counts).sort(([an, a], [bn, b]) => b - a || (an < bn ? -1 : an > bn ? 1 : 0));
}

function sumValues(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function sumTiers(tiers: PluginTiers): number {
  return TIERS.reduce((sum, tier) => sum + sumValues(tiers[tier]), 0);
}
