import { describe, expect, it } from "vitest";
import { quoteCsv } from "#lib/output/csv.ts";
import {
  AI_USAGE_CSV_COLUMNS,
  CSV_COLUMNS,
  renderAiUsageCsv,
  renderReportCsv,
} from "#lib/output/report-csv.ts";
import type { CollectedReport } from "#lib/report/types.ts";
import { parseCsv } from "../helpers/csv.ts";
import { sampleMarch, XSS_NAME } from "../helpers/sample-report.ts";

describe("renderReportCsv", () => {
  it("writes a header, one row per workspace and a totals row", () => {
    const csv = renderReportCsv(sampleMarch());
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ["default", "a0d6c1c2-7e3b-4f0e-9c5d-2b8e4f1a6d30", "8", "6", "20", "5", "10", "3", "0", "13", ""],
      ["payments", "11111111-1111-4111-8111-111111111111", "4", "3", "10", "2", "2", "2", "0", "4", ""],
      [XSS_NAME, "33333333-3333-4333-8333-333333333333", "0", "0", "0", "0", "0", "0", "1", "1", ""],
      ["TOTAL", "", "12", "8", "30", "7", "12", "5", "1", "18", ""],
    ]);
  });

  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    const collected = sampleMarch();
    const [first] = collected.details.workspaces ?? [];
    if (first === undefined) throw new Error("sample has workspaces");
    first.name = 'a,b "c"\r\nd';
    const second = collected.details.workspaces?.[1];
    if (second !== undefined) second.name = '=HYPERLINK("http://x")';
    const rows = parseCsv(renderReportCsv(collected).slice(1));
    expect(rows[1]?.[0]).toBe('a,b "c"\r\nd');
    expect(rows[2]?.[0]).toBe('\'=HYPERLINK("http://x")');
    expect(quoteCsv("-1+2")).toBe("'-1+2");
    expect(quoteCsv("plain")).toBe("plain");
  });

  it("repeats the cluster label on every row, in the last column", () => {
    const collected = sampleMarch();
    collected.details.cluster = "prod-eu-1";
    const rows = parseCsv(renderReportCsv(collected).slice(1));
    expect(rows[0]?.at(-1)).toBe("cluster");
    expect(rows.slice(1).map((row) => [row[0], row.at(-1)])).toEqual([
      ["default", "prod-eu-1"],
      ["payments", "prod-eu-1"],
      [XSS_NAME, "prod-eu-1"],
      ["TOTAL", "prod-eu-1"],
    ]);
  });

  it("holds only the totals row when the details were skipped", () => {
    const { report, details } = sampleMarch();
    const { workspaces: _w, discrete_services: _d, ...rest } = details;
    const rows = parseCsv(renderReportCsv({ report, details: rest }).slice(1));
    expect(rows).toEqual([[...CSV_COLUMNS], ["TOTAL", "", "12", "", "30", "7", "12", "5", "1", "18", ""]]);
  });
});

/** March with a month of AI Gateway use by two models. */
function withAiUsage(): CollectedReport {
  const march = sampleMarch();
  return {
    ...march,
    details: {
      ...march.details,
      ai_gateway: {
        model_hours: 6,
        by_month: [{ month: "2025-03", model_hours: 6 }],
        by_model: [
          { model: "openai/gpt-4o", model_hours: 4 },
          { model: "anthropic/claude-sonnet-4", model_hours: 2 },
        ],
        by_month_and_model: [
          { month: "2025-03", model: "anthropic/claude-sonnet-4", model_hours: 2 },
          { month: "2025-03", model: "openai/gpt-4o", model_hours: 4 },
        ],
      },
    },
  };
}

describe("report.csv is one table", () => {
  it("holds only the workspaces and their totals, also when the report has AI Gateway usage", () => {
    const csv = renderReportCsv(withAiUsage());
    expect(csv).toBe(renderReportCsv(sampleMarch()));
    expect(csv).not.toContain("\r\n\r\n");
    expect(csv).not.toContain("model");
    const rows = parseCsv(csv.slice(1));
    expect(rows.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
  });
});

describe("renderAiUsageCsv", () => {
  it("writes ai-usage.csv: the model-hours per month and model, a total, the cluster on every row", () => {
    const collected = withAiUsage();
    collected.details.cluster = "prod-eu-1";
    const csv = renderAiUsageCsv(collected);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(parseCsv(csv.slice(1))).toEqual([
      ["month", "model", "model_hours", "cluster"],
      ["2025-03", "anthropic/claude-sonnet-4", "2", "prod-eu-1"],
      ["2025-03", "openai/gpt-4o", "4", "prod-eu-1"],
      ["TOTAL", "", "6", "prod-eu-1"],
    ]);
    expect([...AI_USAGE_CSV_COLUMNS]).toEqual(["month", "model", "model_hours", "cluster"]);
  });

  it("writes a total of 0 when Kong has the counter but no use, and the header alone without the counter", () => {
    const march = sampleMarch();
    const unused = {
      ...march,
      details: {
        ...march.details,
        ai_gateway: { model_hours: 0, by_month: [], by_model: [], by_month_and_model: [] },
      },
    };
    expect(renderAiUsageCsv(unused)).toBe("\uFEFFmonth,model,model_hours,cluster\r\nTOTAL,,0,\r\n");
    expect(march.details.ai_gateway).toBeUndefined();
    expect(renderAiUsageCsv(march)).toBe("\uFEFFmonth,model,model_hours,cluster\r\n");
  });
});
