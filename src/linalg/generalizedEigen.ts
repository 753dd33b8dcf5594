import { cholesky, solveLower, solveLowerTransposed } from './cholesky';
import { transpose } from './dense';
import { symmetricEigen } from './symmetricEigen';

/**
 * The generalized symmetric eigenproblem H c = λ G c, H symmetric, G symmetric positive definite
 * (both r×r row-major). This is the engine's Rayleigh–Ritz step with G = A K' Aᵀ and
 * H = (A K')(A K')ᵀ (docs/ALGORITHMS.md, "What the engine reports as eigenvalues").
 *
 * Reduction to a standard problem: G = L Lᵀ (Cholesky); with c = L⁻ᵀ y,
 *   H L⁻ᵀ y = λ L Lᵀ L⁻ᵀ y = λ L y   ⇔   (L⁻¹ H L⁻ᵀ) y = λ y.
 * The y are orthonormal, so cᵢᵀ G cⱼ = yᵢᵀ L⁻¹ L Lᵀ L⁻ᵀ yⱼ = δᵢⱼ.
 *
 * Returns λ in decreasing order and C (r×r row-major) whose column i is c_i. Throws NumericalError
 * if G is not positive definite (rows of A linearly dependent in the RKHS).
 */
export function generalizedSymmetricEigen(
  H: Float64Array,
  G: Float64Array,
  r: number,
): { values: Float64Array; vectors: Float64Array } {
  const L = cholesky(G, r);
  // S = L⁻¹ H L⁻ᵀ: X = L⁻¹ H, then S = L⁻¹ Xᵀ = L⁻¹ H L⁻ᵀ (H symmetric, so Xᵀ = H L⁻ᵀ).
  const X = Float64Array.from(H);
  solveLower(L, X, r, r);
  const S = transpose(X, r, r);
  solveLower(L, S, r, r);
  const { values, vectors: Y } = symmetricEigen(S, r);
  // C = L⁻ᵀ Y, column by column at once.
  solveLowerTransposed(L, Y, r, r);
  return { values, vectors: Y };
}
