/**
 * Names from a database or a file are data: a control character (ESC starts a terminal escape
 * sequence, CR rewrites the line) or a bidi control (U+202E reverses the text after it) must never
 * act. Every place that shows text to a person uses the one rule here: the HTML pages, the
 * terminal, and the JSON files (where the same characters become \uXXXX escapes, same content).
 */

// C0 and C1 controls, DEL, the bidi embeddings, overrides and isolates (they reorder everything after
// them), and the line and paragraph separators (which some terminals and editors break on). The
// directional marks (U+200E, U+200F, U+061C) stay: right-to-left names use them, and they reorder
// nothing beyond their neighbours.
const INVISIBLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
// In JSON.stringify's output the same set is left raw only inside strings (it escapes C0 itself).

/** How one such character is shown: `\x1b` below U+0100, `\u202e` above. */
export function describeInvisible(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text for a terminal: every invisible character shown as its escape, the line breaks kept.
 * `keep` names the characters left as they are (the HTML pages keep tab and CR as whitespace).
 */
export function showInvisible(text: string, keep = "\n\t"): string {
  return text.replace(INVISIBLE, (char) => (keep.includes(char) ? char : describeInvisible(char)));
}

/** JSON.stringify, with DEL, C1 and the bidi controls written as \uXXXX too: the same JSON value. */
export function stringifyJson(value: unknown, indent?: number): string {
  // The line breaks of the indentation are the only raw controls outside strings: kept.
  return JSON.stringify(value, null, indent).replace(INVISIBLE, (char) =>
    char === "\n" ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
