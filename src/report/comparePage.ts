/** The compare report as a page (page.ts renders it to HTML and Markdown). */
import { buildPlots } from './plotSpecs';
import type { Page, Section } from './page';
import { finalTable, orderingLines, reachTable, settingsTable, speedUpTable, tuningTable, type CompareReport, type Table } from './report';

export function comparePage(report: CompareReport): Page {
  const table = (t: Table | null): Section[] => (t ? [{ table: t }] : []);
  const failures = report.summary.filter((s) => s.failure).map((s) => `${s.gain}: ${s.failure}`);
  return {
    title: `kpca compare: ${report.result.data.source}`,
    command: report.command,
    createdAt: report.createdAt,
    sections: [
      ...[settingsTable(report), reachTable(report), speedUpTable(report), finalTable(report)].flatMap(table),
      { list: { heading: 'Order of the schedules', items: orderingLines(report) } },
      ...(failures.length ? [{ list: { heading: 'Failures', items: failures } }] : []),
      { plots: buildPlots(report.result) },
      ...table(tuningTable(report)),
    ],
  };
}
