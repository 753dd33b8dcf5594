/**
 * Writes a comparison report into a directory: report.json (everything), report.md (tables),
 * report.html (tables and plots). Each file is written atomically; the HTML comes last because it
 * is the only part that needs vega.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { CompareResult } from '../app/compare';
import { writeFileAtomic } from '../io/atomicWrite';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { buildReport, type CompareReport } from './report';

export { buildReport, type CompareReport } from './report';
export { firstReaching, orderingByPasses, summarize, THRESHOLDS, type ScheduleSummary } from './summary';

export interface WrittenReport {
  report: CompareReport;
  files: { json: string; markdown: string; html?: string };
}

export async function writeReport(dir: string, result: CompareResult, opts: { command?: string; html?: boolean } = {}): Promise<WrittenReport> {
  await fs.mkdir(dir, { recursive: true });
  const report = buildReport(result, opts.command);
  const files: WrittenReport['files'] = { json: path.join(dir, 'report.json'), markdown: path.join(dir, 'report.md') };
  await writeFileAtomic(files.json, `${JSON.stringify(report, null, 1)}\n`);
  await writeFileAtomic(files.markdown, renderMarkdown(report));
  if (opts.html !== false) {
    files.html = path.join(dir, 'report.html');
    await writeFileAtomic(files.html, await renderHtml(report));
  }
  return { report, files };
}
