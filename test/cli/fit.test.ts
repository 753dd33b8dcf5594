import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { kpca, kpcaInterrupted, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-cli-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 400);
const fitArgs = (model: string, passes: number | 'auto') => [
  'fit',
  csv,
  '--sigma',
  '3',
  '-r',
  '4',
  '--gain',
  'smd',
  '--passes',
  String(passes),
  '--backend',
  'reference',
  '-o',
  model,
];

describe('kpca fit --certificate-tol', () => {
  const fitJson = (passes: number | 'auto', ...extra: string[]) => {
    const run = kpca([...fitArgs(join(dir, 'tol.kpca'), passes), '--json', ...extra]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout);
  };

  test('a loose tolerance certifies a short run the default flags', () => {
    expect(fitJson(3).converged).toBe(false);
    const loose = fitJson(3, '--certificate-tol', '0.5');
    expect(loose.converged).toBe(true);
    expect(loose.certificate.tolerance).toBe(0.5);
  });

  test('a tight tolerance flags a run the default certifies, with the passes it would take', () => {
    const auto = fitJson('auto');
    expect(auto).toMatchObject({ converged: true, stoppedBy: 'certificate' });
    const tight = fitJson(auto.passes as number, '--certificate-tol', '1e-7');
    expect(tight.converged).toBe(false);
    expect(tight.certificate.warnings[0]).toMatch(/exceeds 1e-7·λ1/);
    expect(tight.passesNeeded === null || tight.passesNeeded > auto.passes).toBe(true);
    const text = kpca([...fitArgs(join(dir, 'tol.kpca'), auto.passes as number), '--certificate-tol', '1e-7']);
    expect(text.stdout).toMatch(
      /converged: no \(residuals within 1e-7·λ1.*; passes needed: (about \d+|more will not help)\n/,
    );
    expect(text.stderr).toMatch(/\nkpca: warning: λ1: not converged.*(passes in all|more passes will not help)/);
  });

  test.each(['0', '-0.01', 'NaN', 'tight'])('--certificate-tol %s is refused with exit 2', (value) => {
    const run = kpca([...fitArgs(join(dir, 'bad-tol.kpca'), 2), `--certificate-tol=${value}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--certificate-tol/);
    expect(existsSync(join(dir, 'bad-tol.kpca'))).toBe(false);
  });

  test('--max-passes goes with --passes auto only', () => {
    const run = kpca([...fitArgs(join(dir, 'bad-max.kpca'), 5), '--max-passes', '9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--max-passes goes with --passes auto/);
  });
});

describe('kpca fit --update, --block-size', () => {
  const eigenvalues = (name: string, ...extra: string[]) => {
    const run = kpca([...fitArgs(join(dir, name), 3), '--json', '--block-size', '24', ...extra]);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { eigenvalues: number[] }).eigenvalues;
  };

  test('the blocked update gives the factored one’s eigenvalues to rounding, at any block size', () => {
    const factored = eigenvalues('factored.kpca');
    const blocked = eigenvalues('blocked.kpca', '--update', 'blocked');
    const other = eigenvalues('other-block.kpca', '--update', 'blocked', '--block-size', '7');
    for (let i = 0; i < 4; i++) expect(Math.abs(blocked[i] - factored[i])).toBeLessThan(1e-10 * factored[0]);
    // another block size is another (equally valid) iteration: folds and fetches fall elsewhere
    expect(other).not.toEqual(blocked);
  });

  test.each([
    [['--block-size', '0'], /--block-size: must be at least 1, got 0/],
    [['--update', 'prefix-sum'], /'--update <form>' argument 'prefix-sum' is invalid/],
  ])('%p is refused with exit 2', (extra, message) => {
    const run = kpca([...fitArgs(join(dir, 'bad-update.kpca'), 2), ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(dir, 'bad-update.kpca'))).toBe(false);
  });
});

describe('kpca fit / info / transform', () => {
  test('fit writes a model; --json prints the result; info and transform read it', () => {
    const model = join(dir, 'm.kpca');
    const fit = kpca([...fitArgs(model, 3), '--json']);
    // 3 passes: only the certificate's one-line warning (JSON converged: false)
    expect(fit.stderr).toMatch(/^kpca: warning: λ\d.*run more --passes.*\n$/);
    expect(fit.code).toBe(0);
    const result = JSON.parse(fit.stdout);
    expect(result.eigenvalues).toHaveLength(4);
    expect(result).toMatchObject({ passes: 3, backend: 'reference', gain: { name: 'smd' }, stoppedBy: 'passes' });
    expect(typeof result.seconds).toBe('number');
    expect(result.converged).toBe(false);
    expect(result.certificate.components).toHaveLength(4);
    expect(result.sigma).toBe(3);

    const info = kpca(['info', model]);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/400 points × 5 features/);

    const out = join(dir, 'proj.csv');
    const transform = kpca(['transform', csv, '-m', model, '-o', out]);
    expect(transform.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('pc1,pc2,pc3,pc4,label');
    expect(lines).toHaveLength(401);
  });

  test('Ctrl-C writes a checkpoint and exits 130; --resume finishes with a byte-identical model', async () => {
    // The interrupted fit asks for far more passes than it will get, so the signal always lands
    // mid-fit however late a loaded machine delivers it; pass counts are not part of a
    // checkpoint's identity, so the resumed fit may stop at the straight run's count.
    const passes = 200;
    const straight = join(dir, 'straight.kpca');
    expect(kpca(fitArgs(straight, passes)).code).toBe(0);

    const model = join(dir, 'interrupted.kpca');
    const first = await kpcaInterrupted(fitArgs(model, 1_000_000), /pass 1:/);
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/interrupted; checkpoint written to .*interrupted\.kpca\.checkpoint/);
    expect(existsSync(model)).toBe(false);
    expect(existsSync(`${model}.checkpoint`)).toBe(true);
    const passesBeforeSignal = Math.max(...[...first.stderr.matchAll(/^pass (\d+):/gm)].map((m) => Number(m[1])));
    expect(passesBeforeSignal).toBeLessThan(passes);

    const resumed = kpca([...fitArgs(model, passes), '--resume', `${model}.checkpoint`]);
    expect(resumed.code).toBe(0);
    expect(readFileSync(model).equals(readFileSync(straight))).toBe(true);
  });

  test('bad options and bad files exit 2 with one line and no stack trace; no model is written', () => {
    const model = join(dir, 'never.kpca');
    for (const args of [
      ['fit', join(dir, 'missing.csv'), '-o', model],
      ['fit', csv, '-r', 'many', '-o', model],
      ['fit', csv, '--gain', 'fast', '-o', model],
      ['fit', csv, '-r', '1000', '-o', model],
      ['fit', dir, '-o', model],
    ]) {
      const run = kpca(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(model)).toBe(false);
    }
  });

  test('numerical divergence exits 3 with advice', () => {
    const run = kpca([...fitArgs(join(dir, 'diverged.kpca'), 5), '--eta0', '100']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/--eta0/);
    expect(existsSync(join(dir, 'diverged.kpca'))).toBe(false);
  });
});
