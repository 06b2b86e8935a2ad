import { describe, expect, it } from "vitest";
import { escapeHtml, type Html, html, joinHtml } from "#lib/output/html/html.ts";

const text = (fragment: Html) => fragment.toString();

describe("html", () => {
  it("escapes every interpolation: < > & \" ' and the backtick", () => {
    expect(text(html`<p>${`<>&"'\``}</p>`)).toBe("<p>&lt;&gt;&amp;&quot;&#39;&#96;</p>");
    expect(text(html`<p title="${`"><script>x</script>`}">a</p>`)).toBe(
      '<p title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">a</p>',
    );
    expect(text(html`<p title='${"' onmouseover='x"}'>a</p>`)).toBe(
      "<p title='&#39; onmouseover=&#39;x'>a</p>",
    );
    // Each hole, not only the first.
    expect(text(html`${"<a>"}${"<b>"} and ${"<c>"}`)).toBe("&lt;a&gt;&lt;b&gt; and &lt;c&gt;");
  });

  it("writes a fragment of the tag as it is, so nesting never escapes twice", () => {
    const inner = html`<b>${"<i>&amp;"}</b>`;
    expect(text(html`<p>${inner}</p>`)).toBe("<p><b>&lt;i&gt;&amp;amp;</b></p>");
    expect(text(html`<div>${html`<p>${inner}</p>`}</div>`)).toBe(
      "<div><p><b>&lt;i&gt;&amp;amp;</b></p></div>",
    );
  });

  it("joins arrays (nested too) with nothing between, escaping their text items", () => {
    const rows = ["a<", "b>"].map((name) => html`<li>${name}</li>`);
    expect(text(html`<ul>${rows}</ul>`)).toBe("<ul><li>a&lt;</li><li>b&gt;</li></ul>");
    expect(text(html`${["<x>", [html`<br>`, "&"]]}`)).toBe("&lt;x&gt;<br>&amp;");
    expect(text(html`<ul>${[]}</ul>`)).toBe("<ul></ul>");
  });

  it("renders nothing for null, undefined and false", () => {
    expect(text(html`<p>${null}${undefined}${false}</p>`)).toBe("<p></p>");
    const drifted = false;
    expect(text(html`<tr${drifted && html` class="drift"`}>`)).toBe("<tr>");
  });

  it("trusts only markup made by the tag: look-alikes and parsed data are text", () => {
    const lookalikes: unknown[] = [
      { toString: () => "<b>x</b>" },
      { isEscaped: true, value: "<b>x</b>" },
      JSON.parse('{"__html": "<b>x</b>"}'),
      new String("<b>x</b>"),
    ];
    const rendered = lookalikes.map((value) => text(html`<p>${value as string}</p>`));
    expect(rendered).toEqual([
      "<p>&lt;b&gt;x&lt;/b&gt;</p>",
      "<p>[object Object]</p>",
      "<p>[object Object]</p>",
      "<p>&lt;b&gt;x&lt;/b&gt;</p>",
    ]);
  });

  it("takes no number (format it first); one forged at run time is escaped text", () => {
    // @ts-expect-error a number is formatted by the caller (formatCount, fix), never written raw.
    expect(text(html`<td>${1234}</td>`)).toBe("<td>1234</td>");
    const forged = "<meta http-equiv=refresh content='0;url=https://evil.example'>" as unknown as number;
    expect(text(html`<td>${forged as unknown as string}</td>`)).toBe(
      "<td>&lt;meta http-equiv=refresh content=&#39;0;url=https://evil.example&#39;&gt;</td>",
    );
  });

  it("refuses text where escaping cannot make it safe: in a tag, unquoted, in <style>, <script> or a comment", () => {
    const value = "x onclick=alert(1)";
    expect(() => html`<p ${value}>`).toThrow(
      "html: a text value cannot go inside a tag outside a quoted attribute value; only markup from the html tag can.",
    );
    expect(() => html`<td class=${value}>`).toThrow("inside a tag outside a quoted attribute value");
    expect(() => html`<style>p { color: ${value} }</style>`).toThrow(
      "html: a text value cannot go inside <style>",
    );
    expect(() => html`<SCRIPT type="x">${value}</SCRIPT>`).toThrow("inside <script>");
    expect(() => html`<!-- ${value} -->`).toThrow("inside a comment");
    // A quoted value may hold the other quote and >; the hole after it is back in the tag.
    expect(() => html`<p title="it's > 1" ${value}>`).toThrow(
      "inside a tag outside a quoted attribute value",
    );
    // After the element closes, text is fine again; in a tag, a fragment or nothing is fine.
    expect(text(html`<style>p {}</style><p>${value}</p>`)).toBe(
      "<style>p {}</style><p>x onclick=alert(1)</p>",
    );
    expect(text(html`<!-- c --><p>${"<"}</p>`)).toBe("<!-- c --><p>&lt;</p>");
    expect(text(html`<p${html` class="a"`}${null}>a < b ${"c"}</p>`)).toBe('<p class="a">a < b c</p>');
  });

  it("keeps the answer per template when called again with other values", () => {
    const cell = (value: string) => html`<td title="${value}">${value}</td>`;
    expect(text(cell("<a>"))).toBe('<td title="&lt;a&gt;">&lt;a&gt;</td>');
    expect(text(cell("b"))).toBe('<td title="b">b</td>');
  });
});

describe("joinHtml", () => {
  it("joins fragments and text with an escaped separator", () => {
    expect(text(joinHtml([html`<code>a</code>`, "<b>", null], " & "))).toBe(
      "<code>a</code> &amp; &lt;b&gt; &amp; ",
    );
    expect(text(joinHtml([], "\n"))).toBe("");
  });
});

describe("escapeHtml", () => {
  it("makes control and bidi-override characters visible, keeping tab, LF and CR", () => {
    expect(escapeHtml("\u001b[31mOK\u001b[0m")).toBe("\\x1b[31mOK\\x1b[0m");
    expect(escapeHtml("evil\u202egnp.exe")).toBe("evil\\u202egnp.exe");
    expect(escapeHtml("\u2066a\u2069 \u202a \u0000 \u007f \u0085")).toBe(
      "\\u2066a\\u2069 \\u202a \\x00 \\x7f \\x85",
    );
    expect(escapeHtml("a\tb\nc\r")).toBe("a\tb\nc\r");
    // Letters of right-to-left scripts and the marks they use stay as they are.
    expect(escapeHtml("שלום \u200f مرحبا")).toBe("שלום \u200f مرحبا");
  });
});
