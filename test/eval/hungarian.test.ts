import { hungarian } from '../../src/eval/hungarian';
import { Rng } from '../../src/linalg/rng';

/** Minimum total cost over all injective assignments of the smaller side, by enumeration. */
function bruteForceMinimum(cost: Float64Array, rows: number, cols: number): number {
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  const c = (i: number, j: number): number => (transposed ? cost[j * cols + i] : cost[i * cols + j]);
  let best = Infinity;
  const used = new Array<boolean>(m).fill(false);
  const walk = (i: number, total: number): void => {
    if (i === n) {
      best = Math.min(best, total);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      walk(i + 1, total + c(i, j));
      used[j] = false;
    }
  };
  walk(0, 0);
  return best;
}

function totalCost(cost: Float64Array, cols: number, assignment: Int32Array): number {
  let s = 0;
  assignment.forEach((j, i) => {
    if (j >= 0) s += cost[i * cols + j];
  });
  return s;
}

/** Each row gets at most one column, each column at most one row, min(rows, cols) pairs in all. */
function expectValidAssignment(assignment: Int32Array, rows: number, cols: number): void {
  expect(assignment.length).toBe(rows);
  const assigned = Array.from(assignment).filter((j) => j >= 0);
  expect(assigned.length).toBe(Math.min(rows, cols));
  expect(new Set(assigned).size).toBe(assigned.length);
  for (const j of assigned) expect(j).toBeLessThan(cols);
}

describe('hungarian', () => {
  test('hand-checked 3×3: [[4,1,3],[2,0,5],[3,2,2]] → rows to columns 1, 0, 2 (cost 5)', () => {
    const cost = Float64Array.of(4, 1, 3, 2, 0, 5, 3, 2, 2);
    expect(Array.from(hungarian(cost, 3, 3))).toEqual([1, 0, 2]);
  });

  test('hand-checked rectangular 2×3 and 3×2', () => {
    // rows prefer column 2 and column 0: cost 1 + 1
    expect(Array.from(hungarian(Float64Array.of(5, 9, 1, 1, 9, 5), 2, 3))).toEqual([2, 0]);
    // transposed: column 0 goes to row 2, column 1 to row 0; row 1 left out
    expect(Array.from(hungarian(Float64Array.of(5, 1, 9, 9, 1, 5), 3, 2))).toEqual([1, -1, 0]);
  });

  test.each([
    [4, 4],
    [5, 5],
    [3, 6],
    [6, 3],
    [1, 4],
    [4, 1],
    [6, 6],
  ])('matches brute force on random %i×%i matrices (with ties)', (rows, cols) => {
    const rng = new Rng(rows * 31 + cols);
    for (let trial = 0; trial < 25; trial++) {
      // small integers: many ties; negative entries too
      const cost = Float64Array.from({ length: rows * cols }, () => rng.int(7) - 2);
      const a = hungarian(cost, rows, cols);
      expectValidAssignment(a, rows, cols);
      expect(totalCost(cost, cols, a)).toBe(bruteForceMinimum(cost, rows, cols));
      const real = Float64Array.from({ length: rows * cols }, () => rng.normal() * 100);
      const b = hungarian(real, rows, cols);
      expectValidAssignment(b, rows, cols);
      expect(totalCost(real, cols, b)).toBeCloseTo(bruteForceMinimum(real, rows, cols), 9);
    }
  });

  test('a 200×200 problem with a planted optimum', () => {
    // cost 0 on a random permutation, ≥ 1 elsewhere: the permutation is the unique optimum
    const n = 200;
    const rng = new Rng(5);
    const perm = rng.permutation(n);
    const cost = Float64Array.from({ length: n * n }, () => 1 + rng.uniform());
    for (let i = 0; i < n; i++) cost[i * n + perm[i]] = 0;
    expect(Array.from(hungarian(cost, n, n))).toEqual(Array.from(perm));
  });

  test('rejects bad input', () => {
    expect(() => hungarian([1, 2, 3], 2, 2)).toThrow(RangeError);
    expect(() => hungarian([1, NaN, 3, 4], 2, 2)).toThrow(/not finite/);
  });
});
