import { matmulTransB } from '../linalg/dense';
import { generalizedSymmetricEigen } from '../linalg/generalizedEigen';
import type { ReferenceSpectrum } from './referenceSolver';

/**
 * RKHS reconstruction error. With W the r rows w_i and P = WᵀW,
 *   E(A) = ‖Φ' − P Φ'‖²_F = tr(K') − 2 tr(Φ'ᵀ P Φ') + tr(Φ'ᵀ Pᵀ P Φ')
 *        = tr(K') − 2 tr(A K'² Aᵀ) + tr((A K' Aᵀ)(A K'² Aᵀ)),
 * since W Φ' = A K' and W Wᵀ = A K' Aᵀ. Here A K'² Aᵀ = (AK)(AK)ᵀ and A K' Aᵀ = A (AK)ᵀ.
 */
export function reconstructionError(A: Float64Array, AK: Float64Array, r: number, l: number, traceK: number): number {
  checkShapes(A, AK, r, l);
  const G = matmulTransB(A, AK, r, l, r); // A K' Aᵀ
  const H = matmulTransB(AK, AK, r, l, r); // A K'² Aᵀ
  let trH = 0;
  let trGH = 0;
  for (let i = 0; i < r; i++) {
    trH += H[i * r + i];
    for (let k = 0; k < r; k++) trGH += G[i * r + k] * H[k * r + i];
  }
  return traceK - 2 * trH + trGH;
}

/** E* = tr(K') − Σ_{i≤r} λ_i: the smallest reconstruction error with r components. */
export function optimalReconstructionError(reference: ReferenceSpectrum, r: number): number {
  checkReference(reference, r);
  let s = 0;
  for (let i = 0; i < r; i++) s += reference.values[i];
  return reference.trace - s;
}

/** (E − E*)/E* for an iterate with r rows. */
export function relativeExcessError(E: number, reference: ReferenceSpectrum, r: number): number {
  const Estar = optimalReconstructionError(reference, r);
  return (E - Estar) / Estar;
}

/** max_i |λ̃_i − λ_i| / λ_1 over the given estimates (λ̃_i paired with λ_i by index). */
export function eigenvalueError(estimates: ArrayLike<number>, reference: ReferenceSpectrum): number {
  checkReference(reference, estimates.length);
  let m = 0;
  for (let i = 0; i < estimates.length; i++) m = Math.max(m, Math.abs(estimates[i] - reference.values[i]));
  return m / reference.values[0];
}

/** ‖A K' Aᵀ − I‖_max: how far the w_i are from orthonormal in the RKHS. */
export function orthonormalityError(A: Float64Array, AK: Float64Array, r: number, l: number): number {
  checkShapes(A, AK, r, l);
  const G = matmulTransB(A, AK, r, l, r);
  let m = 0;
  for (let i = 0; i < r; i++) for (let k = 0; k < r; k++) m = Math.max(m, Math.abs(G[i * r + k] - (i === k ? 1 : 0)));
  return m;
}

/**
 * Sines of the principal angles between span{w_1..w_r} and the true eigenspace span{v_1..v_r},
 * in decreasing order (entry 0 is the subspace error).
 *
 * Derivation. In the RKHS, w_i = Φ' a_i (a_i = row i of A) and the true eigenfunctions are
 * v_j = Φ' u_j / √λ_j, which are orthonormal: ⟨v_i, v_j⟩ = u_iᵀ K' u_j / √(λ_i λ_j) = δ_ij.
 * Inner products we can form from A, AK and the reference:
 *   G_ik = ⟨w_i, w_k⟩ = a_iᵀ K' a_k = (A K' Aᵀ)_ik = (A · AKᵀ)_ik,
 *   C_ij = ⟨w_i, v_j⟩ = a_iᵀ K' u_j / √λ_j = (AK · Uᵀ)_ij / √λ_j.
 * With G = L Lᵀ, the functions z = L⁻¹ w are an orthonormal basis of span{w}, and ⟨z_i, v_j⟩ = (L⁻¹ C)_ij.
 * The cosines of the principal angles are the singular values σ_k of P = L⁻¹ C (Björck & Golub 1973),
 * so the sines squared are the eigenvalues of
 *   I − P Pᵀ = L⁻¹ (G − C Cᵀ) L⁻ᵀ,
 * i.e. the generalized eigenvalues s² of (G − C Cᵀ) x = s² G x. G − C Cᵀ is the Gram matrix of the parts
 * of the w_i outside the true eigenspace: ⟨w_i − Πw_i, w_k − Πw_k⟩ = G_ik − Σ_j C_ij C_kj.
 * Resolution: the subtraction loses what rounding leaves of G, so sines below ~1e-8 read as ~0.
 * Independent of the scaling and mixing of the rows of A (only their span matters). Needs the w_i
 * linearly independent (G positive definite); otherwise NumericalError.
 */
export function subspaceSines(
  A: Float64Array,
  AK: Float64Array,
  r: number,
  l: number,
  reference: ReferenceSpectrum,
): Float64Array {
  checkShapes(A, AK, r, l);
  checkReference(reference, r, l);
  const G = matmulTransB(A, AK, r, l, r);
  const C = matmulTransB(AK, reference.vectors.subarray(0, r * l), r, l, r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) C[i * r + j] /= Math.sqrt(reference.values[j]);
  const outside = matmulTransB(C, C, r, r, r);
  for (let k = 0; k < outside.length; k++) outside[k] = G[k] - outside[k];
  const { values } = generalizedSymmetricEigen(outside, G, r);
  return values.map((s2) => Math.sqrt(Math.min(1, Math.max(0, s2))));
}

/** Largest sine of the principal angles (see subspaceSines). */
export function subspaceError(
  A: Float64Array,
  AK: Float64Array,
  r: number,
  l: number,
  reference: ReferenceSpectrum,
): number {
  return subspaceSines(A, AK, r, l, reference)[0];
}

function checkShapes(A: Float64Array, AK: Float64Array, r: number, l: number): void {
  if (A.length !== r * l || AK.length !== r * l) {
    throw new RangeError(`convergence: A and AK must be ${r}×${l} (got ${A.length} and ${AK.length} entries)`);
  }
}

function checkReference(reference: ReferenceSpectrum, r: number, l?: number): void {
  if (reference.r < r) throw new RangeError(`convergence: reference has ${reference.r} eigenpairs, need ${r}`);
  if (l !== undefined && reference.l !== l)
    throw new RangeError(`convergence: reference is for l = ${reference.l}, not ${l}`);
}
