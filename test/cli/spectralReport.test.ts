import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca } from '../helpers/cli';

describe('kpca spectral-cluster --report', () => {
  test('writes the per-pass clustering series as JSON, Markdown and an offline HTML plot that agree', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kpca-screport-')), 'report');
    const run = kpca([
      'spectral-cluster',
      join(__dirname, '..', '..', 'data', 'blobs.csv'),
      '-k',
      '3',
      '--passes',
      '5',
      '--reference',
      'exact',
      '--report',
      dir,
      '-q',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.format).toBe('kpca-cluster-report');
    const perPass = report.result.perPass as Array<{ pass: number; scores: { variationOfInformation: number } }>;
    expect(perPass.map((p) => p.pass)).toEqual([1, 2, 3, 4, 5]);
    expect(report.result.exact.scores.adjustedRandIndex).toBeGreaterThan(0.99);
    // The Markdown table shows the same VI series.
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    for (const p of perPass)
      expect(md).toMatch(new RegExp(`\\| ${p.pass} \\| [0-9.]+ \\| ${p.scores.variationOfInformation.toFixed(4)} \\|`));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<figure id="vi-per-pass" class="plot"><svg/);
    expect(html).toMatch(/<path [^>]*d="M/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});
