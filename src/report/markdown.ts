/** report.md: the tables of report.ts as GitHub-flavoured Markdown. */
import { finalTable, orderingLines, reachTable, settingsTable, speedUpTable, tuningTable, type CompareReport, type Table } from './report';

export function renderMarkdown(report: CompareReport): string {
  const out: string[] = [`# kpca compare: ${report.result.data.source}`, ''];
  if (report.command) out.push('Command:', '', '```sh', report.command, '```', '');
  out.push(`Written ${report.createdAt}. Every series is in \`report.json\`; plots in \`report.html\`.`, '');
  for (const table of [settingsTable(report), reachTable(report), speedUpTable(report), finalTable(report), tuningTable(report)])
    if (table) out.push(...markdownTable(table));
  out.push('## Order of the schedules', '', ...orderingLines(report).map((line) => `- ${line}`), '');
  const failures = report.summary.filter((s) => s.failure);
  if (failures.length) out.push('## Failures', '', ...failures.map((s) => `- ${s.gain}: ${s.failure}`), '');
  return out.join('\n');
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
