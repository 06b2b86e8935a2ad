import { describe, expect, it } from "vitest";
import { renderSummaryHtml } from "#lib/output/report-page/render-report-page.ts";
import {
  renderUsageByTagCsv,
  renderUsageCsv,
  USAGE_BY_TAG_CSV_COLUMNS,
  USAGE_CSV_COLUMNS,
} from "#lib/output/usage-csv.ts";
import type { CollectedReport } from "#lib/report/types.ts";
import type { Usage, UsageByTag } from "#lib/report/usage-types.ts";
import { parseCsv } from "../helpers/csv.ts";
import { sampleMarch, XSS_NAME } from "../helpers/sample-report.ts";

// The sample report (12 services, 30 routes, 18 plugins) with usage and usage by tag written out.
const USAGE: Usage = {
  as_of: "2025-03",
  units: {
    gateway_services: 12,
    discrete_services: 8,
    api_requests_month: 512345,
    api_requests_term: 1782345,
    ai_model_hours_month: null,
  },
  license: {
    expires: "2026-01-31",
    days_to_expiry: 306,
    customer: XSS_NAME,
    product_subscription: "Kong Enterprise Edition",
    support_plan: "None",
    dataplanes: { licensed: 2, connected: 3 },
    admin_seats: { licensed: null, rbac_users: 2 },
  },
  contract: {
    name: "ACME <2026>",
    term: { start: "2024-12", end: "2025-11" },
    warn_at_percent: 80,
    lines: [
      { unit: "gateway_services", limit: 25, used: 12, percent: 48, status: "ok" },
      { unit: "discrete_services", limit: 10, used: 8, percent: 80, status: "warn" },
      { unit: "api_requests_per_month", limit: 500000, used: 512345, percent: 102.5, status: "over" },
      { unit: "ai_model_hours_per_month", limit: 100, used: null, percent: null, status: "unknown" },
    ],
  },
  forecast: [
    {
      unit: "gateway_services",
      at_term_end: null,
      crosses_limit: null,
      months: 2,
      basis: "2 month(s) with a high-water mark in the term (2025-02, 2025-03): a forecast needs at least 3.",
    },
    {
      unit: "api_requests_per_month",
      at_term_end: 700000,
      crosses_limit: "2025-03",
      months: 3,
      basis: "An estimate: least-squares line …",
    },
  ],
  notes: [
    "This database has no AI Gateway counter (license_llm_data, Kong 3.10+): AI model-hours are not measured.",
  ],
};

const BY_TAG: UsageByTag = {
  prefix: "team:",
  without_tags_column: [],
  rows: [
    { tag: "=cmd|' /C calc'!A0", services: 1, discrete_services: 1, routes: 2, plugins: 0 },
    { tag: XSS_NAME, services: 8, discrete_services: 5, routes: 20, plugins: 12 },
    { tag: "payments", services: 4, discrete_services: 3, routes: 10, plugins: 4 },
    { tag: null, services: 3, discrete_services: 2, routes: 5, plugins: 2 },
  ],
};

function withUsage(): CollectedReport {
  const collected = sampleMarch();
  collected.details = { ...collected.details, cluster: "prod-eu-1", usage: USAGE, usage_by_tag: BY_TAG };
  return collected;
}

describe("usage.csv and usage-by-tag.csv", () => {
  it("writes each unit with its line and forecast, then the entitlements; empty where nothing was measured", () => {
    const rows = parseCsv(renderUsageCsv(withUsage()).slice(1));
    expect(rows).toEqual([
      [...USAGE_CSV_COLUMNS],
      ["gateway_services", "12", "25", "48", "ok", "", "", "2025-03", "prod-eu-1"],
      ["discrete_services", "8", "10", "80", "warn", "", "", "2025-03", "prod-eu-1"],
      [
        "api_requests_month",
        "512345",
        "500000",
        "102.5",
        "over",
        "700000",
        "2025-03",
        "2025-03",
        "prod-eu-1",
      ],
      ["api_requests_term", "1782345", "", "", "", "", "", "2025-03", "prod-eu-1"], // no term limit
      ["ai_model_hours_month", "", "100", "", "unknown", "", "", "2025-03", "prod-eu-1"],
      ["license_days_to_expiry", "306", "", "", "", "", "", "2025-03", "prod-eu-1"],
      ["license_dataplanes", "2", "", "", "", "", "", "2025-03", "prod-eu-1"],
      ["connected_dataplanes", "3", "", "", "", "", "", "2025-03", "prod-eu-1"],
      ["license_admin_seats", "", "", "", "", "", "", "2025-03", "prod-eu-1"],
      ["rbac_users", "2", "", "", "", "", "", "2025-03", "prod-eu-1"],
    ]);
  });

  it("writes one row per tag value, untagged last, text guarded against formulas", () => {
    const csv = renderUsageByTagCsv(withUsage());
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(parseCsv(csv.slice(1))).toEqual([
      [...USAGE_BY_TAG_CSV_COLUMNS],
      ["'=cmd|' /C calc'!A0", "yes", "1", "1", "2", "0", "team:", "prod-eu-1"],
      [XSS_NAME, "yes", "8", "5", "20", "12", "team:", "prod-eu-1"],
      ["payments", "yes", "4", "3", "10", "4", "team:", "prod-eu-1"],
      ["", "no", "3", "2", "5", "2", "team:", "prod-eu-1"],
    ]);
  });

  it("writes the header alone without usage (a report without details)", () => {
    const collected = sampleMarch();
    expect(renderUsageCsv(collected)).toBe(`\uFEFF${USAGE_CSV_COLUMNS.join(",")}\r\n`);
    expect(renderUsageByTagCsv(collected)).toBe(`\uFEFF${USAGE_BY_TAG_CSV_COLUMNS.join(",")}\r\n`);
  });
});

