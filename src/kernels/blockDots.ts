/**
 * Float64 dot products between a block of points Z (m × d) and the training points X (l × d),
 * both row-major: the work every kernel's reference shares.
 */

/** out[b*l + j] = z_b · x_j. */
export function blockDots(X: Float64Array, l: number, d: number, Z: Float64Array, m: number, out: Float64Array): void {
  let b = 0;
  // Four z rows share each load of x_j (j outer), so X streams through the cache once per four
  // rows; the four row sums are independent accumulators, which keeps the FPU pipeline busy.
  for (; b + 4 <= m; b += 4) {
    const z0 = b * d,
      z1 = z0 + d,
      z2 = z1 + d,
      z3 = z2 + d;
    for (let j = 0; j < l; j++) {
      const x = j * d;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let t = 0; t < d; t++) {
        const xt = X[x + t];
        s0 += Z[z0 + t] * xt;
        s1 += Z[z1 + t] * xt;
        s2 += Z[z2 + t] * xt;
        s3 += Z[z3 + t] * xt;
      }
      out[b * l + j] = s0;
      out[(b + 1) * l + j] = s1;
      out[(b + 2) * l + j] = s2;
      out[(b + 3) * l + j] = s3;
    }
  }
  for (; b < m; b++) singleRowDots(X, l, d, Z, b, out);
}

/** One leftover row: four accumulators over t instead of over rows. */
function singleRowDots(X: Float64Array, l: number, d: number, Z: Float64Array, b: number, out: Float64Array): void {
  const z = b * d,
    d4 = d - (d % 4);
  for (let j = 0; j < l; j++) {
    const x = j * d;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      t = 0;
    for (; t < d4; t += 4) {
      s0 += Z[z + t] * X[x + t];
      s1 += Z[z + t + 1] * X[x + t + 1];
      s2 += Z[z + t + 2] * X[x + t + 2];
      s3 += Z[z + t + 3] * X[x + t + 3];
    }
    for (; t < d; t++) s0 += Z[z + t] * X[x + t];
    out[b * l + j] = s0 + s1 + (s2 + s3);
  }
}

/** ‖x_i‖² for each row of an n × d row-major matrix. */
export function squaredNorms(X: ArrayLike<number>, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d; t < (i + 1) * d; t++) s += X[t] * X[t];
    norms[i] = s;
  }
  return norms;
}
