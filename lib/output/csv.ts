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
 * RFC 4180 quoting of a text field. Text starting with `=`, `+`, `-`, `@`, tab or CR gets a
 * leading `'` so a spreadsheet shows a workspace name instead of evaluating it as a formula.
 */
export function quoteCsv(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
