/** Reads back a table of report.md: the rows of the `## title` table as header → cell maps. */
export function readMarkdownTable(markdown: string, title: string): Record<string, string>[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${title}`);
  if (start < 0) throw new Error(`no table "${title}"`);
  const end = lines.slice(start).findIndex((l, i) => i > 0 && l.startsWith('## '));
  const rows = lines.slice(start, end < 0 ? undefined : start + end).filter((l) => l.startsWith('|'));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  const header = cells(rows[0]);
  return rows.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i], c])));
}
