/**
 * A report page: a title and sections (tables, bullet lists, plots), rendered once to HTML (one
 * self-contained file: inline CSS and inline SVG, nothing fetched, so it opens offline) and to
 * Markdown (tables and lists; plots are in the HTML). The compare and clustering reports are pages.
 * Pictures (PNG files written beside the page) are linked from both.
 */
import { renderSvg } from './plots';
import type { Plot } from './plotSpecs';
import type { Table } from './report';

/**
 * A PNG picture: written beside the page as `file` (linked from the Markdown) and inlined in the
 * HTML as a data URL, so that report.html stays one self-contained file.
 */
export interface Picture {
  id: string;
  file: string;
  png: Buffer;
  caption: string;
}

export type Section =
  | { table: Table }
  | { list: { heading: string; items: string[] } }
  | { plots: Plot[] }
  | { pictures: { heading: string; items: Picture[] } };

export interface Page {
  title: string;
  command?: string;
  createdAt: string;
  sections: Section[];
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code, pre { background: #f6f6f6; padding: 2px 4px; }
pre { padding: 8px; overflow-x: auto; }
figure { margin: 1.5em 0; }
figcaption { color: #444; max-width: 900px; }
figure.picture img { image-rendering: pixelated; }
.note { color: #444; max-width: 900px; }
`;

export async function renderPageHtml(page: Page): Promise<string> {
  const parts: string[] = [`<h1>${escape(page.title)}</h1>`];
  if (page.command) parts.push(`<p>Command:</p><pre><code>${escape(page.command)}</code></pre>`);
  parts.push(`<p class="note">Written ${escape(page.createdAt)}. Every series is in <code>report.json</code>.</p>`);
  for (const section of page.sections) {
    if ('table' in section) parts.push(htmlTable(section.table));
    else if ('list' in section)
      parts.push(
        `<h2>${escape(section.list.heading)}</h2>`,
        `<ul>${section.list.items.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>`,
      );
    else if ('pictures' in section) {
      parts.push(`<h2>${escape(section.pictures.heading)}</h2>`);
      for (const p of section.pictures.items)
        parts.push(
          `<figure id="${p.id}" class="picture"><img src="data:image/png;base64,${p.png.toString('base64')}" alt="${escape(p.caption)}"><figcaption>${escape(p.caption)}</figcaption></figure>`,
        );
    } else {
      parts.push('<h2>Plots</h2>');
      for (const plot of section.plots)
        parts.push(
          `<figure id="${plot.id}" class="plot">${await renderSvg(plot.spec)}<figcaption>${escape(plot.caption)}</figcaption></figure>`,
        );
    }
  }
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escape(page.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${parts.join('\n')}\n</body>\n</html>\n`;
}

/** The page as Markdown; `withHtml`: whether a report.html with the plots is written beside it. */
export function renderPageMarkdown(page: Page, withHtml = true): string {
  const out: string[] = [`# ${page.title}`, ''];
  if (page.command) out.push('Command:', '', '```sh', page.command, '```', '');
  const plots = withHtml ? '; plots in `report.html`' : ' (no plots: written with --no-html)';
  out.push(`Written ${page.createdAt}. Every series is in \`report.json\`${plots}.`, '');
  for (const section of page.sections) {
    if ('table' in section) out.push(...markdownTable(section.table));
    else if ('list' in section)
      out.push(`## ${section.list.heading}`, '', ...section.list.items.map((line) => `- ${line}`), '');
    else if ('pictures' in section)
      out.push(
        `## ${section.pictures.heading}`,
        '',
        ...section.pictures.items.flatMap((p) => [`![${p.caption}](${p.file})`, '', p.caption, '']),
      );
  }
  return out.join('\n');
}

function htmlTable(t: Table): string {
  const head = t.header.some((h) => h !== '')
    ? `<thead><tr>${t.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>`
    : '';
  const body = t.rows.map((row) => `<tr>${row.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<h2>${escape(t.title)}</h2>${t.note ? `<p class="note">${escape(t.note)}</p>` : ''}<table>${head}<tbody>${body}</tbody></table>`;
}

function markdownTable(t: Table): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`## ${t.title}`, ''];
  if (t.note) lines.push(t.note, '');
  lines.push(`| ${t.header.map(cell).join(' | ')} |`, `|${t.header.map(() => '---').join('|')}|`);
  for (const row of t.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  lines.push('');
  return lines;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
