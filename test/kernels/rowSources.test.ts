/**
 * CenteredGram and NormalizedAffinity against explicit matrices built with ml-matrix from the
 * naive kernel: (I − M) K (I − M) and D^{-1/2} W D^{-1/2}. Float64 backend: 1e-12 × max|K|
 * without the cache; with the f32 cache rows are f32-accurate: 1e-6 × max|K|.
 */
import { Matrix } from 'ml-matrix';
import { UserError } from '../../src/errors';
import {
  CenteredGram,
  createGramBackend,
  gramCacheBytes,
  type GramBackend,
  type KernelSpec,
  NormalizedAffinity,
} from '../../src/kernels';
import { maxAbsDiff, naiveBlock, randomPoints } from './naiveKernel';

const l = 130,
  d = 7; // l not a multiple of the block size 64
const X = randomPoints(5, l, d);
const kernel: KernelSpec = { type: 'gaussian', gamma: 0.2 };
const K = new Matrix(
  Array.from({ length: l }, (_, i) => Array.from(naiveBlock(kernel, X, l, X.subarray(i * d, (i + 1) * d), 1, d))),
);
const indices = [129, 0, 64, 63, 7, 7];
const allRows = (M: Matrix, rows: number[]): Float64Array => Float64Array.from(rows.flatMap((i) => M.getRow(i)));

const CASES = [
  { label: 'computed on the fly', cacheBudgetMB: 0, tol: 1e-12 },
  { label: 'from the f32 cache', cacheBudgetMB: 1, tol: 1e-6 },
];

let backend: GramBackend;
beforeAll(async () => {
  backend = await createGramBackend('reference', kernel, X, l, d);
});

describe.each(CASES)('CenteredGram, rows $label', ({ cacheBudgetMB, tol }) => {
  const C = Matrix.eye(l).sub(Matrix.ones(l, l).div(l)); // I − M
  const Kc = C.mmul(K).mmul(C);
  let gram: CenteredGram;
  const progress: number[] = [];
  beforeAll(async () => {
    gram = await CenteredGram.create(backend, { cacheBudgetMB, onProgress: (done) => progress.push(done) });
  });

  test('one pass in blocks of 64; cache as budgeted', () => {
    expect(progress).toEqual([64, 128, 130]);
    expect(gram.cached).toBe(cacheBudgetMB > 0);
    expect(gram.cacheBytes).toBe(cacheBudgetMB > 0 ? gramCacheBytes(l) : 0);
  });

  test('rows are those of (I − M) K (I − M)', async () => {
    const out = new Float64Array(indices.length * l);
    await gram.rows(indices, out);
    expect(maxAbsDiff(out, allRows(Kc, indices))).toBeLessThan(tol);
  });

  test("statistics: row means, grand mean, trace of K'", () => {
    const means = K.mean('row');
    expect(maxAbsDiff(gram.rowMeans, means)).toBeLessThan(1e-14);
    expect(gram.grandMean).toBeCloseTo(K.mean(), 14);
    expect(Math.abs(gram.trace - Kc.trace())).toBeLessThan(1e-12 * l);
  });

  test('centerCross centers new points as (k − 1ᵀK/l)(I − M)', () => {
    const m = 3;
    const Z = randomPoints(9, m, d);
    const Kz = new Matrix(
      Array.from({ length: m }, (_, b) => Array.from(naiveBlock(kernel, X, l, Z.subarray(b * d, (b + 1) * d), 1, d))),
    );
    const expected = Matrix.sub(Kz, Matrix.ones(m, l).mmul(K).div(l)).mmul(C); // Matrix#sub would change Kz
    const block = Float64Array.from(Kz.to1DArray());
    gram.centerCross(block, m);
    expect(maxAbsDiff(block, expected.to1DArray())).toBeLessThan(1e-12);
  });
});

describe.each(CASES)('NormalizedAffinity, rows $label', ({ cacheBudgetMB, tol }) => {
  const W = K.clone();
  for (let i = 0; i < l; i++) W.set(i, i, 0);
  const degrees = W.sum('row');
  const Dm12 = Matrix.diag(degrees.map((di) => 1 / Math.sqrt(di)));
  const Wn = Dm12.mmul(W).mmul(Dm12);

  test('degrees and rows of D^{-1/2} W D^{-1/2} (W_ii = 0, not centered)', async () => {
    const affinity = await NormalizedAffinity.create(backend, { cacheBudgetMB });
    expect(affinity.cached).toBe(cacheBudgetMB > 0);
    expect(affinity.trace).toBe(0);
    expect(maxAbsDiff(affinity.degrees, degrees)).toBeLessThan(1e-12);
    const out = new Float64Array(indices.length * l);
    await affinity.rows(indices, out);
    expect(maxAbsDiff(out, allRows(Wn, indices))).toBeLessThan(tol);
  });
});

test('an isolated point (affinity 0 to all others) is a UserError that suggests a larger sigma', async () => {
  const narrow = await createGramBackend('reference', { type: 'gaussian', gamma: 1e6 }, X, l, d);
  await expect(NormalizedAffinity.create(narrow)).rejects.toThrow(UserError);
  await expect(NormalizedAffinity.create(narrow)).rejects.toThrow(/increase it/);
});

test('CenteredGram over an f32 backend (wasm) agrees with the float64 one to f32 accuracy', async () => {
  const wasm = await createGramBackend('wasm', kernel, X, l, d);
  const [a, b] = await Promise.all([CenteredGram.create(wasm), CenteredGram.create(backend, { cacheBudgetMB: 0 })]);
  const outA = new Float64Array(indices.length * l),
    outB = new Float64Array(indices.length * l);
  await a.rows(indices, outA);
  await b.rows(indices, outB);
  expect(maxAbsDiff(outA, outB)).toBeLessThan(1e-6);
  expect(Math.abs(a.trace - b.trace)).toBeLessThan(1e-6 * l);
});
