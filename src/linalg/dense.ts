/**
 * Small dense float64 products. Every matrix is a Float64Array in row-major order; the shapes are
 * passed explicitly. Sized for r×r and r×l blocks (r ≲ 100), not for large matrices.
 */

/** C = A B with A m×k and B k×n; returns C (m×n). */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return c;
}

/** C = A Bᵀ with A m×k and B n×k (both with rows of length k); returns C (m×n): C_ij = A_i · B_j. */
export function matmulTransB(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) c[i * n + j] = dot(a, i * k, b, j * k, k);
  }
  return c;
}

/** Aᵀ for A m×n; returns n×m. */
export function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** Σ_{j<len} a[aOff+j]·b[bOff+j]. */
export function dot(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, len: number): number {
  let s = 0;
  for (let j = 0; j < len; j++) s += a[aOff + j] * b[bOff + j];
  return s;
}

/**
 * Σ_{j<len} a[offset+j]·k[j] with four accumulators: about twice as fast in V8 as one (the engine's
 * y = A k). The order of the additions is part of the engine's results, which are compared bit for bit.
 */
export function dotFromOffset(a: Float64Array, offset: number, k: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += a[offset + j] * k[j];
    s1 += a[offset + j + 1] * k[j + 1];
    s2 += a[offset + j + 2] * k[j + 2];
    s3 += a[offset + j + 3] * k[j + 3];
  }
  for (; j < len; j++) s0 += a[offset + j] * k[j];
  return s0 + s1 + s2 + s3;
}

/** max_ij |A_ij − B_ij| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
