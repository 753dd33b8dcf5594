/**
 * The literal O(r²·l) updates of docs/ALGORITHMS.md, kept as the oracle the prefix-sum form
 * (`update.ts`) is tested against. Every matrix is formed explicitly; nothing is clever here.
 */
import type { KhaState } from './state';
import { projectExplicit, type SmdIterate, type UpdateOps } from './update';

/** lt(M) A for an r×r matrix M (lower triangle incl. diagonal) and an r×l matrix X. */
function lowerTimes(M: Float64Array, X: Float64Array, r: number, l: number): Float64Array {
  const out = new Float64Array(r * l);
  for (let i = 0; i < r; i++)
    for (let q = 0; q <= i; q++) {
      const m = M[i * r + q];
      for (let j = 0; j < l; j++) out[i * l + j] += m * X[q * l + j];
    }
  return out;
}

function outer(a: Float64Array, b: Float64Array): Float64Array {
  const r = a.length;
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let q = 0; q < r; q++) out[i * r + q] = a[i] * b[q];
  return out;
}

/** Γ = y e_pᵀ − lt(y yᵀ) A */
function gammaOf(A: Float64Array, y: Float64Array, p: number, r: number, l: number): Float64Array {
  const G = lowerTimes(outer(y, y), A, r, l);
  for (let i = 0; i < G.length; i++) G[i] = -G[i];
  for (let i = 0; i < r; i++) G[i * l + p] += y[i];
  return G;
}

/** Γ K' = y k'ᵀ − lt(y yᵀ)(A K') */
function gammaK(AK: Float64Array, y: Float64Array, k: Float64Array, r: number, l: number): Float64Array {
  const G = lowerTimes(outer(y, y), AK, r, l);
  for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) G[i * l + j] = y[i] * k[j] - G[i * l + j];
  return G;
}

/** DΓ(A)[B] = B k' e_pᵀ − lt(B k' yᵀ + y k'ᵀ Bᵀ) A − lt(y yᵀ) B, the directional derivative of Γ. */
export function gammaDerivative(
  A: Float64Array,
  B: Float64Array,
  k: Float64Array,
  y: Float64Array,
  p: number,
  r: number,
  l: number,
): Float64Array {
  const z = new Float64Array(r);
  for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) z[i] += B[i * l + j] * k[j];
  const zy = outer(z, y);
  const yz = outer(y, z);
  const sym = new Float64Array(r * r);
  for (let i = 0; i < r * r; i++) sym[i] = zy[i] + yz[i];
  const t1 = lowerTimes(sym, A, r, l);
  const t2 = lowerTimes(outer(y, y), B, r, l);
  const D = new Float64Array(r * l);
  for (let i = 0; i < r * l; i++) D[i] = -t1[i] - t2[i];
  for (let i = 0; i < r; i++) D[i * l + p] += z[i];
  return D;
}

/** Γ(A) as a function of A alone (y = A k'), for finite-difference checks of `gammaDerivative`. */
export function gammaFunction(A: Float64Array, k: Float64Array, p: number, r: number, l: number): Float64Array {
  const y = new Float64Array(r);
  for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) y[i] += A[i * l + j] * k[j];
  return gammaOf(A, y, p, r, l);
}

function norms(state: KhaState): void {
  const { r, l, A, AK } = state;
  for (let i = 0; i < r; i++) {
    let na = 0;
    let nk = 0;
    for (let j = 0; j < l; j++) {
      na += A[i * l + j] ** 2;
      if (AK) nk += AK[i * l + j] ** 2;
    }
    state.normA2[i] = na;
    state.normAK2[i] = nk;
  }
}

export const naiveOps: UpdateOps = {
  allocate: (length) => new Float64Array(length),
  project: (state, _iterate, p, k, y) => projectExplicit(state, p, k, y),
  kha(state, p, k, y, eta) {
    const { r, l, A, AK } = state;
    const G = gammaOf(A, y, p, r, l);
    const GK = AK ? gammaK(AK, y, k, r, l) : null;
    for (let i = 0; i < r; i++)
      for (let j = 0; j < l; j++) {
        A[i * l + j] += eta[i] * G[i * l + j];
        if (AK && GK) AK[i * l + j] += eta[i] * GK[i * l + j];
      }
    norms(state);
  },

  smd(state, smd: SmdIterate, p, k, y, eta, mu, xi) {
    const { r, l, A } = state;
    const AK = state.AK as Float64Array;
    const { B, rho } = smd;
    const G = gammaOf(A, y, p, r, l);
    const GK = gammaK(AK, y, k, r, l);
    const D = gammaDerivative(A, B, k, y, p, r, l);
    for (let i = 0; i < r; i++) {
      let meta = 0; // diag(Γ K' Bᵀ)_i
      for (let j = 0; j < l; j++) meta += GK[i * l + j] * B[i * l + j];
      rho[i] += mu * meta;
      const gain = Math.exp(rho[i]) * eta[i];
      for (let j = 0; j < l; j++) {
        const ij = i * l + j;
        B[ij] = xi * B[ij] + gain * (G[ij] + xi * D[ij]);
        AK[ij] += gain * GK[ij];
        A[ij] += gain * G[ij];
      }
    }
    norms(state);
  },
};
