import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { matmul, matmulTransB, maxAbsDiff } from '../../src/linalg/dense';
import { Rng } from '../../src/linalg/rng';
import { symmetricEigen } from '../../src/linalg/symmetricEigen';
import { randomSymmetric, toRows } from './helpers';

describe('symmetricEigen', () => {
  test('hand-checked 2×2: [2 1; 1 2] has λ = 3, 1 with vectors (1,1)/√2, (1,−1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    const s = Math.SQRT1_2;
    // column 0 = (s, s); column 1 = ±(s, −s), sign rule: first entry of largest magnitude positive
    expect(maxAbsDiff(vectors, [s, s, s, -s])).toBeLessThan(1e-14);
  });

  test('decreasing order, A V = V Λ, VᵀV = I, and the same spectrum as ml-matrix', () => {
    const n = 12;
    const a = randomSymmetric(new Rng(5), n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    const av = matmul(a, vectors, n, n, n);
    const vl = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vl[i * n + j] = vectors[i * n + j] * values[j];
    expect(maxAbsDiff(av, vl)).toBeLessThan(1e-12);
    const vtv = matmulTransB(transposeOf(vectors, n), transposeOf(vectors, n), n, n, n);
    expect(maxAbsDiff(vtv, identity(n))).toBeLessThan(1e-13);
    const ml = new EigenvalueDecomposition(new Matrix(toRows(a, n, n)), { assumeSymmetric: true }).realEigenvalues;
    expect(
      maxAbsDiff(
        values,
        ml.slice().sort((p, q) => q - p),
      ),
    ).toBeLessThan(1e-12);
  });

  test('sign rule: the largest entry of each eigenvector is positive', () => {
    const n = 8;
    const { vectors } = symmetricEigen(randomSymmetric(new Rng(6), n), n);
    for (let i = 0; i < n; i++) {
      let big = 0;
      for (let j = 0; j < n; j++) if (Math.abs(vectors[j * n + i]) > Math.abs(big)) big = vectors[j * n + i];
      expect(big).toBeGreaterThan(0);
    }
  });
});

function transposeOf(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}
