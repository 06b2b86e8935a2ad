import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffReports } from "#lib/diff/diff-reports.ts";
import { buildEstate } from "#lib/estate/build-estate.ts";
import type { EnvironmentOutcome, EstateDocument } from "#lib/estate/types.ts";
import { renderEstateSummaryHtml } from "#lib/output/estate-page/render-estate-page.ts";
import { renderSummaryHtml } from "#lib/output/report-page/render-report-page.ts";
import type { CollectedReport, UnsignedReport } from "#lib/report/types.ts";
import { chromiumExecutable, withWatchedPage } from "../helpers/chromium.ts";
import { sampleApril, sampleMarch, signReport } from "../helpers/sample-report.ts";

/** Names a database, an error or a forged stored file could carry, each trying to become markup. */
const HOSTILE = [
  `<script>alert("x")</script>`,
  `"><img src=x onerror=alert(1)>`,
  `'><svg onload=alert(2)>`,
  "javascript:alert(3)",
  "\u001b[32mOK\u001b[0m",
  "admin\u202egnp.exe",
  "`backtick` onfocus=`alert(4)`",
  "<meta http-equiv=refresh content='0;url=https://evil.example'>",
  "</style><style>body{display:none}</style>",
  "<!--<b>x</b>--><a href=https://evil.example>y</a>",
] as const;

/** The forged count of issue 23: a stored report whose services_count is markup, signed again. */
const FORGED_COUNT = "<meta http-equiv=refresh content='0;url=https://evil.example'>";

/** Keys whose values select a branch of the page (a union of fixed words): kept, so every branch is drawn. */
const DISCRIMINANTS = new Set(["status", "type", "rule", "estate_version"]);
const TIER_NAMES = new Set(["free", "enterprise", "custom"]);

/**
 * Every text value (and every plugin name, which are keys) replaced by a hostile string, in turn;
 * with `numbers`, every number too, as a forged stored file could hold.
 */
function forge<T>(value: T, options: { numbers: boolean }): T {
  let next = 0;
  const hostile = () => HOSTILE[next++ % HOSTILE.length] as string;
  const walk = (item: unknown, key: string | undefined, parent: string | undefined): unknown => {
    if (key !== undefined && DISCRIMINANTS.has(key)) return item;
    if (typeof item === "string") return hostile();
    if (typeof item === "number") return options.numbers ? hostile() : item;
    if (Array.isArray(item)) return item.map((entry) => walk(entry, undefined, key));
    if (item === null || typeof item !== "object") return item;
    const names = key !== undefined && TIER_NAMES.has(key) && parent !== undefined;
    return Object.fromEntries(Object.entries(item).map(([k, v]) => [names ? hostile() : k, walk(v, k, key)]));
  };
  return walk(value, undefined, undefined) as T;
}

/** The April sample with every section the page can draw: since the last report, trend, Kafka, AI, cluster. */
function everySection(): CollectedReport {
  const march = sampleMarch();
  const april = sampleApril();
  const asDocument = (collected: CollectedReport) =>
    JSON.parse(JSON.stringify({ content: collected.report, details: collected.details })) as {
      content: Record<string, unknown>;
      details: Record<string, unknown>;
    };
  const {
    old: _o,
    new: _n,
    ...changes
  } = diffReports({ source: "march", ...asDocument(march) }, { source: "april", ...asDocument(april) });
  const point = (as_of: string, k: number) => ({
    generated_at: `${as_of}-01T00:00:00.000Z`,
    as_of,
    services: 10 + k,
    routes: 30 + k,
    consumers: 7 + k,
    enterprise_plugins: 5 + k,
    requests_in_window: 1000 * k,
  });
  return {
    ...april,
    details: {
      ...april.details,
      cluster: "prod-eu-1",
      since_previous: {
        key: "reports/march.json",
        checksum: march.report.checksum,
        generated_at: "2025-04-01T00:00:00.000Z",
        as_of: "2025-03",
        changes,
      },
      trend: {
        reports: [point("2025-02", 1), point("2025-03", 2), point("2025-04", 3)],
        left_out: [{ key: "reports/feb.json", reason: "its checksum does not match" }],
      },
      route_kafkas: {
        rule: "kafka-family",
        counted_plugins: ["kafka-upstream"],
        kafka_upstream: 1,
        kafka_family: 1,
        by_plugin: [{ plugin: "kafka-upstream", brokers: 1, addresses: ["kafka-1:9092"] }],
      },
      ai_gateway: {
        model_hours: 3,
        by_month: [{ month: "2025-04", model_hours: 3 }],
        by_model: [{ model: "openai/gpt-4o", model_hours: 3 }],
        by_month_and_model: [{ month: "2025-04", model: "openai/gpt-4o", model_hours: 3 }],
      },
      entity_counters: {
        rows: [{ entity_type: "services", counter_table: 11, live: 12, drift: -1 }],
        drifted: ["services"],
        workspaces: [
          { workspace_id: "w-1", workspace: "payments", entity_type: "services", counter_table: 3, live: 4 },
        ],
        workspaces_drifted: 1,
        not_compared: [{ entity_type: "upstreams", counter_table: 2 }],
      },
    },
  };
}

/** prod and stage reported, dr failed; prod with its details. */
function estateOutcomes(): EnvironmentOutcome[] {
  const march = sampleMarch();
  return [
    {
      environment: "prod",
      status: "ok",
      source: "data_api",
      report: march.report,
      details: march.details,
      discreteServices: ["http://a:80/", "http://b:80/"],
    },
    {
      environment: "stage",
      status: "ok",
      source: "database_url",
      report: sampleApril().report,
      discreteServices: [],
    },
    { environment: "dr", status: "failed", source: "database_url", error: "connection refused" },
  ];
}

