import { NumericalError } from '../errors';

/**
 * Cholesky factor of a symmetric positive definite n×n matrix: A = L Lᵀ, L lower triangular
 * (row-major, zeros above the diagonal). Reads only the lower triangle of A.
 *   L_jj = √(A_jj − Σ_{k<j} L_jk²),   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj   (i > j)
 * Throws NumericalError when a pivot is not positive (A not positive definite to working precision).
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) {
      throw new NumericalError(`Cholesky: matrix is not positive definite (pivot ${j} is ${d})`);
    }
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solve L X = B in place (forward substitution); L n×n lower triangular, B n×cols row-major. */
export function solveLower(L: Float64Array, b: Float64Array, n: number, cols: number): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const lik = L[i * n + k];
      if (lik === 0) continue;
      for (let c = 0; c < cols; c++) b[i * cols + c] -= lik * b[k * cols + c];
    }
    const lii = L[i * n + i];
    for (let c = 0; c < cols; c++) b[i * cols + c] /= lii;
  }
}

/** Solve Lᵀ X = B in place (back substitution); L n×n lower triangular, B n×cols row-major. */
export function solveLowerTransposed(L: Float64Array, b: Float64Array, n: number, cols: number): void {
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const lki = L[k * n + i];
      if (lki === 0) continue;
      for (let c = 0; c < cols; c++) b[i * cols + c] -= lki * b[k * cols + c];
    }
    const lii = L[i * n + i];
    for (let c = 0; c < cols; c++) b[i * cols + c] /= lii;
  }
}
