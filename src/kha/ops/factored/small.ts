/** The r × r algebra of the factored step: O(r²) per step, never touching an r × l matrix. */

/**
 * The small matrices M = I − diag(g) lt(y yᵀ) and N = diag(P) (lt(y yᵀ) + ξ lt(z yᵀ + y zᵀ)) of a
 * step (g = P y), applied in O(r²) through running sums over their lower triangles.
 */
export class StepMatrices {
  private y: Float64Array = new Float64Array(0);
  private z: Float64Array = new Float64Array(0);
  private gains: Float64Array = new Float64Array(0);
  private xi = 0;
  private readonly g: Float64Array;
  private readonly sums: Float64Array;
  private readonly row: Float64Array;
  constructor(private readonly r: number) {
    this.g = new Float64Array(r);
    this.sums = new Float64Array(r);
    this.row = new Float64Array(r);
  }
  set(y: Float64Array, z: Float64Array, gains: Float64Array, xi: number): void {
    [this.y, this.z, this.gains, this.xi] = [y, z, gains, xi];
    for (let i = 0; i < this.r; i++) this.g[i] = gains[i] * y[i];
  }
  /** out = M v (out may be v) */
  mv(v: Float64Array, out: Float64Array): Float64Array {
    let s = 0;
    for (let i = 0; i < this.r; i++) {
      s += this.y[i] * v[i];
      out[i] = v[i] - this.g[i] * s;
    }
    return out;
  }
  /** out = N v */
  nv(v: Float64Array, out: Float64Array): Float64Array {
    const { y, z, gains, xi } = this;
    let sy = 0;
    let sz = 0;
    for (let i = 0; i < this.r; i++) {
      sy += y[i] * v[i];
      sz += z[i] * v[i];
      out[i] = gains[i] * ((y[i] + xi * z[i]) * sy + xi * y[i] * sz);
    }
    return out;
  }
  /** X ← M X Mᵀ, in place */
  congruence(X: Float64Array): void {
    const { r, y, g } = this;
    this.leftM(X);
    // X ← X Mᵀ: column i loses g_i Σ_{u≤i} y_u X_{:,u}
    for (let a = 0; a < r; a++) {
      let t = 0;
      for (let i = 0; i < r; i++) {
        t += y[i] * X[a * r + i];
        X[a * r + i] -= g[i] * t;
      }
    }
  }
  /** out = M X Nᵀ */
  leftMRightN(X: Float64Array, out: Float64Array): void {
    const { r, row } = this;
    for (let a = 0; a < r; a++) out.set(this.nv(X.subarray(a * r, (a + 1) * r), row), a * r);
    this.leftM(out);
  }
  /** X ← M X: row i loses g_i Σ_{u≤i} y_u X_u (old rows, running sums) */
  private leftM(X: Float64Array): void {
    const { r, y, g, sums: s } = this;
    s.fill(0);
    for (let i = 0; i < r; i++)
      for (let q = 0; q < r; q++) {
        s[q] += y[i] * X[i * r + q];
        X[i * r + q] -= g[i] * s[q];
      }
  }
}

/** X += α (u vᵀ + v uᵀ) + β u uᵀ for r × r X */
export function addSymmetric(X: Float64Array, u: Float64Array, v: Float64Array, alpha: number, beta: number): void {
  const r = u.length;
  for (let i = 0; i < r; i++)
    for (let q = 0; q < r; q++) X[i * r + q] += alpha * (u[i] * v[q] + v[i] * u[q]) + beta * u[i] * u[q];
}

/** X += α u vᵀ */
export function addOuter(X: Float64Array, u: Float64Array, v: Float64Array, alpha = 1): void {
  const r = u.length;
  for (let i = 0; i < r; i++) {
    const a = alpha * u[i];
    for (let q = 0; q < r; q++) X[i * r + q] += a * v[q];
  }
}

/** out = L v for a lower-triangular r × r L */
export function lowerTimes(L: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
  const r = out.length;
  for (let i = 0; i < r; i++) {
    let acc = 0;
    for (let q = 0; q <= i; q++) acc += L[i * r + q] * v[q];
    out[i] = acc;
  }
  return out;
}

/** x = L⁻¹ b for a lower-triangular r × r L */
export function forwardSolve(L: Float64Array, rhs: Float64Array, x: Float64Array): void {
  const r = x.length;
  for (let i = 0; i < r; i++) {
    let acc = rhs[i];
    for (let q = 0; q < i; q++) acc -= L[i * r + q] * x[q];
    x[i] = acc / L[i * r + i];
  }
}

/** M ← I */
export function identity(M: Float64Array, r: number): void {
  M.fill(0);
  for (let i = 0; i < r; i++) M[i * r + i] = 1;
}
