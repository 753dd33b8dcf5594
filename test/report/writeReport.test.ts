import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { cpus, tmpdir } from 'os';
import { join } from 'path';
import * as atomic from '../../src/io/atomicWrite';
import { firstReaching, THRESHOLDS, writeReport, type CompareReport } from '../../src/report';
import { result, run } from './fixture';
import { readMarkdownTable } from './markdownTable';

const synthetic = result([
  run('constant', [1, 0.5, 0.2, 0.09, 0.05, 0.02, 0.011]),
  run('annealed', [1, 0.3, 0.08, 0.03, 0.009, 0.004, 0.0009]),
  run('smd', [1, 0.05, 0.008, 0.0009, 0.0002, 0.0001, 5e-5], 4),
]);

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kpca-report-'))));
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeReport (JSON and Markdown)', () => {
  it('writes every series and setting, and the machine, to report.json', async () => {
    const { files } = await writeReport(join(dir, 'out'), synthetic, {
      command: 'kpca compare x --out out',
      html: false,
    });
    const report = JSON.parse(readFileSync(files.json, 'utf8')) as CompareReport;
    expect(report.format).toBe('kpca-compare-report');
    expect(report.command).toBe('kpca compare x --out out');
    expect(report.result).toEqual(JSON.parse(JSON.stringify(synthetic)));
    expect(report.machine.cores).toBe(cpus().length);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cpu).toBe(cpus()[0].model.trim());
    expect(files.html).toBeUndefined();
    // the Markdown does not send the reader to a report.html that was not written
    const markdown = readFileSync(files.markdown, 'utf8');
    expect(markdown).not.toMatch(/report\.html/);
    expect(markdown).toMatch(/no plots: written with --no-html/);
  });

  it("has a table that agrees with the report's own series", async () => {
    const { files } = await writeReport(dir, synthetic, { html: false });
    const report = JSON.parse(readFileSync(files.json, 'utf8')) as CompareReport;
    const table = readMarkdownTable(
      readFileSync(files.markdown, 'utf8'),
      'Passes to reach a relative excess reconstruction error',
    );
    expect(table.map((row) => row.schedule)).toEqual(['constant', 'annealed', 'smd']);
    for (const [i, s] of report.result.schedules.entries())
      for (const t of THRESHOLDS) {
        const { passes, seconds } = firstReaching(s.series, t); // recomputed from the series
        const cell = table[i][`≤ ${t.toExponential(0)}`];
        if (passes === null) expect(cell).toBe('—');
        else {
          const [, p, sec] = /^(\d+) \(([\d.]+) s\)$/.exec(cell) ?? [];
          expect(Number(p)).toBe(passes);
          expect(Math.abs(Number(sec) - seconds!)).toBeLessThanOrEqual(0.05 * seconds! + 0.005); // as printed
        }
        expect(report.summary[i].reached.find((x) => x.threshold === t)?.passes).toBe(passes);
      }
    expect(readFileSync(files.markdown, 'utf8')).toContain(
      'By passes to 1e-3: smd (3) < annealed (6) < constant (not in 6).',
    );
  });

  it('writes both files atomically (temporary file, then rename)', async () => {
    const spy = jest.spyOn(atomic, 'writeFileAtomic');
    const { files } = await writeReport(dir, synthetic, { html: false });
    expect(spy.mock.calls.map(([target]) => target)).toEqual([files.json, files.markdown]);
    expect(readdirSync(dir).sort()).toEqual(['report.json', 'report.md']);
  });

  it('leaves the previous report and no temporary files when a write fails', async () => {
    await writeReport(dir, synthetic, { html: false });
    const before = readFileSync(join(dir, 'report.json'), 'utf8');
    jest.spyOn(atomic, 'writeFileAtomic').mockImplementationOnce(async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    await expect(writeReport(dir, result([run('smd', [1, 0.1])]), { html: false })).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(before);
    // a real failure inside writeFileAtomic (the target is a directory) cleans up after itself
    rmSync(join(dir, 'report.md'));
    mkdirSync(join(dir, 'report.md'));
    await expect(writeReport(dir, synthetic, { html: false })).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
