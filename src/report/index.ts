/**
 * Writes a comparison report into a directory: report.json (everything), report.md (tables),
 * report.html (tables and plots). Each file is written atomically; the HTML comes last because it
 * is the only part that needs vega.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { CompareResult } from '../app/compare';
import { writeFileAtomic } from '../io/atomicWrite';
import { comparePage } from './comparePage';
import { renderPageHtml, renderPageMarkdown, type Page } from './page';
import { buildReport, type CompareReport } from './report';

export { buildReport, type CompareReport } from './report';
export { buildClusteringReport, clusteringPage, type ClusteringReport } from './clusteringPage';
export { firstReaching, orderingByPasses, summarize, THRESHOLDS, type ScheduleSummary } from './summary';

export interface WrittenReport {
  report: CompareReport;
  files: { json: string; markdown: string; html?: string };
}

export async function writeReport(
  dir: string,
  result: CompareResult,
  opts: { command?: string; html?: boolean } = {},
): Promise<WrittenReport> {
  const report = buildReport(result, opts.command);
  return { report, files: await writeReportFiles(dir, report, comparePage(report), opts.html !== false) };
}

/** report.json (the data), report.md and report.html (the page), each written atomically; the HTML last (it needs vega). */
export async function writeReportFiles(
  dir: string,
  data: unknown,
  page: Page,
  html: boolean,
): Promise<WrittenReport['files']> {
  await fs.mkdir(dir, { recursive: true });
  const files: WrittenReport['files'] = { json: path.join(dir, 'report.json'), markdown: path.join(dir, 'report.md') };
  await writeFileAtomic(files.json, `${JSON.stringify(data, null, 1)}\n`);
  await writeFileAtomic(files.markdown, renderPageMarkdown(page, html));
  if (html) {
    files.html = path.join(dir, 'report.html');
    await writeFileAtomic(files.html, await renderPageHtml(page));
  }
  return files;
}
