import { Matrix, QrDecomposition } from 'ml-matrix';
import { matmulTransB, maxAbsDiff } from '../../src/linalg/dense';
import { orthonormalizeRows } from '../../src/linalg/orthonormalize';
import { Rng } from '../../src/linalg/rng';
import { randomMatrix, toRows } from './helpers';

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

describe('orthonormalizeRows', () => {
  test('hand-checked: rows (3, 4) and (1, 0) become (0.6, 0.8) and (0.8, −0.6)', () => {
    const v = Float64Array.of(3, 4, 1, 0);
    expect(orthonormalizeRows(v, 2, 2, new Float64Array(0), 0, new Rng(1))).toBe(0);
    expect(maxAbsDiff(v, [0.6, 0.8, 0.8, -0.6])).toBeLessThan(1e-15);
  });

  test('is the Q factor of QR: same |R| diagonal as ml-matrix, and V = R Q with R lower triangular', () => {
    const b = 5;
    const l = 40;
    const v = randomMatrix(new Rng(8), b, l);
    const q = Float64Array.from(v);
    orthonormalizeRows(q, b, l, new Float64Array(0), 0, new Rng(9));
    expect(maxAbsDiff(matmulTransB(q, q, b, l, b), identity(b))).toBeLessThan(1e-14);
    // R = V Qᵀ (b×b) is lower triangular and V = R Q.
    const R = matmulTransB(v, q, b, l, b);
    for (let i = 0; i < b; i++) for (let j = i + 1; j < b; j++) expect(Math.abs(R[i * b + j])).toBeLessThan(1e-12);
    const mlR = new QrDecomposition(new Matrix(toRows(v, b, l)).transpose()).upperTriangularMatrix;
    for (let i = 0; i < b; i++) expect(Math.abs(R[i * b + i])).toBeCloseTo(Math.abs(mlR.get(i, i)), 12);
  });

  test('orthogonal to the basis, and dependent rows are replaced by random ones', () => {
    const l = 30;
    const rng = new Rng(10);
    const basis = randomMatrix(rng, 4, l);
    orthonormalizeRows(basis, 4, l, new Float64Array(0), 0, rng);
    // Block: row 0 lies in span(basis); row 2 = 2·row 1 — both dependent.
    const block = new Float64Array(3 * l);
    for (let j = 0; j < l; j++) {
      block[j] = basis[j] - 3 * basis[2 * l + j];
      block[l + j] = rng.normal();
      block[2 * l + j] = 2 * block[l + j];
    }
    expect(orthonormalizeRows(block, 3, l, basis, 4, rng)).toBe(2);
    const all = new Float64Array(7 * l);
    all.set(basis);
    all.set(block, 4 * l);
    expect(maxAbsDiff(matmulTransB(all, all, 7, l, 7), identity(7))).toBeLessThan(1e-13);
  });

  test('keeps orthonormality for nearly dependent rows (Hilbert-like)', () => {
    const b = 8;
    const l = 50;
    const v = new Float64Array(b * l);
    for (let i = 0; i < b; i++) for (let j = 0; j < l; j++) v[i * l + j] = 1 / (i + j + 1);
    orthonormalizeRows(v, b, l, new Float64Array(0), 0, new Rng(2));
    expect(maxAbsDiff(matmulTransB(v, v, b, l, b), identity(b))).toBeLessThan(1e-13);
  });

  test('refuses more rows than the dimension allows', () => {
    expect(() => orthonormalizeRows(new Float64Array(6), 3, 2, new Float64Array(0), 0, new Rng(1))).toThrow(RangeError);
  });
});
