import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { KPCA, kpca, writeCloudCsv } from '../helpers/cli';

// The traps of issue 13 as a new user meets them on the command line.
const dir = mkdtempSync(join(tmpdir(), 'kpca-conv-'));
const csv = writeCloudCsv(join(dir, 'cloud.csv'), 120);
const model = join(dir, 'm.kpca');
const base = ['--sigma', '3', '-r', '2', '--passes', '2', '--backend', 'reference'];

beforeAll(() => {
  expect(kpca(['fit', csv, ...base, '-o', model, '-q']).code).toBe(0);
});

describe('data flags shared by every command', () => {
  const xy = join(dir, 'xy.csv');
  beforeAll(() =>
    writeFileSync(xy, `x,y\n${Array.from({ length: 40 }, (_, i) => `${i / 7},${Math.sin(i)}`).join('\n')}\n`),
  );

  test('a numeric "y" with nearly all values distinct is warned about; --no-label-column reads it as a feature', () => {
    const warned = kpca(['fit', xy, ...base, '-r', '1', '-o', join(dir, 'xy.kpca'), '--json']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(
      /xy\.csv: the column named label, class or y was taken as the labels but holds 40 distinct numbers in 40 rows; .*--no-label-column/,
    );
    expect(JSON.parse(warned.stdout).features).toBe(1);
    for (const command of [
      ['fit', '-o', join(dir, 'xy2.kpca')],
      ['spectral-cluster', '-k', '2'],
      ['compare', '-o', join(dir, 'xy-report')],
    ]) {
      const run = kpca([command[0], xy, '--no-label-column', ...base, ...command.slice(1), '--json']);
      expect(run.stderr).not.toMatch(/unknown option|taken as the labels/);
      expect(run.code).toBe(0);
    }
    const t = kpca(['transform', xy, '--no-label-column', '-m', join(dir, 'xy2.kpca')]);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[0]).toBe('pc1,pc2');
  });

  test('LIBSVM --features N keeps trailing zero features; transform reads a LIBSVM file at the model width', () => {
    const svm = join(dir, 'p.svm');
    writeFileSync(svm, '1 1:0.5 2:1\n2 1:1.5\n1 2:2 3:1\n2 1:3 2:0.25\n1 3:2\n');
    const info = kpca(['data', 'info', svm, '--features', '5', '--json']);
    expect(JSON.parse(info.stdout).columns).toBe(5);
    const m5 = join(dir, 'm5.kpca');
    expect(
      kpca([
        'fit',
        svm,
        '--features',
        '5',
        '--sigma',
        '1',
        '-r',
        '2',
        '--passes',
        '1',
        '--backend',
        'reference',
        '-o',
        m5,
        '-q',
      ]).code,
    ).toBe(0);
    const t = kpca(['transform', svm, '-m', m5, '--backend', 'reference']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const bad = kpca(['data', 'info', svm, '--features', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/p\.svm:3:\d+: feature index 3 is above --features 2/);
  });
});

describe('transform matches columns by name', () => {
  test('reordered columns give the same projections; missing or extra columns are refused by name', () => {
    const lines = readFileSync(csv, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    const reordered = join(dir, 'reordered.csv');
    const order = [4, 2, 0, 5, 1, 3]; // e,c,a,label,b,d
    writeFileSync(reordered, lines.map((f) => order.map((j) => f[j]).join(',')).join('\n') + '\n');
    const a = kpca(['transform', csv, '-m', model, '--backend', 'reference']);
    const b = kpca(['transform', reordered, '-m', model, '--backend', 'reference']);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const renamed = join(dir, 'renamed.csv');
    writeFileSync(
      renamed,
      [['a', 'b', 'c', 'd', 'z', 'label'].join(','), ...lines.slice(1).map((f) => f.join(','))].join('\n') + '\n',
    );
    const bad = kpca(['transform', renamed, '-m', model]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/missing: e; not in the model: z/);
  });
});

describe('duplicate points', () => {
  test('more components than distinct points: a clear error before any work, not a Cholesky failure', () => {
    const dup = join(dir, 'dup.csv');
    writeFileSync(dup, `a,b\n${Array.from({ length: 50 }, (_, i) => (i % 3 ? '1,2' : '3,4')).join('\n')}\n`);
    const run = kpca(['fit', dup, '-r', '2', '-o', join(dir, 'dup.kpca')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/-r 2: 2 distinct points \(of 50\) have at most 1 components, since centring/);
    expect(run.stderr).not.toMatch(/Cholesky|eta0/);
  });

  test('a mostly-duplicate file: the σ = 1 fallback is announced', () => {
    const dup = join(dir, 'dup3.csv');
    writeFileSync(dup, `a,b\n${Array.from({ length: 60 }, (_, i) => (i < 50 ? '1,2' : `${i},${i % 7}`)).join('\n')}\n`);
    const run = kpca([
      'fit',
      dup,
      '-r',
      '2',
      '--passes',
      '1',
      '--backend',
      'reference',
      '-o',
      join(dir, 'dup3.kpca'),
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/kpca: warning: the median pairwise distance is 0 .*σ = 1; give --sigma/);
    expect(JSON.parse(run.stdout).sigma).toBe(1);
  });
});

describe('output conventions', () => {
  test('-o - writes to stdout (transform, spectral-cluster); --json with -o writes both', () => {
    const t = kpca(['transform', csv, '-m', model, '-o', '-', '--backend', 'reference']);
    expect(t.stdout.split('\n')[0]).toBe('pc1,pc2,label');
    expect(existsSync('-')).toBe(false);
    const s = kpca([
      'spectral-cluster',
      csv,
      '-k',
      '3',
      '--sigma',
      '3',
      '--passes',
      '2',
      '--backend',
      'reference',
      '-o',
      '-',
      '-q',
    ]);
    expect(s.code).toBe(0);
    expect(s.stdout.split('\n')[0]).toBe('index,cluster,label');
    const out = join(dir, 'both.csv');
    const both = kpca(['transform', csv, '-m', model, '-o', out, '--json', '--backend', 'reference']);
    expect(JSON.parse(both.stdout).projections).toHaveLength(120);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('pc1,pc2,label');
  });

  test('a reader that stops early ends transform quietly with exit 0', () => {
    const big = join(dir, 'big.csv');
    writeCloudCsv(big, 6000, 2);
    const run = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${KPCA}" transform "${big}" -m "${model}" --backend reference | head -1`],
      { encoding: 'utf8' },
    );
    expect(run.stdout).toBe('pc1,pc2,label\n');
    expect(run.stderr).toBe('');
  });

  test('-q silences everything but errors', () => {
    const run = kpca(['fit', csv, ...base, '-o', join(dir, 'q.kpca'), '-q']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
  });

  test('compare takes -o; its error says directory; an unwritable output is refused before any work, naming the path', () => {
    const missing = kpca(['compare', csv, ...base]);
    expect(missing.stderr).toMatch(/missing -o, --out <dir>/);
    const report = join(dir, 'report');
    expect(kpca(['compare', csv, ...base, '--gains', 'smd', '-o', report, '-q']).code).toBe(0);
    expect(existsSync(join(report, 'report.json'))).toBe(true);
    const nowhere = join(dir, 'no', 'such', 'm.kpca');
    const run = kpca(['fit', csv, ...base, '-o', nowhere]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `kpca: ${nowhere}: cannot write: no such directory; the previous file, if any, is intact\n`,
    );
  });
});

describe('certificates on the command line', () => {
  test('fit, spectral-cluster and compare JSON carry converged and the bounds; info shows them', () => {
    const fit = JSON.parse(kpca(['fit', csv, ...base, '-o', join(dir, 'c.kpca'), '--json', '-q']).stdout);
    expect(fit.converged).toBe(false);
    expect(fit.certificate.components.map((c: { residual: number }) => c.residual > 0)).toEqual([true, true]);
    const info = kpca(['info', join(dir, 'c.kpca')]);
    expect(info.stdout).toMatch(/λ1 = [\d.]+ {2}\|θ − λ\| ≤ [\d.e+-]+ {2}sin∠ ≤ \S+ {2}residual /);
    expect(info.stdout).toMatch(/converged: no/);
    expect(JSON.parse(kpca(['info', join(dir, 'c.kpca'), '--json']).stdout).certificate.norm).toBe('rkhs');
    const old = kpca(['info', join(__dirname, '..', 'fixtures', 'models', 'format-1.kpca')]);
    expect(old.code).toBe(0);
    expect(old.stdout).toMatch(/no error bounds: written before certificates/);

    const sc = JSON.parse(
      kpca([
        'spectral-cluster',
        csv,
        '-k',
        '3',
        '--sigma',
        '3',
        '--passes',
        '1',
        '--backend',
        'reference',
        '--json',
        '-q',
      ]).stdout,
    );
    expect(sc.converged).toBe(false);
    expect(sc.certificate.norm).toBe('l2');
    expect(sc.certificate.components).toHaveLength(3);
    const cmp = JSON.parse(
      kpca(['compare', csv, ...base, '--gains', 'constant,smd', '-o', join(dir, 'cmp'), '--json', '-q']).stdout,
    );
    expect(cmp.certificates.map((c: { gain: string }) => c.gain)).toEqual(['constant', 'smd']);
    expect(cmp.converged).toBe(false);
  });
});