function estateOf(outcomes: EnvironmentOutcome[]): EstateDocument {
  return buildEstate(outcomes, { asOf: "2025-03", generatedAt: "2025-04-01T00:00:00.000Z" });
}

/** The elements the two pages are made of; anything else came from data. */
const PAGE_ELEMENTS = new Set(
  (
    "html head meta title style body header h1 h2 h3 p main section ul li span strong dl dt dd code " +
    "table caption thead tbody tr th td details summary div figure figcaption " +
    "svg desc g line text tspan rect polyline circle"
  ).split(" "),
);

interface InspectedDom {
  readonly elements: string[];
  readonly attributes: string[];
  readonly metas: string[];
  readonly styles: number;
  readonly text: string;
}

/** Run in the page (as text: the tests are type-checked without the DOM's types). */
const INSPECT_DOM = `(() => {
  const elements = [...document.querySelectorAll("*")];
  const attributes = elements.flatMap((e) => [...e.attributes].map((a) => e.localName + " " + a.name));
  return {
    elements: [...new Set(elements.map((e) => e.localName))].sort(),
    attributes: [...new Set(attributes)].sort(),
    metas: [...document.querySelectorAll("meta")].map((m) => m.getAttribute("name") ?? m.getAttribute("http-equiv") ?? "charset"),
    styles: document.querySelectorAll("style").length,
    text: document.body.innerText,
  };
})()`;

/** The markup checks that need no browser: no hostile string arrives as markup, nor a raw control character. */
function expectInertText(page: string): void {
  expect(page).not.toMatch(/<(script|img|iframe|object|embed|link|base|form|a|b)\b/i);
  expect(page).not.toMatch(/<svg onload|<meta http-equiv=refresh|<\/style><style>|<!--/i);
  expect(page.match(/<style>/g)).toHaveLength(1);
  expect(page.replace(/[\t\n\r]/g, "")).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  expect(page).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
}

describe("summary pages with hostile values", () => {
  let dir: string;
  beforeAll(async () => {
    await chromiumExecutable();
    dir = await mkdtemp(join(tmpdir(), "hostile-pages-"));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** Chromium parses the page: no element, handler, link, request, dialog or navigation comes from data. */
  async function expectNoLiveMarkup(name: string, page: string): Promise<string> {
    const path = join(dir, `${name}.html`);
    await writeFile(path, page, "utf8");
    return withWatchedPage(path, async (browserPage, activity) => {
      expect(activity.requests).toEqual([]);
      expect(activity.dialogs).toEqual([]);
      expect(browserPage.url()).toBe(pathToFileURL(path).href);
      const found = (await browserPage.evaluate(INSPECT_DOM)) as InspectedDom;
      expect(found.elements.filter((element) => !PAGE_ELEMENTS.has(element))).toEqual([]);
      expect(
        found.attributes.filter((attribute) =>
          /\s(on|href|src|xlink:|action|formaction|srcdoc)/i.test(attribute),
        ),
      ).toEqual([]);
      expect(found.metas).toEqual(["charset", "viewport", "Content-Security-Policy", "generator"]);
      expect(found.styles).toBe(1);
      return found.text;
    });
  }

  it("report page: every text value and plugin name hostile, shown as text", {
    timeout: 90_000,
  }, async () => {
    const page = renderSummaryHtml(forge(everySection(), { numbers: false }));
    expectInertText(page);
    const text = await expectNoLiveMarkup("report-text", page);
    expect(text).toContain(`<script>alert("x")</script>`);
    expect(text).toContain("<meta http-equiv=refresh content='0;url=https://evil.example'>");
    expect(text).toContain("\\x1b[32mOK\\x1b[0m");
    expect(text).toContain("admin\\u202egnp.exe");
  });

  it("report page: every number forged to markup too, as a stored report could hold", {
    timeout: 90_000,
  }, async () => {
    const page = renderSummaryHtml(forge(everySection(), { numbers: true }));
    expectInertText(page);
    await expectNoLiveMarkup("report-numbers", page);
  });

  it("estate page: a stored report's forged non-number count is text, not a redirect", {
    timeout: 90_000,
  }, async () => {
    const [prod, ...others] = estateOutcomes();
    if (prod?.status !== "ok" || !("report" in prod)) throw new Error("sample changed");
    const { checksum: _c, ...unsigned } = prod.report;
    const forged = signReport({
      ...(unsigned as UnsignedReport),
      services_count: FORGED_COUNT as unknown as number,
    });
    const page = renderEstateSummaryHtml(estateOf([{ ...prod, report: forged }, ...others]));
    expect(page).not.toContain(FORGED_COUNT);
    expect(page).toContain("&lt;meta http-equiv=refresh content=&#39;0;url=https://evil.example&#39;&gt;");
    const text = await expectNoLiveMarkup("estate-count", page);
    expect(text).toContain(FORGED_COUNT);
  });

  it("estate page: every text value, name and number of a stored estate hostile", {
    timeout: 90_000,
  }, async () => {
    const page = renderEstateSummaryHtml(forge(estateOf(estateOutcomes()), { numbers: true }));
    expectInertText(page);
    const text = await expectNoLiveMarkup("estate-all", page);
    expect(text).toContain(`<script>alert("x")</script>`);
  });
});
