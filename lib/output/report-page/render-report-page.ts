import type { KongReport, ReportDetails } from "../../report/types.ts";
import { formatTimestamp } from "../../shared/format.ts";
import { html } from "../html/html.ts";
import { renderPage } from "../html/page-shell.ts";
import { renderAdminApi } from "./admin-api.ts";
import { renderAiGateway } from "./ai-gateway.ts";
import { renderCounters } from "./counters.ts";
import { renderDiscrete } from "./discrete.ts";
import { renderIntegrity } from "./integrity.ts";
import { renderNotes } from "./notes.ts";
import { renderOverview } from "./overview.ts";
import { renderRequests } from "./requests.ts";
import { renderRouteKafkas } from "./route-kafkas.ts";
import { renderSincePrevious } from "./since-previous.ts";
import { renderTiers } from "./tiers.ts";
import { renderTrend } from "./trend.ts";
import { renderUsage } from "./usage.ts";
import { renderUsageByTag } from "./usage-by-tag.ts";
import { renderWorkspaces } from "./workspaces.ts";

/**
 * summary.html: a self-contained page a person can read: totals, tiers, a bar chart of the monthly
 * requests, the per-workspace table, counter drift, omitted keys, warnings and the checksum. No
 * scripts, no external resources (a CSP forbids both); every value is escaped by the html tag.
 */
export function renderSummaryHtml(collected: {
  readonly report: KongReport;
  readonly details: ReportDetails;
}): string {
  const { report, details } = collected;
  const generated = formatTimestamp(report.timestamp);
  const demo = isDemo(report);
  const read = demo
    ? "embedded demo database, not your Kong"
    : details.collector?.source === "admin-api"
      ? "Kong's own report, from its Admin API"
      : "read from the Kong database";
  // Kong's own report (Admin API) is of Kong's current month, in its node's time zone: not ours to say.
  const month =
    details.collector?.source === "admin-api" && report.collector === undefined
      ? ""
      : `reporting month ${report.collector?.as_of ?? "—"} (${report.collector?.time_zone ?? "UTC"}) · `;
  return renderPage({
    title: `Kong License Report — ${details.cluster === undefined ? "" : `${details.cluster} — `}${generated}`,
    generator:
      `${report.collector?.name ?? details.collector?.name ?? "kong-license-report"} ${report.collector?.version ?? details.collector?.version ?? ""}`.trim(),
    heading: "Kong License Report",
    header: html`${details.cluster !== undefined && html`<p class="cluster">Cluster <strong>${details.cluster}</strong></p>\n`}<p class="subtitle">Generated ${generated} · ${month}${read}</p>`,
    lead:
      demo &&
      html`<p class="demo" role="note">Demo data: this report was built from the embedded demo database, not your Kong. Do not send it to Kong; run <code>generate</code> with <code>--database-url</code> or the Data API options for your own report.</p>`,
    sections: [
      renderOverview(report, details),
      renderUsage(details),
      renderUsageByTag(report, details),
      renderSincePrevious(details.since_previous),
      renderTrend(details.trend),
      renderRequests(report),
      renderTiers(report),
      renderRouteKafkas(details),
      renderAiGateway(details),
      renderWorkspaces(details),
      renderAdminApi(details.admin_api),
      renderDiscrete(details),
      renderCounters(details.entity_counters),
      renderNotes(details),
      renderIntegrity(report, details),
    ],
  });
}

function isDemo(report: KongReport): boolean {
  return (report.collector?.source as string | undefined) === "demo-database";
}
