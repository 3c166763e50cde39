/**
 * HTML building blocks of the report: escaping, tables, figures and the page shell with its inline style sheet.
 * Everything that is not markup we wrote goes through {@link escapeHtml}; SVG comes from vega, which escapes its text.
 */

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Markup that is already safe: built here from escaped parts. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** A template tag that escapes every interpolated value unless it is {@link Html} (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.markup;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(String(v));
}

/** A cell: plain text, or markup with a class (e.g. `num`). */
export type Cell = string | number | Html | { readonly value: string | Html; readonly cls?: string };

/** A table with a header row; numeric-looking cells are right-aligned by the `num` class. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[], caption?: string): Html {
  const cell = (c: Cell, tag: 'td' | 'th'): Html => {
    if (typeof c === 'object' && !(c instanceof Html)) return html`<${new Html(tag)} class="${c.cls ?? ''}">${c.value}</${new Html(tag)}>`;
    const numeric = typeof c === 'number' || (typeof c === 'string' && /^([−+±-]?\d|—$)/.test(c));
    return html`<${new Html(tag)}${new Html(numeric ? ' class="num"' : '')}>${c}</${new Html(tag)}>`;
  };
  return html`<div class="table-wrap"><table>${caption ? html`<caption>${caption}</caption>` : ''}<thead><tr>${head.map((h) => cell(h, 'th'))}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((c) => cell(c, 'td'))}</tr>`)}</tbody></table></div>`;
}

/** A chart with its caption; `id` is what the browser test finds it by. */
export function figure(id: string, svg: string, caption: Html): Html {
  return html`<figure class="chart" id="chart-${id}" data-chart="${id}"><div class="plot">${new Html(svg)}</div><figcaption>${caption}</figcaption></figure>`;
}

/** A report section with its heading; `id` is the table of contents' anchor. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly body: Html;
}

const STYLE = `
:root { --ink:#1d1d1f; --muted:#5f6368; --line:#e3e3e6; --bg:#fbfbfc; --ours:#2f6db3; --better:#1e7b3a; --worse:#b3362f; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 920px; margin: 0 auto; padding: 32px 28px 64px; background: #fff; box-shadow: 0 0 0 1px var(--line); min-height: 100vh; }
header h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
header .lede { color: var(--muted); margin: 0 0 16px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 20px; font-size: 13px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; margin: 0 0 28px; font-size: 14px; background: var(--bg); }
nav.toc h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 4px; border: 0; padding: 0; }
nav.toc ol { margin: 0; padding-left: 20px; columns: 2; column-gap: 32px; }
nav.toc a { color: var(--ours); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc .absent { color: var(--muted); font-size: 12px; }
section { margin: 0 0 36px; }
section h2 { font-size: 19px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p { margin: 6px 0 10px; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f2f3f5; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 10px 0 14px; }
table { border-collapse: collapse; font-size: 13px; min-width: 60%; }
caption { text-align: left; color: var(--muted); font-size: 12.5px; padding-bottom: 4px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; background: var(--bg); border-bottom: 1px solid #cfd0d4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.better { color: var(--better); font-weight: 600; text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.worse { color: var(--worse); font-weight: 600; text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.even { color: var(--muted); text-align: right; white-space: nowrap; }
td.absent { color: var(--muted); font-style: italic; }
figure.chart { margin: 14px 0 22px; }
figure.chart .plot { overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 6px; border-left: 3px solid var(--line); padding-left: 10px; }
figcaption .what { color: var(--ink); }
figcaption .provenance { margin: 2px 0 0; }
.missing { background: #fff8e6; border: 1px solid #f0dca8; border-radius: 6px; padding: 8px 12px; font-size: 14px; }
.note { color: var(--muted); font-size: 13px; }
details { margin: 6px 0 12px; font-size: 13px; }
summary { cursor: pointer; color: var(--ours); }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { main { box-shadow: none; } body { background: #fff; } }
`;

/** The whole page: no external resource of any kind (the CSP forbids them), so it opens the same from disk anywhere. */
export function page(title: string, headerBody: Html, sections: readonly Section[], absent: readonly string[], footer: Html): string {
  const toc = html`<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${sections.map(
    (s) => html`<li><a href="#${s.id}">${s.title}</a>${absent.includes(s.id) ? html` <span class="absent">(not run yet)</span>` : ''}</li>`,
  )}</ol></nav>`;
  const body = html`<main><header><h1>${title}</h1>${headerBody}</header>${toc}${sections.map(
    (s) => html`<section id="${s.id}"><h2>${s.title}</h2>${s.body}</section>`,
  )}<footer>${footer}</footer></main>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.markup}
</body>
</html>
`;
}
