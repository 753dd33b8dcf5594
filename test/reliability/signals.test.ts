/** SIGTERM (what `kill`, systemd and container runtimes send) is answered like Ctrl-C: checkpoint, exit 130. */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { KPCA, kpca, kpcaInterrupted, writeCloudCsv } from '../helpers/cli';

test('SIGTERM during fit writes a checkpoint and exits 130, within a block', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-term-'));
  const csv = writeCloudCsv(join(dir, 'cloud.csv'), 400);
  const model = join(dir, 'm.kpca');
  const args = ['fit', csv, '--sigma', '3', '-r', '4', '--passes', '1000000', '--backend', 'reference', '-o', model];
  const child = spawn(process.execPath, [KPCA, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sentAt = -1;
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (sentAt < 0 && /pass 1:/.test(stderr)) {
      sentAt = stderr.length;
      child.kill('SIGTERM');
    }
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(130);
  expect(stderr).toMatch(/kpca: SIGTERM: stopping at the next block and writing a checkpoint/);
  // answered at the next block: at most the pass in progress completes after the signal
  expect([...stderr.slice(sentAt).matchAll(/^pass \d+:/gm)].length).toBeLessThanOrEqual(1);
  expect(existsSync(`${model}.checkpoint`)).toBe(true);
  expect(existsSync(model)).toBe(false);
}, 60_000);

describe('Ctrl-C after which fit makes no model: one line naming the checkpoint, exit 130, nothing after the signal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpca-int-'));
  // rows on the fly, so that each pass over K′ takes a while
  const csv = writeCloudCsv(join(dir, 'cloud.csv'), 2000);
  const args = (model: string, passes: number) => [
    'fit',
    csv,
    '--sigma',
    '3',
    '-r',
    '4',
    '--passes',
    String(passes),
    '--backend',
    'reference',
    '--gram-cache',
    '0',
    '--verbose',
    '-o',
    model,
  ];
  const saved = (model: string) =>
    new RegExp(
      `^kpca: interrupted; checkpoint written to ${model}\\.checkpoint\\. Resume with the same command and --resume ${model}\\.checkpoint$`,
      'm',
    );

  test('during the passes: the final phase (exact A K′, Rayleigh–Ritz, certificate) is not started', async () => {
    const model = join(dir, 'passes.kpca');
    const run = await kpcaInterrupted(args(model, 1_000_000), /pass 1:/);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(saved(model));
    expect(run.stderr).not.toMatch(/final phase/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(model)).toBe(false);
    expect(existsSync(`${model}.checkpoint`)).toBe(true);
  }, 120_000);

  test('during the final phase: stopped there, and the checkpoint resumes to the straight run’s model', async () => {
    const straight = join(dir, 'straight.kpca');
    expect(kpca(args(straight, 1)).code).toBe(0);
    const model = join(dir, 'final.kpca');
    const run = await kpcaInterrupted(args(model, 1), /final phase/);
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(saved(model));
    expect(existsSync(model)).toBe(false);
    const resumed = kpca([...args(model, 1), '--resume', `${model}.checkpoint`]);
    expect(resumed.code).toBe(0);
    expect(readFileSync(model).equals(readFileSync(straight))).toBe(true);
  }, 120_000);
});
