import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSummaryHtml } from "#lib/output/summary-html.ts";
import type { CollectedReport } from "#lib/report/types.ts";
import {
  chromiumExecutable,
  countColor,
  decodePng,
  dumpDom,
  screenshot,
  visibleText,
} from "../helpers/chromium.ts";
import { sampleMarch, XSS_NAME } from "../helpers/sample-report.ts";

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

  it("shows only the end of the license key", () => {
    const html = renderSummaryHtml(sampleMarch());
    expect(html).not.toContain("ASDASDASDASDASDASDASDASDASD_a1VASASD");
    expect(html).toContain("…VASASD");
  });

  it("names the cluster in the header and the title when it has a label", () => {
    const collected = sampleMarch();
    expect(renderSummaryHtml(collected)).not.toContain('class="cluster"');
    collected.details.cluster = "prod-eu-1";
    const html = renderSummaryHtml(collected);
    expect(html).toContain('<p class="cluster">Cluster <strong>prod-eu-1</strong></p>');
    expect(html).toMatch(/<title>Kong License Report — prod-eu-1 — [^<]+<\/title>/);
  });

  it("renders a report without counters or details", () => {
    const html = renderSummaryHtml(withoutExtras(sampleMarch()));
    expect(html).toContain("No request counters: this database has no <code>license_data</code> table.");
    expect(html).not.toContain("<svg");
    expect(html).not.toContain('id="workspaces"');
    expect(html).toContain("No report key was omitted.");
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
