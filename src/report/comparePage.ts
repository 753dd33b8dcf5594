/** The compare report as a page (page.ts renders it to HTML and Markdown). */
import { buildPlots } from './plotSpecs';
import type { Page, Section } from './page';
import {
  finalTable,
  orderingLines,
  reachTable,
  settingsTable,
  speedUpTable,
  tuningTable,
  type CompareReport,
  type Table,
} from './report';

export function comparePage(report: CompareReport): Page {
  const table = (t: Table | null): Section[] => (t ? [{ table: t }] : []);
  const failures = report.summary.filter((s) => s.failure).map((s) => `${s.gain}: ${s.failure}`);
  const interrupted = report.result.interrupted
    ? [
        `Interrupted: this report holds what ran before the signal (${report.summary.map((s) => `${s.gain} ${s.passes} pass${s.passes === 1 ? '' : 'es'}`).join(', ') || 'no schedule'}); ` +
          'run the command again for the full comparison.',
      ]
    : [];
  return {
    title: `kpca compare: ${report.result.data.source}`,
    command: report.command,
    createdAt: report.createdAt,
    sections: [
      ...(interrupted.length ? [{ list: { heading: 'Incomplete', items: interrupted } }] : []),
      ...[settingsTable(report), reachTable(report), speedUpTable(report), finalTable(report)].flatMap(table),
      { list: { heading: 'Order of the schedules', items: orderingLines(report) } },
      ...(failures.length ? [{ list: { heading: 'Failures', items: failures } }] : []),
      { plots: buildPlots(report.result) },
      ...table(tuningTable(report)),
    ],
  };
}
