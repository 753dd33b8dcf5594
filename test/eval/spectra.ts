import { orthonormalizeRows } from '../../src/linalg/orthonormalize';
import { Rng } from '../../src/linalg/rng';

/**
 * Symmetric l×l matrix with the given eigenvalues (padded with zeros) and random orthonormal
 * eigenvectors: M = Σ_i λ_i q_i q_iᵀ. Returns M (row-major) and the eigenvectors as rows.
 */
export function matrixWithSpectrum(
  eigenvalues: ArrayLike<number>,
  l: number,
  seed: number,
): { M: Float64Array; U: Float64Array } {
  const rng = new Rng(seed);
  const k = eigenvalues.length;
  const U = new Float64Array(k * l);
  for (let i = 0; i < U.length; i++) U[i] = rng.normal();
  orthonormalizeRows(U, k, l, new Float64Array(0), 0, rng);
  const M = new Float64Array(l * l);
  for (let q = 0; q < k; q++) {
    const lam = eigenvalues[q];
    const off = q * l;
    for (let i = 0; i < l; i++) {
      const f = lam * U[off + i];
      for (let j = 0; j < l; j++) M[i * l + j] += f * U[off + j];
    }
  }
  // exact symmetry
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) M[j * l + i] = M[i * l + j];
  return { M, U };
}

/** Decaying spectrum of length n with near ties, an exact double eigenvalue and a long tail. */
export function spectrumWithTies(n: number): Float64Array {
  const head = [100, 60, 60 * (1 - 1e-7), 40, 30, 30, 20, 15, 15 * (1 - 1e-4), 12];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = i < head.length ? head[i] : 10 * Math.pow(0.97, i - head.length);
  return out;
}
