/** Small helpers on row-major point matrices shared by the backends. */

/** The rows X[indices[b]] as an m × d block. */
export function gatherRows(X: Float64Array, d: number, indices: ArrayLike<number>): Float64Array {
  const Z = new Float64Array(indices.length * d);
  for (let b = 0; b < indices.length; b++) Z.set(X.subarray(indices[b] * d, (indices[b] + 1) * d), b * d);
  return Z;
}

/** Mean of each column of an l × d matrix. */
export function columnMeans(X: Float64Array, l: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < l; i++) for (let t = 0; t < d; t++) mean[t] += X[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= l;
  return mean;
}

/**
 * Copies the n × d rows of `src`, minus `shift` (a d-vector, or null), into `dst` as f32 rows of
 * `stride` ≥ d values; the padding is left as it is (zero in a fresh buffer).
 */
export function packF32(
  src: Float64Array,
  n: number,
  d: number,
  shift: Float64Array | null,
  dst: Float32Array,
  stride: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) dst[i * stride + t] = src[i * d + t] - (shift ? shift[t] : 0);
  }
}

/** Throws (a programming error, not a user one) when `out` cannot hold an m × l block. */
export function checkBlock(out: Float64Array, m: number, l: number): void {
  if (out.length < m * l)
    throw new RangeError(`output holds ${out.length} values, an ${m} × ${l} block needs ${m * l}`);
}
