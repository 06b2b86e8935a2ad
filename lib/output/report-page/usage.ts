import type { ReportDetails } from "../../report/types.ts";
import type {
  ContractLimit,
  ContractLine,
  ForecastEntry,
  Usage,
  UsageContract,
  UsageLicense,
} from "../../report/usage-types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** How the page names each contract limit and unit. */
const UNIT_LABELS: Readonly<Record<ContractLimit, string>> = {
  gateway_services: "Gateway services",
  discrete_services: "Discrete services",
  api_requests_per_month: "API requests (month)",
  api_requests_per_term: "API requests (term so far)",
  ai_model_hours_per_month: "AI Gateway model-hours (month)",
};

/**
 * Usage in Kong's contract units: the units, the contract's lines with their status, the forecast
 * (an estimate, or why there is none) and the license's entitlements beside the database.
 */
export function renderUsage(details: ReportDetails): Html | undefined {
  const usage = details.usage;
  if (usage === undefined) return undefined;
  return html`<section aria-labelledby="usage">
<h2 id="usage">Usage in contract units, ${usage.as_of}</h2>
${renderUnits(usage)}
${usage.contract === null ? html`<p class="note">No contract was given (<code>--contract FILE</code>, or REPORT_CONTRACT on AWS): no limits to hold the usage against, and no forecast.</p>` : renderContract(usage.contract, usage.forecast)}
${renderLicense(usage.license)}
${usage.notes.length > 0 && html`<ul class="note">${usage.notes.map((note) => html`<li>${note}</li>`)}</ul>`}
</section>`;
}

function renderUnits(usage: Usage): Html {
  const { units } = usage;
  const rows: Array<[string, number | null, string]> = [
    ["Gateway services", units.gateway_services, "services_count"],
    ["Discrete services", units.discrete_services, "KLCR's protocol://host:port/path, after the rules"],
    ["API requests (month)", units.api_requests_month, `the ${usage.as_of} bucket`],
    [
      "API requests (term so far)",
      units.api_requests_term,
      "the contract term's months up to the reporting month",
    ],
    ["AI Gateway model-hours (month)", units.ai_model_hours_month, "distinct (model, hour) of the month"],
  ];
  return html`<table class="numbers"><caption>Units, as Kong's usage-metrics glossary counts them</caption>
<thead><tr><th scope="col">Unit</th><th scope="col">Used</th><th scope="col">Measured as</th></tr></thead>
<tbody>
${joinHtml(
  rows.map(
    ([label, value, how]) =>
      html`<tr><th scope="row">${label}</th><td>${value === null ? "not measured" : formatCount(value)}</td><td class="text">${how}</td></tr>`,
  ),
  "\n",
)}
</tbody></table>`;
}

function renderContract(contract: UsageContract, forecast: readonly ForecastEntry[]): Html {
  const term = contract.term === null ? "no term" : `term ${contract.term.start} to ${contract.term.end}`;
  const reached = contract.lines.filter((line) => line.status === "warn" || line.status === "over");
  return html`<h3>Contract ${contract.name} (${term}, warning at ${formatCount(contract.warn_at_percent)} %)</h3>
${
  reached.length === 0
    ? html`<p class="ok">Every measured line is below ${formatCount(contract.warn_at_percent)} % of its limit.</p>`
    : html`<p class="warn">${formatCount(reached.length)} line(s) at or above the warning level: ${reached.map((line) => UNIT_LABELS[line.unit]).join(", ")}.</p>`
}
<table class="numbers">
<thead><tr><th scope="col">Unit</th><th scope="col">Limit</th><th scope="col">Used</th><th scope="col">Share</th><th scope="col">Status</th></tr></thead>
<tbody>
${joinHtml(contract.lines.map(renderLine), "\n")}
</tbody></table>
${renderForecast(forecast)}`;
}

function renderLine(line: ContractLine): Html {
  const rowClass = line.status === "over" ? "failed" : line.status === "warn" ? "drift" : "";
  return html`<tr class="${rowClass}"><th scope="row">${UNIT_LABELS[line.unit]}</th><td>${formatCount(line.limit)}</td><td>${line.used === null ? "not measured" : formatCount(line.used)}</td><td>${line.percent === null ? "—" : `${line.percent.toFixed(1)} %`}</td><td class="text">${line.status === "unknown" ? "not measured" : line.status}</td></tr>`;
}

function renderForecast(forecast: readonly ForecastEntry[]): Html {
  if (forecast.length === 0) {
    return html`<p class="note">No forecast: the contract has no term to project to.</p>`;
  }
  return html`<h3>Forecast to the term's end — an estimate</h3>
<p class="note">A least-squares line over each unit's monthly high-water mark in the term (the highest value any report of this cluster showed for that month), from the stored reports of this cluster. It is an estimate, not a measurement; at least 3 months are needed.</p>
<table class="numbers">
<thead><tr><th scope="col">Unit</th><th scope="col">At the term's end</th><th scope="col">Above the limit from</th><th scope="col">Basis</th></tr></thead>
<tbody>
${joinHtml(
  forecast.map(
    (entry) =>
      html`<tr><th scope="row">${UNIT_LABELS[entry.unit]}</th><td>${entry.at_term_end === null ? "—" : formatCount(entry.at_term_end)}</td><td class="text">${entry.at_term_end === null ? "—" : (entry.crosses_limit ?? "not within the term")}</td><td class="text">${entry.basis}</td></tr>`,
  ),
  "\n",
)}
</tbody></table>`;
}

function renderLicense(license: UsageLicense): Html {
  const says = (value: number | null) => (value === null ? "nothing" : formatCount(value));
  const expiry =
    license.expires === null
      ? "no readable expiration date"
      : `${license.expires}${license.days_to_expiry === null ? "" : license.days_to_expiry < 0 ? ` (expired ${formatCount(-license.days_to_expiry)} day(s) ago)` : ` (in ${formatCount(license.days_to_expiry)} day(s))`}`;
  const facts: Array<[string, string]> = [
    ["Expires", expiry],
    [
      "Data planes",
      `the license says ${says(license.dataplanes.licensed)}, the database shows ${formatCount(license.dataplanes.connected)} connected`,
    ],
    [
      "Admin seats",
      `the license says ${says(license.admin_seats.licensed)}, the database shows ${license.admin_seats.rbac_users === null ? "no RBAC users table" : `${formatCount(license.admin_seats.rbac_users)} RBAC user(s)`}`,
    ],
    ["Customer", license.customer ?? "—"],
    ["Product subscription", license.product_subscription ?? "—"],
    ["Support plan", license.support_plan ?? "—"],
  ];
  return html`<h3>The license's entitlements</h3>
<dl class="facts">
${joinHtml(
  facts.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`),
  "\n",
)}
</dl>
<p class="note">Kong does not document what <code>dataplanes</code> and <code>admin_seats</code> mean in a contract: they are shown beside what the database holds, with no verdict.</p>`;
}
