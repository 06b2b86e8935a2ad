import { describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import type { EnvironmentOutcome } from "#lib/estate/types.ts";
import { renderEstateCsv } from "#lib/output/estate-csv.ts";
import { buildEstateFiles } from "#lib/output/estate-files.ts";
import { renderEstateSummaryHtml } from "#lib/output/estate-page/render-estate-page.ts";
import { reportOf } from "../helpers/estate-entries.ts";
import { sampleMarch, signReport, XSS_NAME } from "../helpers/sample-report.ts";

/** prod: the March sample (12 months + UNKNOWN); stage: the same deployment at a tenth of the traffic. */
function sampleOutcomes(): EnvironmentOutcome[] {
  const prod = sampleMarch().report;
  const { checksum: _drop, ...unsigned } = prod;
  const stage = signReport({
    ...unsigned,
    counters: {
      total_requests: 51_234 + 46_000,
      buckets: [
        { bucket: "2025-02", request_count: 46_000 },
        { bucket: "2025-03", request_count: 51_234 },
      ],
    },
  });
  return [
    {
      environment: "prod",
      status: "ok",
      source: "data_api",
      report: prod,
      discreteServices: ["http://a:80/", XSS_NAME],
    },
    {
      environment: "stage",
      status: "ok",
      source: "database_url",
      report: stage,
      discreteServices: ["http://a:80/"],
    },
    { environment: "dr", status: "failed", source: "database_url", error: `refused: ${XSS_NAME}` },
  ];
}

describe("the estate summary page", () => {
  const estate = buildEstate(sampleOutcomes(), { asOf: "2025-03", generatedAt: "2025-04-01T00:00:00.000Z" });
  const page = renderEstateSummaryHtml(estate);

  it("escapes every value that comes from a database or an error", () => {
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img");
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(page).not.toMatch(/<script|src=["']?http|<link/);
  });

  it("shows the failed environment in red with its error", () => {
    expect(page).toContain('<section class="failed" aria-labelledby="failures">');
    expect(page).toContain("<li><strong>dr</strong>: refused: &lt;script&gt;");
    expect(page).toContain(
      '<tr class="failed"><th scope="row">dr<span class="source">database_url</span></th><td class="text">failed</td>',
    );
    expect(page).toContain('<li class="bad"><span class="value">2 / 3</span>');
  });

  it("stacks the monthly requests of both environments, 12 months up to the reporting month", () => {
    const description = /<desc id="chart-desc">([^<]*)<\/desc>/.exec(page)?.[1];
    // prod's months, plus stage's 46,000 in 2025-02 and 51,234 in 2025-03.
    expect(description).toBe(
      [
        "2024-04 120,000",
        "2024-05 180,500",
        "2024-06 210,000",
        "2024-07 198,000",
        "2024-08 250,250",
        "2024-09 305,000",
        "2024-10 290,000",
        "2024-11 350,000",
        "2024-12 410,000",
        "2025-01 395,000",
        "2025-02 506,000",
        "2025-03 563,579",
      ].join(", "),
    );
    expect(page.match(/<rect [^>]*fill="#0072b2"/g)).toHaveLength(12); // prod, every month
    expect(page.match(/<rect [^>]*fill="#e69f00"/g)).toHaveLength(2); // stage, two months
    expect(page).toContain("<title>stage, 2025-03: 51,234 requests</title>");
    expect(page).toContain("Requests without a month (bucket <code>UNKNOWN</code>");
  });

  it("lists discrete services across environments, shared ones marked", () => {
    expect(page).toContain("<strong>2</strong> distinct service(s); 1 of them in more than one environment.");
    expect(page).toContain(
      '<tr class="shared"><td class="text"><code>http://a:80/</code></td><td>2</td><td class="text">prod, stage</td></tr>',
    );
  });

  it("writes one CSV row per environment and a totals row", () => {
    const lines = renderEstateCsv(estate)
      .replace(/^\uFEFF/, "")
      .split("\r\n");
    expect(lines[0]).toBe(
      "environment,status,source,kong_version,workspaces,services,discrete_services,routes,consumers,rbac_users,plugins_free,plugins_enterprise,plugins_custom,plugins_total,total_requests,checksum,error",
    );
    expect(lines[3]).toBe(
      `dr,failed,database_url,,,,,,,,,,,,,,"refused: <script>alert(""x"")</script><img src=x onerror=alert(1)>"`,
    );
    // Totals: 3 + 3 workspaces, 12 + 12 services, 2 discrete, 30 + 30 routes, 7 + 7 consumers, 2 + 2 RBAC
    // users, plugins 12 + 12 free, 5 + 5 enterprise, 1 + 1 custom; requests 3,685,416 (12 months + UNKNOWN) + 97,234.
    expect(lines[4]).toBe(`TOTAL,2 of 3 reported,,,6,24,2,60,14,4,24,10,2,36,3782650,${estate.digest},`);
  });
});

describe("buildEstate", () => {
  it("lists a report that no longer matches its checksum as failed and leaves it out of the totals", () => {
    const [prod, stage] = sampleOutcomes();
    if (prod?.status !== "ok" || !("report" in prod) || stage === undefined)
      throw new Error("sample changed");
    const edited = { ...prod, report: { ...prod.report, services_count: 1 } };
    const estate = buildEstate([edited, stage], { asOf: "2025-03", generatedAt: "2025-04-01T00:00:00.000Z" });
    expect(estate.environments[0]).toMatchObject({ environment: "prod", status: "failed" });
    expect(estate.environments[0]?.status === "failed" && estate.environments[0].error).toMatch(
      /^its report does not match its checksum \(claims [0-9a-f]{40}, content hashes to [0-9a-f]{40}\)/,
    );
    expect(estate.totals.services_count).toBe(12);
    expect(estate.totals.environments_reported).toBe(1);
  });

  it("refuses two environments of the same name", () => {
    const [prod] = sampleOutcomes();
    if (prod === undefined) throw new Error("sample changed");
    expect(() =>
      buildEstate([prod, { ...prod, environment: "PROD" }], { asOf: "2025-03", generatedAt: new Date(0) }),
    ).toThrow('Environment "PROD" appears twice in the estate.');
  });
});

/** An open-source Kong with nothing configured: no rbac_users, no counters, no kong_version, no plugins. */
function bareOssOutcome(environment: string): EnvironmentOutcome {
  const { checksum: _c, rbac_users: _r, counters: _k, kong_version: _v, ...unsigned } = sampleMarch().report;
  const report = signReport({
    ...unsigned,
    workspaces_count: 1,
    services_count: 0,
    routes_count: 0,
    consumers_count: 0,
    plugins_count: {
      tiers: { free: {}, enterprise: {}, custom: {} },
      unique_route_lambdas: 0,
      unique_route_kafkas: 0,
    },
  });
  return { environment, status: "ok", report, discreteServices: [] };
}

describe("an estate of one empty open-source environment", () => {
  const estate = buildEstate([bareOssOutcome("lab")], {
    asOf: "2025-03",
    generatedAt: "2025-04-01T00:00:00.000Z",
    discreteRules: [{ find: "-dev", replace_with: "" }],
  });
  const page = renderEstateSummaryHtml(estate);

  it("states each empty section instead of drawing it, and shows no failure", () => {
    expect(page).not.toContain('class="failed"');
    expect(page).toContain(
      '<li><span class="value">1 / 1</span><span class="label">Environments reported</span></li>',
    );
    expect(page).not.toContain("RBAC users</span>");
    expect(page).not.toContain("Requests in the window");
    expect(page).toContain("<p>No environment reported request counters.</p>");
    expect(page).not.toContain("<svg");
    expect(page).toContain("<p>No plugins in any environment.</p>");
    expect(page).toContain("<strong>0</strong> distinct service(s); 0 of them in more than one environment.");
    expect(page).not.toContain("<summary>The services");
  });

  it("names the discrete rules it applied", () => {
    expect(page).toContain(", after 1 find/replace rule(s).</p>");
    expect(page).toContain("<p>Rules applied in order to every key: <code>-dev</code> → <code></code>.</p>");
  });

  it("shows keys the report leaves out as — on the page and empty cells in estate.csv", () => {
    expect(page).toMatch(
      /<tr><th scope="row"><span class="swatch" style="background:#0072b2"><\/span>lab<\/th><td class="text">ok<\/td><td class="text">—<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>0<\/td><td>—<\/td><td>0 · 0 · 0<\/td><td>—<\/td>/,
    );
    const lines = renderEstateCsv(estate)
      .replace(/^\uFEFF/, "")
      .split("\r\n");
    const report = reportOf(estate.environments[0]);
    expect(lines[1]).toBe(`lab,ok,,,1,0,0,0,0,,0,0,0,0,,${report?.checksum},`);
    expect(lines[2]).toBe(`TOTAL,1 of 1 reported,,,1,0,0,0,0,,0,0,0,0,,${estate.digest},`);
  });
});

describe("buildEstateFiles", () => {
  it("puts each reported environment's response.json and details.json in its folder, failed ones not", () => {
    const [prod, stage, dr] = sampleOutcomes();
    if (prod?.status !== "ok" || !("report" in prod) || stage === undefined || dr === undefined)
      throw new Error("sample changed");
    const withDetails = { ...prod, details: sampleMarch().details };
    const estate = buildEstate([withDetails, stage, dr], { asOf: "2025-03", generatedAt: new Date(0) });
    const files = buildEstateFiles(estate, "tar");
    expect(files.map((f) => f.name)).toEqual([
      "estate.json",
      "environments/prod/response.json",
      "environments/prod/details.json",
      "environments/stage/response.json",
      "summary.html",
      "estate.csv",
      "manifest.json",
    ]);
    expect(JSON.parse(String(files[1]?.content))).toEqual(prod.report);
    expect(buildEstateFiles(estate, "json").map((f) => f.name)).toEqual(["estate.json"]);
  });

  it("refuses an environment name that cannot be a folder in the tar", () => {
    const estate = buildEstate([bareOssOutcome("../etc")], { asOf: "2025-03", generatedAt: new Date(0) });
    expect(() => buildEstateFiles(estate, "tar")).toThrow(
      'Environment name "../etc" cannot be a folder name.',
    );
  });
});
