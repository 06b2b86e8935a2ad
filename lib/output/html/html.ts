/*
 * Escaped-by-default HTML for the summary pages: html`<td>${name}</td>` escapes `name`; only a
 * fragment made by this tag is written as markup, and no other module can make one.
 *
 * Written here, not taken from npm. Compared: hono/html (the closest: same API, but its result may
 * be a Promise, it trusts any object with `isEscaped: true`, writes numbers raw and leaves the
 * backtick), @kitajs/html (JSX: children are raw unless marked `safe`, checked by a TS plugin, and
 * a JSX build step), htm + vhtml (a JSX-style runtime for a string job), lit-html's server render
 * (a parser-sized dependency in Lambda bundles that have a size budget), escape-goat and common-tags
 * (escape, but a nested fragment is escaped twice). What this one adds: the trusted type is a class
 * no data can be an instance of; numbers are refused by the types (format them first); and a text
 * hole where escaping cannot help (in a tag outside a quoted value, a comment, <style>, <script>)
 * throws. Under 200 lines with its scanner, no dependency.
 */

import { showInvisible } from "../../shared/visible-text.ts";

/** Markup built by the `html` tag: the only value the tag writes without escaping. */
class Markup {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
}

/** A fragment of HTML made by `html` (or `joinHtml`); the type cannot be faked. */
export type Html = Markup;

/**
 * What a hole of the tag takes: text (escaped), a fragment (written as is), a list of them (joined
 * with nothing between), or nothing (`null`, `undefined`, `false`). No number: format it first
 * (formatCount, fix), so a count is always written the way a person reads it.
 */
export type HtmlValue = Html | string | false | null | undefined | readonly HtmlValue[];

/** Escapes every hole's text; fragments from this tag are written as they are. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  const contexts = holeContexts(strings);
  let text = strings[0] ?? "";
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    const context = contexts[i];
    if (context !== undefined && !isEmpty(value) && !(value instanceof Markup)) {
      throw new Error(`html: a text value cannot go ${context}; only markup from the html tag can.`);
    }
    text += render(value) + (strings[i + 1] ?? "");
  }
  return new Markup(text);
}

/** The fragments with `separator` (text, escaped) between them. */
export function joinHtml(fragments: readonly HtmlValue[], separator: string): Html {
  return new Markup(fragments.map(render).join(escapeHtml(separator)));
}

/**
 * Text for HTML element content and quoted attribute values: the five HTML specials and the
 * backtick become entities; control and bidi-override characters become visible escapes (`\x1b`,
 * `\u202e`), so a name can neither hide in the page nor reorder the text after it.
 */
export function escapeHtml(text: string): string {
  // Tab, LF and CR are whitespace in a page; every other invisible character is shown (one rule
  // with the terminal: lib/shared/visible-text.ts).
  return showInvisible(text, "\t\n\r").replace(SPECIALS, (ch) => ENTITIES[ch] ?? ch);
}

const SPECIALS = /[&<>"'`]/g;
const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === false;
}

function render(value: unknown): string {
  if (value instanceof Markup) return value.toString();
  if (Array.isArray(value)) return value.map(render).join("");
  if (isEmpty(value)) return "";
  // Whatever else arrives at run time (a forged count in a stored report) is text.
  return escapeHtml(String(value));
}

const CONTEXTS = new WeakMap<TemplateStringsArray, ReadonlyArray<string | undefined>>();

/**
 * Where each hole of a template stands, read from its literal text alone (fragments are whole
 * elements or attributes, so they never change it): undefined in element content or inside a quoted
 * attribute value, where escaped text is safe; otherwise the place a text value must not go.
 */
function holeContexts(strings: TemplateStringsArray): ReadonlyArray<string | undefined> {
  const known = CONTEXTS.get(strings);
  if (known !== undefined) return known;
  const scanner = new HtmlScanner();
  const contexts = strings.slice(0, -1).map((literal) => scanner.read(literal));
  CONTEXTS.set(strings, contexts);
  return contexts;
}

/** A small HTML tokenizer's states: enough to tell text and quoted values from everything else. */
class HtmlScanner {
  #state: "text" | "tag" | '"' | "'" | "comment" | "raw" = "text";
  #tag = "";
  #raw = "";

  /** Reads more literal text; returns where a hole right after it would stand. */
  read(literal: string): string | undefined {
    for (let i = 0; i < literal.length; i += 1) i = this.#step(literal, i);
    switch (this.#state) {
      case "text":
      case '"':
      case "'":
        return undefined;
      case "tag":
        return "inside a tag outside a quoted attribute value";
      case "comment":
        return "inside a comment";
      case "raw":
        return `inside <${this.#raw}>`;
    }
  }

  /** Consumes the character at `i` (and any it belongs with); returns the last index consumed. */
  #step(text: string, i: number): number {
    const ch = text[i];
    switch (this.#state) {
      case "text": {
        if (text.startsWith("<!--", i)) {
          this.#state = "comment";
          return i + 3;
        }
        const name = /^<(\/?[A-Za-z][A-Za-z0-9-]*)/.exec(text.slice(i))?.[1];
        if (name === undefined) return i;
        this.#state = "tag";
        this.#tag = name.toLowerCase();
        return i + name.length;
      }
      case "tag":
        if (ch === '"' || ch === "'") this.#state = ch;
        else if (ch === ">") {
          const raw = this.#tag === "style" || this.#tag === "script";
          this.#state = raw ? "raw" : "text";
          if (raw) this.#raw = this.#tag;
        }
        return i;
      case '"':
      case "'":
        if (ch === this.#state) this.#state = "tag";
        return i;
      case "comment":
        if (!text.startsWith("-->", i)) return i;
        this.#state = "text";
        return i + 2;
      case "raw":
        if (
          !text
            .slice(i, i + this.#raw.length + 2)
            .toLowerCase()
            .startsWith(`</${this.#raw}`)
        )
          return i;
        this.#state = "tag";
        this.#tag = `/${this.#raw}`;
        return i + this.#raw.length + 1;
    }
  }
}
