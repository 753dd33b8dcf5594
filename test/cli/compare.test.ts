import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca, kpcaInterrupted, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-compare-cli-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 200);

/** compare's arguments: constant and smd side by side, reference backend, no HTML. */
const compareArgs = (out: string, passes: number) => [
  'compare',
  csv,
  '--sigma',
  '3',
  '-r',
  '3',
  '--passes',
  String(passes),
  '--gains',
  'constant,smd',
  '--backend',
  'reference',
  '--cache-dir',
  join(dir, 'cache'),
  '--no-html',
  '--out',
  out,
];

test('Ctrl-C during kpca compare writes a partial report marked incomplete and exits 130', async () => {
  const out = join(dir, 'report');
  // far more passes than it will get: the signal always lands mid-run
  const run = await kpcaInterrupted(compareArgs(out, 1_000_000), /constant pass 2:/);
  expect(run.code).toBe(130);
  expect(run.stderr).toMatch(/kpca: interrupted; partial report written to .*report\.json/);
  expect(run.stderr).not.toMatch(/\n\s+at /);

  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  expect(report.result.interrupted).toBe(true);
  expect(report.result.schedules.map((s: { gain: string; stoppedBy: string }) => [s.gain, s.stoppedBy])).toEqual([
    ['constant', 'signal'],
  ]);
  const passes = report.result.schedules[0].passes;
  expect(passes).toBeGreaterThanOrEqual(2);
  expect(passes).toBeLessThan(1_000_000);
  // reported as far as it got: not certified after the signal (two more passes over K′)
  expect(report.result.schedules[0].certificate).toBeUndefined();

  const markdown = readFileSync(join(out, 'report.md'), 'utf8');
  expect(markdown).toMatch(/Incomplete/);
  expect(markdown).toMatch(new RegExp(`constant ${passes} passes`));
  expect(markdown).toMatch(/constant \(interrupted\)/);
  expect(existsSync(join(out, 'report.html'))).toBe(false);
});

test('--resume finishes an interrupted comparison with the series of a straight run', async () => {
  const out = join(dir, 'resumed');
  const first = await kpcaInterrupted(compareArgs(out, 1_000_000), /constant pass 2:/);
  expect(first.code).toBe(130);
  expect(first.stderr).toMatch(/resume with the same command and --resume .*compare\.checkpoint/);
  // passes are milliseconds here, so the signal lands after an unknown number of them: finish both
  // runs a few passes beyond it
  const reached = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).result.schedules[0].passes as number;
  const passes = reached + 5;
  const straight = join(dir, 'straight');
  expect(kpca(compareArgs(straight, passes)).code).toBe(0);
  const resumed = kpca([...compareArgs(out, passes), '--resume', join(out, 'compare.checkpoint'), '--verbose']);
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toMatch(/resuming from .*0 schedule\(s\) done, constant at pass/);

  const series = (dirName: string) =>
    (
      JSON.parse(readFileSync(join(dirName, 'report.json'), 'utf8')).result.schedules as {
        gain: string;
        stoppedBy: string;
        series: { pass: number; relativeExcessError: number }[];
      }[]
    ).map((s) => ({
      gain: s.gain,
      stoppedBy: s.stoppedBy,
      errors: s.series.map((m) => [m.pass, m.relativeExcessError]),
    }));
  expect(series(out)).toEqual(series(straight));
  expect(series(out).map((s) => s.errors.length)).toEqual([passes + 1, passes + 1]);
});
