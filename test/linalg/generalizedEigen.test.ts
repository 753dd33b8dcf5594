import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import { NumericalError } from '../../src/errors';
import { matmul, maxAbsDiff, transpose } from '../../src/linalg/dense';
import { generalizedSymmetricEigen } from '../../src/linalg/generalizedEigen';
import { Rng } from '../../src/linalg/rng';
import { randomSpd, randomSymmetric, toRows } from './helpers';

describe('generalizedSymmetricEigen', () => {
  test('hand-checked: H = diag(6, 2), G = diag(2, 1) gives λ = 3, 2 and c = (1/√2, 0), (0, 1)', () => {
    const { values, vectors } = generalizedSymmetricEigen(Float64Array.of(6, 0, 0, 2), Float64Array.of(2, 0, 0, 1), 2);
    expect(maxAbsDiff(values, [3, 2])).toBeLessThan(1e-15);
    expect(maxAbsDiff(vectors.map(Math.abs), [Math.SQRT1_2, 0, 0, 1])).toBeLessThan(1e-15);
  });

  test('hand-checked non-diagonal: H = [2 1; 1 2], G = [2 1; 1 2] gives λ = 1 (twice)', () => {
    const { values, vectors } = generalizedSymmetricEigen(Float64Array.of(2, 1, 1, 2), Float64Array.of(2, 1, 1, 2), 2);
    expect(maxAbsDiff(values, [1, 1])).toBeLessThan(1e-14);
    // CᵀGC = I
    const G = Float64Array.of(2, 1, 1, 2);
    expect(
      maxAbsDiff(matmul(transpose(vectors, 2, 2), matmul(G, vectors, 2, 2, 2), 2, 2, 2), [1, 0, 0, 1]),
    ).toBeLessThan(1e-14);
  });

  test('H C = G C Λ, CᵀGC = I, decreasing λ, same λ as ml-matrix on G⁻¹H', () => {
    const r = 9;
    const rng = new Rng(21);
    const H = randomSymmetric(rng, r);
    const G = randomSpd(rng, r, 0.5);
    const { values, vectors: C } = generalizedSymmetricEigen(H, G, r);
    for (let i = 1; i < r; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    const HC = matmul(H, C, r, r, r);
    const GC = matmul(G, C, r, r, r);
    const GCL = GC.map((v, k) => v * values[k % r]);
    expect(maxAbsDiff(HC, GCL)).toBeLessThan(1e-10 * Math.max(...values.map(Math.abs)));
    expect(maxAbsDiff(matmul(transpose(C, r, r), GC, r, r, r), identityOf(r))).toBeLessThan(1e-12);
    // ml-matrix: the (non-symmetric) eigenvalues of G⁻¹H are the same, all real.
    const Ginv = inverse(new Matrix(toRows(G, r, r)));
    const evd = new EigenvalueDecomposition(Ginv.mmul(new Matrix(toRows(H, r, r))));
    expect(Math.max(...evd.imaginaryEigenvalues.map(Math.abs))).toBeLessThan(1e-9);
    const ml = evd.realEigenvalues.slice().sort((p, q) => q - p);
    expect(maxAbsDiff(values, ml)).toBeLessThan(1e-9);
  });

  test('singular G (dependent rows of A) is a NumericalError', () => {
    expect(() => generalizedSymmetricEigen(Float64Array.of(1, 0, 0, 1), Float64Array.of(1, 1, 1, 1), 2)).toThrow(
      NumericalError,
    );
  });
});

function identityOf(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}
