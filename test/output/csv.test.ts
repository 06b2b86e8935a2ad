import { describe, expect, it } from "vitest";
import { buildEstate } from "#lib/estate/build-estate.ts";
import { formatCsv, quoteCsv } from "#lib/output/csv.ts";
import { renderEstateCsv } from "#lib/output/estate-csv.ts";
import { renderAiUsageCsv, renderReportCsv } from "#lib/output/report-csv.ts";
import { parseCsv } from "../helpers/csv.ts";
import { sampleMarch } from "../helpers/sample-report.ts";

describe("quoteCsv: the formula guard (OWASP CSV injection)", () => {
  it("prefixes ' to text starting with = + - @, tab or CR", () => {
    expect(quoteCsv("=1+2")).toBe("'=1+2");
    expect(quoteCsv("+1")).toBe("'+1");
    expect(quoteCsv("-1+2")).toBe("'-1+2");
    expect(quoteCsv("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(quoteCsv("\t=1")).toBe("'\t=1");
    expect(quoteCsv("\r=1")).toBe('"\'\r=1"');
  });

  it("also when blanks come first: spaces, no-break and ideographic spaces, line breaks", () => {
    expect(quoteCsv(" =1+2")).toBe("' =1+2");
    expect(quoteCsv("   @cmd")).toBe("'   @cmd");
    expect(quoteCsv("\u00a0+1")).toBe("'\u00a0+1");
    expect(quoteCsv("\u3000-1")).toBe("'\u3000-1");
    expect(quoteCsv("\n=1")).toBe('"\'\n=1"');
    expect(quoteCsv(' =HYPERLINK("http://x")')).toBe(`"' =HYPERLINK(""http://x"")"`);
  });

  it("also for the fullwidth and small forms a spreadsheet reads as = + - @", () => {
    expect(quoteCsv("＝1+2")).toBe("'＝1+2");
    expect(quoteCsv("＋1")).toBe("'＋1");
    expect(quoteCsv("－1")).toBe("'－1");
    expect(quoteCsv("＠SUM(A1)")).toBe("'＠SUM(A1)");
    expect(quoteCsv(" ＝1")).toBe("' ＝1");
    expect(quoteCsv("﹦1")).toBe("'﹦1");
    expect(quoteCsv("﹢1")).toBe("'﹢1");
    expect(quoteCsv("﹣1")).toBe("'﹣1");
  });

  it("quotes a cell holding ; (the separator in many locales), a comma, a quote, CR or LF", () => {
    expect(quoteCsv("a;=1+2")).toBe('"a;=1+2"');
    expect(quoteCsv("=1;2")).toBe('"\'=1;2"');
    expect(quoteCsv("a,b")).toBe('"a,b"');
    expect(quoteCsv('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsv("a\r\nb")).toBe('"a\r\nb"');
  });

  it("leaves other text as it is: a sign inside a name, leading blanks before a letter", () => {
    expect(quoteCsv("plain")).toBe("plain");
    expect(quoteCsv("rate-limiting")).toBe("rate-limiting");
    expect(quoteCsv("  spaced name")).toBe("  spaced name");
    expect(quoteCsv("a=b+c@d")).toBe("a=b+c@d");
    expect(quoteCsv("")).toBe("");
  });
});

const HOSTILE_CELLS = [" =cmd|' /C calc'!A0", "＝1+1", "a;=1+2", "\u00a0@SUM(1)"];

describe("every CSV writer guards its text", () => {
  it("report.csv, ai-usage.csv and estate.csv write the same guarded cells", () => {
    const collected = sampleMarch();
    collected.details.workspaces = HOSTILE_CELLS.map((name, i) => ({
      id: `w-${i}`,
      name,
      services: 0,
      routes: 0,
      consumers: 0,
      plugins: { free: {}, enterprise: {}, custom: {} },
    }));
    collected.details.ai_gateway = {
      model_hours: 4,
      by_month: [{ month: "2025-03", model_hours: 4 }],
      by_model: HOSTILE_CELLS.map((model) => ({ model, model_hours: 1 })),
      by_month_and_model: HOSTILE_CELLS.map((model) => ({ month: "2025-03", model, model_hours: 1 })),
    };
    const estate = buildEstate(
      HOSTILE_CELLS.map((error, i) => ({ environment: `env-${i}`, status: "failed", error })),
      { asOf: "2025-03", generatedAt: "2025-04-01T00:00:00.000Z" },
    );
    // The formula starts get their ', and the cell with ; is quoted (it reads back whole, as written).
    const guarded = ["' =cmd|' /C calc'!A0", "'＝1+1", "a;=1+2", "'\u00a0@SUM(1)"];
    const column = (csv: string, index: number) =>
      parseCsv(csv.slice(1))
        .slice(1, 1 + HOSTILE_CELLS.length)
        .map((row) => row.at(index));
    expect(column(renderReportCsv(collected), 0)).toEqual(guarded);
    expect(column(renderAiUsageCsv(collected), 1)).toEqual(guarded);
    expect(column(renderEstateCsv(estate), -1)).toEqual(guarded);
    for (const csv of [renderReportCsv(collected), renderAiUsageCsv(collected), renderEstateCsv(estate)]) {
      expect(csv).toContain('"a;=1+2"');
    }
  });
});

describe("formatCsv", () => {
  it("writes one RFC 4180 table: a BOM, CRLF after every record, numbers as they are", () => {
    expect(
      formatCsv(
        ["a", "b"],
        [
          [1, "x,y"],
          [-2, ""],
        ],
      ),
    ).toBe('\uFEFFa,b\r\n1,"x,y"\r\n-2,\r\n');
  });

  it("refuses a row of another width than the header: a CSV is one table", () => {
    expect(() => formatCsv(["a", "b"], [[1, 2], [3]])).toThrow("CSV row 2 has 1 fields; the header has 2.");
  });

  it("writes a forged non-number count as guarded text", () => {
    expect(formatCsv(["n"], [["=1+2" as unknown as number]])).toBe("\uFEFFn\r\n'=1+2\r\n");
  });
});
