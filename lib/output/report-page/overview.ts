import { createHash } from "node:crypto";
import type { KongReport, ReportDetails } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";
import { sumTiers } from "../tier-sums.ts";

/** The totals as cards, then the facts a reader checks first: version, database, deployment, license. */
export function renderOverview(report: KongReport, details: ReportDetails): Html {
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
  return html`<section aria-labelledby="totals">
<h2 id="totals">Totals</h2>
<ul class="cards">
${joinHtml(
  cards.map(
    ([label, value]) => html`<li><span class="value">${value}</span><span class="label">${label}</span></li>`,
  ),
  "\n",
)}
</ul>
<dl class="facts">
${joinHtml(
  facts.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`),
  "\n",
)}
</dl>
</section>`;
}

/** License and expiry as a person reads them; no license says so instead of Kong's placeholder date. */
function licenseFacts(report: KongReport): Array<[string, string]> {
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
function maskLicenseKey(key: string | null | undefined): string {
  if (key === undefined || key === null || key === "") return "—";
  const fingerprint = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 12);
  return `key of ${formatCount(key.length)} characters, SHA-256 ${fingerprint}…`;
}
