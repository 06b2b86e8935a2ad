import { describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import type { EnvironmentOutcome } from "#lib/estate/types.ts";
import { renderEstateCsv } from "#lib/output/estate-csv.ts";
import { renderEstateSummaryHtml } from "#lib/output/estate-summary-html.ts";
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
    if (prod?.status !== "ok" || stage === undefined) throw new Error("sample changed");
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
