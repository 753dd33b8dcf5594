/**
 * report.html: one self-contained page (inline CSS and inline SVG plots, nothing fetched), so it
 * opens offline and can be attached or committed as it is.
 */
import { buildPlots } from './plotSpecs';
import { renderSvg } from './plots';
import { finalTable, orderingLines, reachTable, settingsTable, speedUpTable, tuningTable, type CompareReport, type Table } from './report';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code, pre { background: #f6f6f6; padding: 2px 4px; }
pre { padding: 8px; overflow-x: auto; }
figure { margin: 1.5em 0; }
figcaption { color: #444; max-width: 900px; }
.note { color: #444; max-width: 900px; }
`;

export async function renderHtml(report: CompareReport): Promise<string> {
  const title = `kpca compare: ${report.result.data.source}`;
  const parts: string[] = [`<h1>${escape(title)}</h1>`];
  if (report.command) parts.push(`<p>Command:</p><pre><code>${escape(report.command)}</code></pre>`);
  parts.push(`<p class="note">Written ${escape(report.createdAt)}. Every series is in <code>report.json</code>.</p>`);
  const tables = [settingsTable(report), reachTable(report), speedUpTable(report), finalTable(report)];
  for (const t of tables) if (t) parts.push(htmlTable(t));
  parts.push('<h2>Order of the schedules</h2>', `<ul>${orderingLines(report).map((l) => `<li>${escape(l)}</li>`).join('')}</ul>`);
  parts.push('<h2>Plots</h2>');
  for (const plot of buildPlots(report.result))
    parts.push(`<figure id="${plot.id}" class="plot">${await renderSvg(plot.spec)}<figcaption>${escape(plot.caption)}</figcaption></figure>`);
  const tuning = tuningTable(report);
  if (tuning) parts.push(htmlTable(tuning));
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escape(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${parts.join('\n')}\n</body>\n</html>\n`;
}

function htmlTable(t: Table): string {
  const head = t.header.some((h) => h !== '') ? `<thead><tr>${t.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>` : '';
  const body = t.rows.map((row) => `<tr>${row.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<h2>${escape(t.title)}</h2>${t.note ? `<p class="note">${escape(t.note)}</p>` : ''}<table>${head}<tbody>${body}</tbody></table>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
