import { Rng } from '../../src/linalg/rng';

/** n×m matrix of standard normal entries, row-major. */
export function randomMatrix(rng: Rng, n: number, m: number): Float64Array {
  const a = new Float64Array(n * m);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

/** Random symmetric positive definite n×n matrix B Bᵀ + shift·I. */
export function randomSpd(rng: Rng, n: number, shift = 0.1): Float64Array {
  const b = randomMatrix(rng, n, n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
      a[i * n + j] = s + (i === j ? shift : 0);
    }
  }
  return a;
}

/** Random symmetric n×n matrix (B + Bᵀ)/2. */
export function randomSymmetric(rng: Rng, n: number): Float64Array {
  const b = randomMatrix(rng, n, n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (b[i * n + j] + b[j * n + i]);
  return a;
}

/** Row-major Float64Array as number[][] (for ml-matrix). */
export function toRows(a: Float64Array, n: number, m: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * m, (i + 1) * m)));
}
