/**
 * Problems no gain can fix are named for what they are, up front (exit 2, before any work) where a
 * look at the points and the kernel finds them, else in the numerical error (exit 3).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { explainFailure } from '../../src/app/advice';
import { NumericalError } from '../../src/errors';
import { kpca, writeCloudCsv } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'kpca-advice-'));
const csv = (name: string, rows: number[][]) => {
  const path = join(dir, name);
  writeFileSync(path, `a,b,c\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
};
const cloud = writeCloudCsv(join(dir, 'cloud.csv'), 40);
const identical = csv(
  'same.csv',
  Array.from({ length: 10 }, () => [1, 2, 3]),
);
const one = csv('one.csv', [[1, 2, 3]]);
const five = csv('five.csv', [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9.5],
  [0, 1, 0],
  [2, 2, 2],
]);
const duplicated = csv('dup.csv', [
  [1, 2, 3],
  [4, 5, 6],
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
]);

const fit = (data: string, ...args: string[]) => [
  'fit',
  data,
  '-q',
  '--passes',
  '1',
  '--backend',
  'reference',
  '-o',
  join(dir, 'm.kpca'),
  ...args,
];

test.each([
  ['all-identical points', fit(identical, '-r', '1'), /all 10 points are identical: the centred kernel matrix is zero/],
  ['one point with -r 1', fit(one, '-r', '1'), /there is only one point: /],
  [
    'r = l (centred K′ has rank ≤ l − 1)',
    fit(five, '-r', '5'),
    /-r 5: 5 points have at most 4 components, since centring leaves the kernel matrix rank ≤/,
  ],
  [
    'r above the distinct points',
    fit(duplicated, '-r', '3'),
    /-r 3: 3 distinct points \(of 5\) have at most 2 components/,
  ],
  [
    'a linear kernel with r above d',
    fit(cloud, '--kernel', 'linear', '-r', '6', '--label-column', 'label'),
    /-r 6: the linear kernel of 5-dimensional points has at most 5 components/,
  ],
  [
    'polynomial degree 1000',
    fit(cloud, '--kernel', 'polynomial', '--degree', '1000', '-r', '2'),
    /\(x·x′ \+ 1\)\^1000 overflows float64 on these data/,
  ],
])('%s: exit 2 with the cause, before any work', (_, args, message) => {
  const run = kpca(args);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.code).toBe(2);
});

test('a divergence under a negative coef0 names the kernel, not the gains', () => {
  const diverged = new NumericalError(
    'the iteration diverged at step 7 (pass 1): component 2 became NaN. The gains are too large for this data: lower --eta0 (now 0.1).',
  );
  const unit = { X: Float64Array.of(1, 0, 0, 1), l: 2, d: 2, featureNames: ['a', 'b'], source: 'test' };
  const explained = explainFailure(diverged, { type: 'polynomial', degree: 3, coef0: -2 }, unit, 1) as Error;
  expect(explained).toBeInstanceOf(NumericalError);
  expect(explained.message).toMatch(/^the polynomial kernel with --coef0 -2 < 0 is not positive semi-definite/);
  expect(explained.message).not.toMatch(/gains are too large/);
  expect(explainFailure(diverged, { type: 'gaussian', gamma: 1 }, unit, 1)).toBe(diverged);
  expect(explainFailure(diverged, { type: 'linear' }, unit, 1)).toBe(diverged);
});

test('a linear kernel on data ×1e20 iterates on K′ scaled to order 1: the same fit as the data ×1, times 1e40', () => {
  // (it used to diverge at step 1; explainFailure still names the scale where a run does fail, above)
  const rows = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(3 * i) * 2, i % 7]);
  const eigenvalues = (path: string) => {
    const run = kpca([...fit(path, '--kernel', 'linear', '-r', '2', '--passes', '30', '--json')]);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { eigenvalues: number[] }).eigenvalues;
  };
  const unit = eigenvalues(csv('unit.csv', rows));
  const big = eigenvalues(
    csv(
      'big.csv',
      rows.map((row) => row.map((v) => v * 1e20)),
    ),
  );
  expect(big.length).toBe(2);
  big.forEach((lambda, i) => expect(lambda / 1e40 / unit[i]).toBeCloseTo(1, 6));
});

test('r above the numerical rank (a Cholesky failure in Rayleigh–Ritz) names -r and the rank, exit 3', () => {
  // points on a circle: distinct, but a Gaussian K′ of very wide bandwidth has few eigenvalues above rounding
  const circle = csv(
    'circle.csv',
    Array.from({ length: 60 }, (_, i) => [Math.cos(i / 10), Math.sin(i / 10), 0]),
  );
  const run = kpca(fit(circle, '--gamma', '1e-6', '-r', '20'));
  expect(run.stderr).toMatch(/kpca: -r 20: K′ has fewer than 20 eigenvalues distinguishable from rounding/);
  expect(run.code).toBe(3);
});
