/** kpca spectral-cluster under a real SIGINT: a checkpoint, exit 130, and --resume ends where a straight run does. */
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca, kpcaInterrupted, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-sc-cli-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 300);
const args = (output: string, passes: number) => [
  'spectral-cluster',
  csv,
  '-k',
  '3',
  '--sigma',
  '2',
  '--passes',
  String(passes),
  '--backend',
  'reference',
  '--verbose',
  '-o',
  output,
];

test('Ctrl-C writes a checkpoint and exits 130 without writing the assignments; --resume writes the same assignments as a straight run', async () => {
  const passes = 60;
  const straight = join(dir, 'straight.csv');
  expect(kpca(args(straight, passes)).code).toBe(0);

  // far more passes than it will get, so the signal always lands mid-run; the pass count is not
  // part of a checkpoint's identity
  const output = join(dir, 'interrupted.csv');
  const first = await kpcaInterrupted(args(output, 1_000_000), /pass 2:/);
  expect(first.code).toBe(130);
  expect(first.stderr).toMatch(
    /interrupted; checkpoint written to .*interrupted\.csv\.checkpoint\. Resume with the same command and --resume/,
  );
  expect(first.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(output)).toBe(false);
  expect(existsSync(`${output}.checkpoint`)).toBe(true);

  const resumed = kpca([...args(output, passes), '--resume', `${output}.checkpoint`]);
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toMatch(/resuming from .*interrupted\.csv\.checkpoint/);
  expect(readFileSync(output, 'utf8')).toBe(readFileSync(straight, 'utf8'));
});
