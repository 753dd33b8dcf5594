import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { NumericalError } from '../../src/errors';
import { cholesky, solveLower, solveLowerTransposed } from '../../src/linalg/cholesky';
import { matmul, matmulTransB, maxAbsDiff } from '../../src/linalg/dense';
import { Rng } from '../../src/linalg/rng';
import { randomMatrix, randomSpd, toRows } from './helpers';

describe('cholesky', () => {
  test('hand-checked 2×2: [4 2; 2 5] = L Lᵀ with L = [2 0; 1 2]', () => {
    expect(Array.from(cholesky(Float64Array.of(4, 2, 2, 5), 2))).toEqual([2, 0, 1, 2]);
  });

  test('agrees with ml-matrix and reproduces A', () => {
    const n = 7;
    const a = randomSpd(new Rng(3), n);
    const L = cholesky(a, n);
    const expected = new CholeskyDecomposition(new Matrix(toRows(a, n, n))).lowerTriangularMatrix;
    expect(maxAbsDiff(L, Float64Array.from(expected.to1DArray()))).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmulTransB(L, L, n, n, n), a)).toBeLessThan(1e-12);
  });

  test('triangular solves invert L and Lᵀ', () => {
    const n = 6;
    const cols = 3;
    const rng = new Rng(4);
    const L = cholesky(randomSpd(rng, n), n);
    const x = randomMatrix(rng, n, cols);
    const b = matmul(L, x, n, n, cols);
    solveLower(L, b, n, cols);
    expect(maxAbsDiff(b, x)).toBeLessThan(1e-12);
    const Lt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Lt[i * n + j] = L[j * n + i];
    const c = matmul(Lt, x, n, n, cols);
    solveLowerTransposed(L, c, n, cols);
    expect(maxAbsDiff(c, x)).toBeLessThan(1e-12);
  });

  test('a singular or indefinite matrix is a NumericalError', () => {
    expect(() => cholesky(Float64Array.of(1, 1, 1, 1), 2)).toThrow(NumericalError);
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not positive definite/);
  });
});