describe("the page's usage and by-team sections", () => {
  const page = renderSummaryHtml(withUsage());

  it("shows the units, the contract's lines by status, the forecast as an estimate, and why one is missing", () => {
    expect(page).toContain('<h2 id="usage">Usage in contract units, 2025-03</h2>');
    expect(page).toContain("<h3>Contract ACME &lt;2026&gt; (term 2024-12 to 2025-11, warning at 80 %)</h3>");
    expect(page).toContain(
      '<p class="warn">2 line(s) at or above the warning level: Discrete services, API requests (month).</p>',
    );
    expect(page).toContain(
      '<tr class="failed"><th scope="row">API requests (month)</th><td>500,000</td><td>512,345</td><td>102.5 %</td><td class="text">over</td></tr>',
    );
    expect(page).toContain(
      '<tr class="drift"><th scope="row">Discrete services</th><td>10</td><td>8</td><td>80.0 %</td><td class="text">warn</td></tr>',
    );
    expect(page).toContain(
      '<tr class=""><th scope="row">AI Gateway model-hours (month)</th><td>100</td><td>not measured</td><td>—</td><td class="text">not measured</td></tr>',
    );
    expect(page).toContain("<h3>Forecast to the term's end — an estimate</h3>");
    expect(page).toContain(
      '<td>—</td><td class="text">—</td><td class="text">2 month(s) with a high-water mark in the term (2025-02, 2025-03): a forecast needs at least 3.</td>',
    );
    expect(page).toContain('<td>700,000</td><td class="text">2025-03</td>');
  });

  it("shows the entitlements beside the database, with no verdict, the customer escaped", () => {
    expect(page).toContain("<dt>Expires</dt><dd>2026-01-31 (in 306 day(s))</dd>");
    expect(page).toContain("<dt>Data planes</dt><dd>the license says 2, the database shows 3 connected</dd>");
    expect(page).toContain(
      "<dt>Admin seats</dt><dd>the license says nothing, the database shows 2 RBAC user(s)</dd>",
    );
    expect(page).not.toContain(XSS_NAME);
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("lists usage by team, untagged last, and says an entity counts under each of its tags", () => {
    expect(page).toContain('<h2 id="usage-by-tag">Usage by team: tags <code>team:…</code></h2>');
    expect(page).toContain(
      '<tr><th scope="row"><em>no <code>team:</code> tag</em></th><td>3</td><td>2</td><td>5</td><td>2</td></tr>',
    );
    // services 1 + 8 + 4 + 3 = 16 for 12; routes 2 + 20 + 10 + 5 = 37 for 30; plugins 18 = 18: not said
    expect(page).toContain(
      "counts under each (so the services add up to 16 for 12, routes add up to 37 for 30); entities without one are the last row.",
    );
  });

  it("says there is no contract when none was given", () => {
    const collected = withUsage();
    // A copy: USAGE is shared by every test of the file.
    collected.details.usage = { ...USAGE, contract: null };
    expect(renderSummaryHtml(collected)).toContain("No contract was given (<code>--contract FILE</code>");
  });
});

describe("the page's usage and by-team sections, from less", () => {
  const pageWith = (usage: Usage | undefined, byTag: UsageByTag | undefined): string => {
    const collected = sampleMarch();
    collected.details = {
      ...collected.details,
      ...(usage === undefined ? {} : { usage }),
      ...(byTag === undefined ? {} : { usage_by_tag: byTag }),
    };
    return renderSummaryHtml(collected);
  };

  it("has neither section for a report without usage (details not read)", () => {
    const page = pageWith(undefined, undefined);

    expect(page).not.toContain('id="usage"');
    expect(page).not.toContain('id="usage-by-tag"');
  });

  it("says how long ago the license expired, and that nothing is known where the license says nothing", () => {
    const page = pageWith(
      {
        ...USAGE,
        license: {
          expires: "2025-03-02",
          days_to_expiry: -30,
          customer: null,
          product_subscription: null,
          support_plan: null,
          dataplanes: { licensed: null, connected: 0 },
          admin_seats: { licensed: 0, rbac_users: null },
        },
      },
      undefined,
    );

    expect(page).toContain("<dt>Expires</dt><dd>2025-03-02 (expired 30 day(s) ago)</dd>");
    expect(page).toContain(
      "<dt>Data planes</dt><dd>the license says nothing, the database shows 0 connected</dd>",
    );
    expect(page).toContain(
      "<dt>Admin seats</dt><dd>the license says 0, the database shows no RBAC users table</dd>",
    );
    expect(page).toContain("<dt>Customer</dt><dd>—</dd>");
    expect(page).toContain("<dt>Product subscription</dt><dd>—</dd>");
    expect(page).toContain("<dt>Support plan</dt><dd>—</dd>");
  });

  it("says when the license has no readable expiration date, and a date without a day count as it is", () => {
    const license = { ...USAGE.license, expires: null, days_to_expiry: null };
    expect(pageWith({ ...USAGE, license }, undefined)).toContain(
      "<dt>Expires</dt><dd>no readable expiration date</dd>",
    );
    // A stored report's details may carry a date without its count.
    const dateOnly = { ...USAGE.license, expires: "2026-01-31", days_to_expiry: null };
    expect(pageWith({ ...USAGE, license: dateOnly }, undefined)).toContain(
      "<dt>Expires</dt><dd>2026-01-31</dd>",
    );
  });

  it("says a forecast stays under its limit within the term, and that every line is below the warning level", () => {
    const page = pageWith(
      {
        ...USAGE,
        contract: {
          name: "Small",
          term: { start: "2025-01", end: "2025-12" },
          warn_at_percent: 90,
          lines: [{ unit: "gateway_services", limit: 25, used: 12, percent: 48, status: "ok" }],
        },
        forecast: [
          {
            unit: "gateway_services",
            at_term_end: 1000,
            crosses_limit: null,
            months: 3,
            basis: "An estimate.",
          },
        ],
      },
      undefined,
    );

    expect(page).toContain('<p class="ok">Every measured line is below 90 % of its limit.</p>');
    expect(page).toContain(
      '<tr><th scope="row">Gateway services</th><td>1,000</td><td class="text">not within the term</td><td class="text">An estimate.</td></tr>',
    );
  });

  it("says there is no forecast for a contract without a term", () => {
    const page = pageWith(
      {
        ...USAGE,
        contract: { ...(USAGE.contract as NonNullable<Usage["contract"]>), term: null },
        forecast: [],
      },
      undefined,
    );

    expect(page).toContain("<h3>Contract ACME &lt;2026&gt; (no term, warning at 80 %)</h3>");
    expect(page).toContain('<p class="note">No forecast: the contract has no term to project to.</p>');
  });

  it("says there are no entities to count by team", () => {
    const page = pageWith(undefined, { prefix: "team:", without_tags_column: [], rows: [] });

    expect(page).toContain("<p>No services, routes or plugins.</p>");
    expect(page).not.toContain('<th scope="col">Team</th>');
  });

  it("lists the first 100 values and says where the rest are, an empty value shown as such", () => {
    // 101 values: "" (one service) and t001 … t100 (one route each), byte order.
    const rows = [
      { tag: "", services: 1, discrete_services: 1, routes: 0, plugins: 0 },
      ...Array.from({ length: 100 }, (_, i) => ({
        tag: `t${String(i + 1).padStart(3, "0")}`,
        services: 0,
        discrete_services: 0,
        routes: 1,
        plugins: 0,
      })),
    ];
    const page = pageWith(undefined, { prefix: "team:", without_tags_column: [], rows });

    expect(page).toContain(
      '<tr><th scope="row"><em>(empty value)</em></th><td>1</td><td>1</td><td>0</td><td>0</td></tr>',
    );
    expect(page).toContain('<th scope="row">t099</th>');
    expect(page).not.toContain('<th scope="row">t100</th>'); // the 101st value
    expect(page).toContain(
      '<p class="note">The first 100 of 101 values; <code>usage-by-tag.csv</code> and <code>details.json</code> have them all.</p>',
    );
    // The values' routes add up to 100 (t001 … t100), above the report's 30: the page says so.
    expect(page).toContain("(so the routes add up to 100 for 30)");
  });

  it("names the tables without a tags column, counted as untagged", () => {
    const page = pageWith(undefined, {
      prefix: "team:",
      without_tags_column: ["routes", "plugins"],
      rows: [{ tag: null, services: 12, discrete_services: 8, routes: 30, plugins: 18 }],
    });

    expect(page).toContain(
      '<p class="note">routes, plugins: no tags column in this schema, every one counted as untagged.</p>',
    );
    // Every count under the untagged row equals the report's: nothing adds up to more.
    expect(page).toContain("counts under each; entities without one are the last row.");
  });
});
