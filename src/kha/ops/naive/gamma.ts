/**
 * The literal matrices of docs/ALGORITHMS.md's KHA step, formed explicitly (O(r²·l)): Γ, Γ K′ and
 * SMD's DΓ(A)[B]. The naive form (the oracle every other form is tested against) is built of them.
 */

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
export function gammaOf(A: Float64Array, y: Float64Array, p: number, r: number, l: number): Float64Array {
  const G = lowerTimes(outer(y, y), A, r, l);
  for (let i = 0; i < G.length; i++) G[i] = -G[i];
  for (let i = 0; i < r; i++) G[i * l + p] += y[i];
  return G;
}

/** Γ K' = y k'ᵀ − lt(y yᵀ)(A K') */
export function gammaK(AK: Float64Array, y: Float64Array, k: Float64Array, r: number, l: number): Float64Array {
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
