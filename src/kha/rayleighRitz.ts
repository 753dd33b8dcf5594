/**
 * The Rayleigh–Ritz step that finishes every fit (docs/ALGORITHMS.md, "What the engine reports as
 * eigenvalues"): within span(A) in the RKHS, solve H c = λ G c with G = A K' Aᵀ and
 * H = (A K')(A K')ᵀ, and replace A by Cᵀ A. KHA finds a subspace long before it separates nearly
 * tied vectors inside it; the Ritz vectors separate them, and the Ritz values are as accurate as the
 * subspace (error ∝ sin²θ). Cost O(r²·l + r³). AK must be A K' exactly (refresh it first).
 */
import { matmul, matmulTransB, transpose } from '../linalg/dense';
import { generalizedSymmetricEigen } from '../linalg/generalizedEigen';

export interface RitzResult {
  /** Ritz vectors, r × l, with A K' Aᵀ = I */
  A: Float64Array;
  /** their A K' */
  AK: Float64Array;
  /** Ritz values, decreasing */
  eigenvalues: Float64Array;
}

export function rayleighRitz(A: Float64Array, AK: Float64Array, r: number, l: number): RitzResult {
  const G = matmulTransB(A, AK, r, l, r); // A K' Aᵀ
  const H = matmulTransB(AK, AK, r, l, r); // A K'² Aᵀ
  // Symmetrise G against rounding (A·AKᵀ is symmetric only in exact arithmetic).
  for (let i = 0; i < r; i++)
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (G[i * r + j] + G[j * r + i]);
      G[i * r + j] = m;
      G[j * r + i] = m;
    }
  const { values, vectors } = generalizedSymmetricEigen(H, G, r);
  const Ct = transpose(vectors, r, r);
  return { A: matmul(Ct, A, r, r, l), AK: matmul(Ct, AK, r, r, l), eigenvalues: values };
}
