import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Eigenpairs of a symmetric matrix, eigenvalues in decreasing order. */
export interface SymmetricEigen {
  /** λ_1 ≥ λ_2 ≥ … */
  values: Float64Array;
  /** n×n row-major; column i is the unit eigenvector of values[i] */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of a symmetric n×n matrix (row-major) by ml-matrix (Householder
 * tridiagonalization + implicit QL). A = V diag(λ) Vᵀ with V orthogonal. The input is symmetrized
 * as (A + Aᵀ)/2 first, so rounding asymmetry in a computed product does no harm.
 * Sign convention (as scikit-learn's svd_flip): the entry of largest magnitude in each
 * eigenvector is positive (the first such entry on ties), which makes results reproducible.
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = 0.5 * (a[i * n + j] + a[j * n + i]);
    rows.push(row);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => lambda[q] - lambda[p]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const src = order[i];
    values[i] = lambda[src];
    let big = 0;
    for (let j = 0; j < n; j++) {
      const v = V.get(j, src);
      if (Math.abs(v) > Math.abs(big)) big = v;
    }
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < n; j++) vectors[j * n + i] = sign * V.get(j, src);
  }
  return { values, vectors };
}
