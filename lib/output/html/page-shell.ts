import { type Html, html, joinHtml } from "./html.ts";
import { STYLESHEET } from "./stylesheet.ts";

export interface Page {
  /** The window's title. */
  readonly title: string;
  /** The tool that wrote the page, e.g. "kong-license-report 0.1.0". */
  readonly generator: string;
  /** The header's heading, and what follows it there (cluster, subtitle). */
  readonly heading: string;
  readonly header: Html;
  /** Before the first section (a notice such as the demo's). */
  readonly lead?: Html | false | undefined;
  /** The sections in order; an absent one is skipped. */
  readonly sections: ReadonlyArray<Html | undefined>;
  /** The estate's 12-column table needs a wider page than the report. */
  readonly broad?: boolean;
}

/**
 * The document both summary pages share: a CSP that allows no script and no resource but inline
 * style and data: images, the one stylesheet, a header and the sections. Self-contained, so it can
 * be mailed or opened from a tar on any machine.
 */
export function renderPage(page: Page): string {
  const sections = page.sections.filter((section): section is Html => section !== undefined);
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${page.generator}">
<title>${page.title}</title>
<style>${STYLESHEET}</style>
</head>
<body>
<header>
<h1>${page.heading}</h1>
${page.header}
</header>
<main${page.broad === true && html` class="broad"`}>
${page.lead && html`${page.lead}\n`}${joinHtml(sections, "\n")}
</main>
</body>
</html>
`.toString();
}
