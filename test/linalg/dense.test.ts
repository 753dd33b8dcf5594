import { Matrix } from 'ml-matrix';
import { dot, dotFromOffset, matmul, matmulTransB, maxAbsDiff, transpose } from '../../src/linalg/dense';
import { Rng } from '../../src/linalg/rng';
import { randomMatrix, toRows } from './helpers';

describe('dense products', () => {
  const rng = new Rng(11);
  const a = randomMatrix(rng, 3, 5);
  const b = randomMatrix(rng, 5, 4);
  const c = randomMatrix(rng, 4, 5);

  test('hand-checked 2×2 product', () => {
    // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50]
    expect(Array.from(matmul(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), 2, 2, 2))).toEqual([
      19, 22, 43, 50,
    ]);
    // [1 2; 3 4]·[5 6; 7 8]ᵀ = [17 23; 39 53]
    expect(Array.from(matmulTransB(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), 2, 2, 2))).toEqual([
      17, 23, 39, 53,
    ]);
  });

  test('matmul agrees with ml-matrix', () => {
    const expected = new Matrix(toRows(a, 3, 5)).mmul(new Matrix(toRows(b, 5, 4)));
    expect(maxAbsDiff(matmul(a, b, 3, 5, 4), Float64Array.from(expected.to1DArray()))).toBeLessThan(1e-13);
  });

  test('matmulTransB agrees with ml-matrix A·Bᵀ', () => {
    const expected = new Matrix(toRows(a, 3, 5)).mmul(new Matrix(toRows(c, 4, 5)).transpose());
    expect(maxAbsDiff(matmulTransB(a, c, 3, 5, 4), Float64Array.from(expected.to1DArray()))).toBeLessThan(1e-13);
  });

  test('transpose and dot', () => {
    const t = transpose(a, 3, 5);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) expect(t[j * 3 + i]).toBe(a[i * 5 + j]);
    expect(dot([1, 2, 3, 4], 1, [10, 20, 30], 0, 3)).toBe(2 * 10 + 3 * 20 + 4 * 30);
  });

  test('maxAbsDiff rejects different lengths', () => {
    expect(maxAbsDiff([1, 5, -2], [1, 2, 0])).toBe(3);
    expect(() => maxAbsDiff([1], [1, 2])).toThrow(RangeError);
  });
});

describe('dotFromOffset (four accumulators)', () => {
  test.each([0, 1, 3, 4, 5, 8, 9, 1001])('len %i equals the plain dot product at an offset', (len) => {
    const a = Float64Array.from({ length: len + 7 }, (_, i) => Math.sin(i + 1));
    const k = Float64Array.from({ length: len }, (_, i) => Math.cos(3 * i));
    expect(dotFromOffset(a, 7, k, len)).toBeCloseTo(dot(a, 7, k, 0, len), 12);
  });
});
