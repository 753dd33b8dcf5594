import type { KhaState } from '../../state';
import type { Projection, SmdIterate } from '../types';
import { gammaDerivative, gammaK, gammaOf } from './gamma';
import { norms } from './norms';

/** The SMD step of docs/ALGORITHMS.md, literally: every matrix formed in full. */
export function smd(
  state: KhaState,
  { B, rho }: SmdIterate,
  { p, k, y }: Projection,
  eta: Float64Array,
  mu: number,
  xi: number,
): void {
  const { r, l, A } = state;
  const AK = state.AK as Float64Array;
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
}
