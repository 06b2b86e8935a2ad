import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffReports } from "#lib/diff/diff-reports.ts";
import { renderSummaryHtml } from "#lib/output/report-page/render-report-page.ts";
import type { CollectedReport } from "#lib/report/types.ts";
import {
  chromiumExecutable,
  countColor,
  decodePng,
  dumpDom,
  screenshot,
  visibleText,
} from "../helpers/chromium.ts";
import { sampleApril, sampleMarch, XSS_NAME } from "../helpers/sample-report.ts";

function withoutExtras(collected: CollectedReport): CollectedReport {
  const { workspaces: _w, discrete_services: _d, entity_counters: _e, ...details } = collected.details;
  const { counters: _c, ...report } = collected.report;
  return { report, details: { ...details, omitted: [], warnings: [] } };
}

describe("renderSummaryHtml", () => {
  it("escapes every value that comes from the database", () => {
    const html = renderSummaryHtml(sampleMarch());
    expect(html).not.toContain(XSS_NAME);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/i);
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;",
    );
    expect(html).toContain("https://evil.example.com:443/&quot;q&quot;&lt;x&gt;");
  });

  it("is self-contained: no scripts, no external resources, and a CSP that forbids them", () => {
    const html = renderSummaryHtml(sampleMarch());
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<(script|link|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
  });

  it("draws the months in chronological order whatever the bucket order, UNKNOWN apart", () => {
    const collected = sampleMarch();
    collected.report.counters?.buckets.reverse();
    const html = renderSummaryHtml(collected);
    const desc = /<desc id="chart-desc">([^<]*)<\/desc>/.exec(html)?.[1] ?? "";
    expect(desc.split(", ").map((part) => part.split(" ")[0])).toEqual([
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
    expect(html.match(/<g class="bar">/g)).toHaveLength(12);
    expect(html).toContain(
      "(bucket <code>UNKNOWN</code>, rows written before Kong 2.7): <strong>4,321</strong>",
    );
  });

  it("shows no character of the license key: its length and SHA-256 fingerprint", () => {
    const html = renderSummaryHtml(sampleMarch());
    expect(html).not.toContain("ASDASDASDASDASDASDASDASDASD_a1VASASD");
    expect(html).not.toContain("VASASD");
    // printf %s ASDASDASDASDASDASDASDASDASD_a1VASASD | sha256sum → da07a1b3f246…
    expect(html).toContain("<dt>License</dt><dd>key of 36 characters, SHA-256 da07a1b3f246…</dd>");
    expect(html).toContain("<dt>License expires</dt><dd>2026-01-31</dd>");
  });

  it("masks the demo key so that no word of it reads as a verdict, and labels a demo report", () => {
    const collected = sampleMarch();
    collected.report.license.license_key = "DEMO-0000-FAKE-LICENSE-NOT-VALID";
    (collected.report.collector as { source: string }).source = "demo-database";
    const html = renderSummaryHtml(collected);
    expect(html).not.toMatch(/VALID|FAKE|LICENSE-|DEMO-0000/);
    expect(html).toContain("· embedded demo database, not your Kong</p>");
    expect(html).toContain(
      "Demo data: this report was built from the embedded demo database, not your Kong.",
    );
    expect(html).not.toContain("read from the Kong database");
    expect(renderSummaryHtml(sampleMarch())).toContain("· read from the Kong database</p>");
    expect(renderSummaryHtml(sampleMarch())).not.toContain('class="demo"');
  });

  it("says no license instead of Kong's placeholder expiry date", () => {
    const collected = sampleMarch();
    collected.report.license = { license_key: "UNLICENSED", license_expiration_date: "2017-7-20" };
    const html = renderSummaryHtml(collected);
    expect(html).toContain("<dt>License</dt><dd>no license (UNLICENSED)</dd>");
    expect(html).not.toContain("2017-7-20");
    expect(html).not.toContain("License expires");
  });

  it("draws all 12 months of the window, empty ones as 0, and states the window", () => {
    const collected = sampleMarch();
    const counters = collected.report.counters;
    if (counters === undefined) throw new Error("sample has counters");
    // Two months of the window (2024-06, 2024-11) with no license_data rows: no bucket at all.
    counters.buckets = counters.buckets.filter((b) => b.bucket !== "2024-06" && b.bucket !== "2024-11");
    const html = renderSummaryHtml(collected);
    const desc = /<desc id="chart-desc">([^<]*)<\/desc>/.exec(html)?.[1] ?? "";
    const months = desc.split(", ").map((part) => part.split(" "));
    expect(months.map(([month]) => month)).toEqual([
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
    expect(months.filter(([, n]) => n === "0").map(([month]) => month)).toEqual(["2024-06", "2024-11"]);
    expect(html.match(/<g class="bar">/g)).toHaveLength(12);
    expect(html).toContain(
      "Window: <strong>2024-04 to 2025-03</strong>, the reporting month and the 11 before it (calendar months in UTC). 2 of its months have no requests counted and are drawn as 0.",
    );
  });

  it("draws a future-dated month Kong keeps after the window and says so", () => {
    const collected = sampleMarch();
    collected.report.counters?.buckets.push({ bucket: "2025-05", request_count: 10 });
    const html = renderSummaryHtml(collected);
    expect(html.match(/<g class="bar">/g)).toHaveLength(13);
    expect(html).toContain("Also drawn: 2025-05, dated after the reporting month");
  });

  it("sorts workspaces naturally: ws-2 before ws-10", () => {
    const collected = sampleMarch();
    const template = collected.details.workspaces?.[1];
    if (template === undefined) throw new Error("sample has workspaces");
    collected.details.workspaces = ["ws-10", "ws-2", "ws-1", "default", "ws-02b"].map((name) => ({
      ...template,
      name,
    }));
    const html = renderSummaryHtml(collected);
    const names = [...html.matchAll(/<tr><th scope="row" title="[^"]*">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(names).toEqual(["default", "ws-1", "ws-2", "ws-02b", "ws-10"]);
  });

  it("keeps 1,000 workspaces readable: the 50 largest, largest first, the rest pointed to report.csv", () => {
    const collected = sampleMarch();
    const template = collected.details.workspaces?.[1];
    if (template === undefined) throw new Error("sample has workspaces");
    // ws-N holds N services: the largest are ws-1000 down to ws-951.
    collected.details.workspaces = Array.from({ length: 1000 }, (_, i) => ({
      ...template,
      id: "",
      name: `ws-${i + 1}`,
      services: i + 1,
      routes: 0,
      consumers: 0,
      plugins: { free: {}, enterprise: {}, custom: {} },
    }));
    const html = renderSummaryHtml(collected);
    const section = /<section aria-labelledby="workspaces">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    const names = [...section.matchAll(/<tr><th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(names).toHaveLength(50);
    expect(names[0]).toBe("ws-1000");
    expect(names[49]).toBe("ws-951");
    expect(section).toContain('<h2 id="workspaces">Workspaces (1,000)</h2>');
    expect(section).toContain(
      "The 50 largest of 1,000 workspaces (services + routes + consumers + plugins), largest first. Every workspace is in <code>report.csv</code> and <code>details.json</code>.",
    );
  });

  it("names the cluster in the header and the title when it has a label", () => {
    const collected = sampleMarch();
    expect(renderSummaryHtml(collected)).not.toContain('class="cluster"');
    collected.details.cluster = "prod-eu-1";
    const html = renderSummaryHtml(collected);
    expect(html).toContain('<p class="cluster">Cluster <strong>prod-eu-1</strong></p>');
    expect(html).toMatch(/<title>Kong License Report — prod-eu-1 — [^<]+<\/title>/);
  });

  it("shows the Kafka brokers per plugin under both rules and the AI Gateway model-hours", () => {
    const march = sampleMarch();
    const html = renderSummaryHtml({
      ...march,
      details: {
        ...march.details,
        route_kafkas: {
          rule: "kafka-family",
          counted_plugins: ["kafka-upstream", "kafka-consume", "confluent", "confluent-consume"],
          kafka_upstream: 1,
          kafka_family: 2,
          by_plugin: [
            { plugin: "kafka-consume", brokers: 1, addresses: ["kafka-2:9092"] },
            { plugin: "kafka-upstream", brokers: 1, addresses: ["kafka-1:9092"] },
          ],
        },
        ai_gateway: {
          model_hours: 7,
          by_month: [
            { month: "2025-02", model_hours: 3 },
            { month: "2025-03", model_hours: 4 },
          ],
          by_model: [{ model: "openai/gpt-4o", model_hours: 7 }],
          by_month_and_model: [
            { month: "2025-02", model: "openai/gpt-4o", model_hours: 3 },
            { month: "2025-03", model: "openai/gpt-4o", model_hours: 4 },
          ],
        },
      },
    });
    expect(html).toContain('<h2 id="kafkas">Kafka brokers on service-less routes</h2>');
    expect(html).toMatch(
      /<strong>2<\/strong> distinct <code>host:port<\/code> in the report\. Under the other rule: 1/,
    );
    expect(html).toContain(
      '<tr><th scope="row"><code>kafka-consume</code></th><td>1</td><td><code>kafka-2:9092</code></td><td>yes</td></tr>',
    );
    expect(html).toContain('<h2 id="ai-gateway">AI Gateway usage: 7 model-hours</h2>');
    expect(html).toContain('<tr><th scope="row">2025-03</th><td>4</td></tr>');
    expect(html).toContain('<tr><th scope="row">openai/gpt-4o</th><td>7</td></tr>');
    // Without the details, no sections.
    expect(renderSummaryHtml(march)).not.toMatch(/id="kafkas"|id="ai-gateway"/);
  });

  it("renders a report without counters or details", () => {
    const html = renderSummaryHtml(withoutExtras(sampleMarch()));
    expect(html).toContain("No request counters: this database has no <code>license_data</code> table.");
    expect(html).not.toContain("<svg");
    expect(html).not.toContain('id="workspaces"');
    expect(html).toContain("No report key was omitted.");
  });
});

/** A collected report as the diff reads it from a file with details. */
const asDocument = (collected: CollectedReport) =>
  JSON.parse(JSON.stringify({ content: collected.report, details: collected.details })) as {
    content: Record<string, unknown>;
    details: Record<string, unknown>;
  };

describe("renderSummaryHtml: sparse and edge-case reports", () => {
  it("explains the counter table check: missing rows, more drifted workspaces than listed, types not compared", () => {
    const collected = sampleMarch();
    collected.details.entity_counters = {
      rows: [
        { entity_type: "services", counter_table: null, live: 12, drift: null },
        { entity_type: "routes", counter_table: 30, live: 30, drift: 0 },
      ],
      drifted: ["services"],
      workspaces: [
        {
          workspace_id: "11111111-1111-4111-8111-111111111111",
          workspace: null,
          entity_type: "services",
          counter_table: null,
          live: 4,
        },
      ],
      workspaces_drifted: 7,
      not_compared: [{ entity_type: "upstreams", counter_table: 2 }],
    };
    const html = renderSummaryHtml(collected);
    expect(html).toContain(
      '<tr class="drift"><th scope="row">services</th><td>—</td><td>12</td><td>no counter rows</td></tr>',
    );
    expect(html).toContain('<tr><th scope="row">routes</th><td>30</td><td>30</td><td>0</td></tr>');
    expect(html).toContain("<caption>Workspaces whose counter rows differ (first 1 of 7)</caption>");
    // A workspace without a name is shown by its id; a missing counter row says so.
    expect(html).toContain(
      '<tr class="drift"><th scope="row">11111111-1111-4111-8111-111111111111</th><td class="text">services</td><td>no row</td><td>4</td></tr>',
    );
    expect(html).toContain("Also in the counter table, not counted live here: <code>upstreams</code> 2.</p>");

    collected.details.entity_counters = {
      rows: [{ entity_type: "routes", counter_table: 30, live: 30, drift: 0 }],
      drifted: [],
    };
    const clean = renderSummaryHtml(collected);
    expect(clean).toContain('<p class="ok">The counter table matches the live counts.</p>');
    expect(clean).not.toContain("Workspaces whose counter rows differ");
    expect(clean).not.toContain("not counted live here");
  });

  it("renders a report without collector facts, version, requests or plugins of a tier", () => {
    const march = sampleMarch();
    const { collector: _c, kong_version: _v, ...report } = march.report;
    const html = renderSummaryHtml({
      report: {
        ...report,
        deployment_info: { type: "hybrid" },
        counters: { total_requests: 0, buckets: [] },
        plugins_count: { ...report.plugins_count, tiers: { ...report.plugins_count.tiers, enterprise: {} } },
      } as unknown as typeof march.report,
      details: {
        ...march.details,
        workspaces: [
          {
            id: "",
            name: "default",
            services: 1,
            routes: 2,
            consumers: 3,
            plugins: { free: {}, enterprise: {}, custom: {} },
            implicit: true,
          },
        ],
        discrete_services: { count: 1, rules: [] },
        route_kafkas: {
          rule: "kafka-upstream",
          counted_plugins: ["kafka-upstream"],
          kafka_upstream: 1,
          kafka_family: 2,
          by_plugin: [{ plugin: "confluent", brokers: 1, addresses: ["kafka-9:9092"] }],
        },
        ai_gateway: { model_hours: 0, by_month: [], by_model: [], by_month_and_model: [] },
      },
    });
    expect(html).toContain('<meta name="generator" content="kong-license-report">');
    expect(html).toContain("· reporting month — (UTC) · read from the Kong database</p>");
    expect(html).toContain("<dt>Kong version</dt><dd>unknown (omitted)</dd>");
    // Hybrid, but no count of data planes: no number is made up.
    expect(html).toContain("<dt>Deployment</dt><dd>hybrid</dd>");
    expect(html).toContain("<dt>Edition</dt><dd>—</dd>");
    expect(html).toContain("<p>No requests counted in the reporting window.</p>");
    expect(html).not.toContain('class="window"');
    expect(html).not.toContain("bucket <code>UNKNOWN</code>");
    expect(html).toContain("<caption>Enterprise · 0 plugin(s)</caption>");
    expect(html).toMatch(/tier-enterprise">[\s\S]*?<tr><td colspan="2" class="empty">none<\/td><\/tr>/);
    expect(html).toContain(
      '<tr><th scope="row">default (implicit: no workspaces in this schema)</th><td>1</td><td>2</td><td>3</td><td>0</td><td>0</td><td>0</td></tr>',
    );
    expect(html).not.toContain('<th scope="col">Discrete services</th>');
    expect(html).toContain("<p>No rewrite rules: keys are compared as read.</p>");
    expect(html).not.toContain("distinct service key(s)");
    expect(html).toContain(
      "Kong up to 3.9 counts the brokers of kafka-upstream only: <strong>1</strong> distinct <code>host:port</code> in the report. Under the other rule: 2 (the whole Kafka family, 3.10+).",
    );
    expect(html).toContain("<td><code>kafka-9:9092</code></td><td>no</td></tr>");
    expect(html).toContain("<p>No AI Gateway use recorded in the window.</p>");
    expect(html).toContain("<dt>Generated by</dt><dd><code>—</code></dd>");
    expect(html).toContain("<dt>Kong version from</dt><dd><code>—</code></dd>");
  });

  it("shows what changed since the previous report, and a trend that cannot start yet", () => {
    const march = sampleMarch();
    const april = sampleApril();
    const {
      old: _o,
      new: _n,
      ...changes
    } = diffReports({ source: "march", ...asDocument(march) }, { source: "april", ...asDocument(april) });
    const html = renderSummaryHtml({
      ...april,
      details: {
        ...april.details,
        since_previous: {
          key: "reports/march.json",
          checksum: march.report.checksum,
          generated_at: "2025-04-01T00:00:00.000Z",
          as_of: "2025-03",
          changes,
        },
        trend: {
          reports: [
            {
              generated_at: "2025-05-01T00:00:00.000Z",
              as_of: "2025-04",
              services: 15,
              routes: 34,
              consumers: 9,
              enterprise_plugins: 6,
              requests_in_window: 1,
            },
          ],
          left_out: [{ key: "reports/feb.json", reason: "its checksum does not match" }],
        },
      },
    });
    expect(html).toContain(
      `Compared with the report generated 2025-04-01T00:00:00.000Z (reporting month 2025-03), checksum <code>${march.report.checksum}</code>, verified: <code>reports/march.json</code>.`,
    );
    expect(html).toContain(
      '<tr class="changed"><th scope="row">Services</th><td>12</td><td>15</td><td>+3</td></tr>',
    );
    expect(html).toContain('<tr><th scope="row">Workspaces</th><td>3</td><td>3</td><td>0</td></tr>');
    expect(html).toContain(
      '<tr class="changed"><th scope="row">Discrete services</th><td>8</td><td>11</td><td>+3</td></tr>',
    );
    expect(html).toContain(
      '<tr class="changed"><th scope="row">Free plugins</th><td>12</td><td>11</td><td>-1</td></tr>',
    );
    expect(html).toContain("<li>new <code>canary</code> (enterprise): 1</li>");
    expect(html).toContain("<li>removed <code>cors</code> (free): was 2</li>");
    expect(html).toContain("<li><code>rate-limiting</code> (free): 6 → 7 (+1)</li>");
    expect(html).toContain("<p>Workspaces: 1 added (search), 1 removed (payments), 1 changed.</p>");
    expect(html).toContain(
      "No earlier report of this cluster was found that verifies: the trend starts with the next report.",
    );
    expect(html).toContain("<li><code>reports/feb.json</code>: its checksum does not match</li>");
  });
});

describe("summary.html in headless Chromium", () => {
  let dir: string;
  let htmlPath: string;

  beforeAll(async () => {
    // The browser comes from npm (@sparticuz/chromium): unpacked here once, so a broken package fails the suite.
    await chromiumExecutable();
    dir = await mkdtemp(join(tmpdir(), "summary-html-"));
    htmlPath = join(dir, "summary.html");
    await writeFile(htmlPath, renderSummaryHtml(sampleMarch()), "utf8");
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("parses into a DOM with the totals, tiers, workspaces, drift and checksum a person reads", {
    timeout: 90_000,
  }, async () => {
    const collected = sampleMarch();
    const dom = await dumpDom(htmlPath);
    // Escaped names stay text: the browser created no script or image element from them.
    expect(dom).not.toMatch(/<script|<img/i);
    const text = visibleText(dom);
    expect(text).toContain("Kong License Report");
    expect(text).toContain(
      "3 Workspaces 12 Services 30 Routes 7 Consumers 2 RBAC users 8 Discrete services 18 Plugins",
    );
    expect(text).toContain(
      `${(collected.report.counters?.total_requests ?? 0).toLocaleString("en-US")} Requests in the window`,
    );
    expect(text).toContain("Apr 2024");
    expect(text).toContain("Mar 2025");
    expect(text).toContain("Free · 12 plugin(s)");
    expect(text).toContain("Enterprise · 5 plugin(s)");
    expect(text).toContain(`Custom · 1 plugin(s) Plugin Count ${XSS_NAME} 1`);
    expect(text).toContain(`payments 4 3 10 2 2 2 0`);
    expect(text).toContain(`${XSS_NAME} 0 0 0 0 0 0 1`);
    expect(text).toContain("Counter drift in services");
    expect(text).toContain("services 11 12 -1");
    expect(text).toContain("system_info The Kong node's uname and cores are not in the database");
    expect(text).toContain(collected.report.checksum);
  });

  it("takes a screenshot showing the header, the bars of the chart and the drift highlight", {
    timeout: 90_000,
  }, async () => {
    const png = await screenshot(htmlPath, join(dir, "summary.png"), 1200, 3200);
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([1200, 3200]);
    // Header band (#0b1f3a) across the page width.
    expect(countColor(image, "#0b1f3a")).toBeGreaterThan(1200 * 60);
    // Twelve bars (#1f6feb) of ~48 px width: thousands of pixels when the chart is drawn.
    expect(countColor(image, "#1f6feb")).toBeGreaterThan(12 * 40 * 20);
    // Drifted counter rows are highlighted (#fff1f0).
    expect(countColor(image, "#fff1f0")).toBeGreaterThan(1000);
  });
});
