import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, quoteCsv, renderReportCsv } from "#lib/output/report-csv.ts";
import { sampleMarch, XSS_NAME } from "../helpers/sample-report.ts";

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
    } else if (ch === '"' && field === "") {
      quoted = true;
      i += 1;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      i += 1;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else if (ch === "\n" || ch === "\r" || ch === '"') {
      throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    } else {
      field += ch;
      i += 1;
    }
  }
  if (field !== "" || row.length > 0) throw new Error("last record not terminated by CRLF");
  return rows;
}

describe("renderReportCsv", () => {
  it("adds the AI Gateway model-hours per month and model below the workspaces, with a total", () => {
    const march = sampleMarch();
    const csv = renderReportCsv({
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
    });
    const rows = parseCsv(csv.slice(1));
    const blank = rows.findIndex((row) => row.length === 1 && row[0] === "");
    expect(rows.slice(blank)).toEqual([
      [""],
      ["ai_gateway_month", "model", "model_hours"],
      ["2025-03", "anthropic/claude-sonnet-4", "2"],
      ["2025-03", "openai/gpt-4o", "4"],
      ["TOTAL", "", "6"],
    ]);
    expect(renderReportCsv(march)).not.toContain("ai_gateway_month");
  });

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
