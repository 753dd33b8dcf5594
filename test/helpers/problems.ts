/**
 * Small problems the tests generate: points, their centered Gaussian Gram matrix K' formed
 * explicitly in float64, and its exact eigendecomposition by ml-matrix (the independent reference).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { Rng } from '../../src/linalg/rng';

export interface SmallProblem {
  l: number;
  d: number;
  X: Float64Array;
  sigma: number;
  /** centered Gram matrix, l × l */
  Kc: Float64Array;
  /** exact eigenvalues of K', decreasing */
  eigenvalues: number[];
  /** exact eigenvectors, eigenvectors[i] = u_i (unit), same order */
  eigenvectors: Float64Array[];
}

/** Anisotropic Gaussian cloud (scales 3, 2, 1.5, 1, 0.5): a well separated leading spectrum. */
export function gaussianCloud(l: number, seed: number, scales = [3, 2, 1.5, 1, 0.5]): Float64Array {
  const rng = new Rng(seed);
  const d = scales.length;
  const X = new Float64Array(l * d);
  for (let i = 0; i < l; i++) for (let c = 0; c < d; c++) X[i * d + c] = rng.normal() * scales[c];
  return X;
}

export function gaussianGram(X: Float64Array, Z: Float64Array, d: number, sigma: number): Float64Array {
  const l = X.length / d;
  const m = Z.length / d;
  const K = new Float64Array(m * l);
  for (let b = 0; b < m; b++)
    for (let j = 0; j < l; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (Z[b * d + c] - X[j * d + c]) ** 2;
      K[b * l + j] = Math.exp(-s / (2 * sigma * sigma));
    }
  return K;
}

export function exactEigen(M: Float64Array, l: number): { values: number[]; vectors: Float64Array[] } {
  const rows = Array.from({ length: l }, (_, i) => Array.from(M.subarray(i * l, (i + 1) * l)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const V = evd.eigenvectorMatrix;
  return {
    values: order.map(([v]) => v),
    vectors: order.map(([, i]) => Float64Array.from(V.getColumn(i))),
  };
}

export function smallProblem(l = 300, seed = 3, sigma = 3): SmallProblem {
  const d = 5;
  const X = gaussianCloud(l, seed);
  const K = gaussianGram(X, X, d, sigma);
  const m = new Float64Array(l);
  let mean = 0;
  for (let i = 0; i < l; i++) {
    for (let j = 0; j < l; j++) m[i] += K[i * l + j] / l;
    mean += m[i] / l;
  }
  const Kc = new Float64Array(l * l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) Kc[i * l + j] = K[i * l + j] - m[i] - m[j] + mean;
  const { values, vectors } = exactEigen(Kc, l);
  return { l, d, X, sigma, Kc, eigenvalues: values, eigenvectors: vectors };
}

/** max_i |a_i − b_i| / max|b| */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Same as relativeMaxError, after flipping a's sign to match b. */
export function relativeErrorUpToSign(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const neg = Array.from(a, (v) => -v);
  return Math.min(relativeMaxError(a, b), relativeMaxError(neg, b));
}
