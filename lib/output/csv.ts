/**
 * The one CSV writer of the product (report.csv, ai-usage.csv, estate.csv): one RFC 4180 table per
 * file (a header, then records of as many fields, CRLF after each, the last included) with a UTF-8
 * byte-order mark so spreadsheet programs read non-ASCII names correctly. Numbers are written as
 * they are; text goes through `quoteCsv`.
 */
export function formatCsv(
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const lines = [columns, ...rows].map((cells, index) => {
    if (cells.length !== columns.length) {
      throw new Error(`CSV row ${index} has ${cells.length} fields; the header has ${columns.length}.`);
    }
    // String(): a stored report may hold anything where a count belongs; it is text, guarded.
    return cells.map((cell) => (typeof cell === "number" ? String(cell) : quoteCsv(String(cell)))).join(",");
  });
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/**
 * The guard every text cell goes through (OWASP "CSV Injection"): a leading `'` when the text
 * starts with tab or CR, or when its first non-blank character starts a formula: `=`, `+`, `-`,
 * `@`, or their fullwidth (`＝ ＋ － ＠`) and small (`﹦ ﹢ ﹣`) forms, which spreadsheets read the
 * same (blanks: any Unicode space, line breaks, zero-width characters). Then RFC 4180 quoting when
 * the text holds `"`, `,`, CR or LF, and also `;`, the separator in many locales, so a cell can
 * never split into one that starts with a formula.
 */
export function quoteCsv(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const FORMULA_START = /^(?:[\t\r]|[\s\u200b-\u200d\u2060]*[=+\-@＝＋－＠﹦﹢﹣])/u;
const NEEDS_QUOTES = /[",;\r\n]/;
