import type { KhaState } from '../../state';
import type { Projection } from '../types';
import { gammaK, gammaOf } from './gamma';
import { norms } from './norms';

/** A ← A + diag(η) Γ and A K′ ← A K′ + diag(η) Γ K′, the matrices formed in full. */
export function kha(state: KhaState, { p, k, y }: Projection, eta: Float64Array): void {
  const { r, l, A, AK } = state;
  const G = gammaOf(A, y, p, r, l);
  const GK = AK ? gammaK(AK, y, k, r, l) : null;
  for (let i = 0; i < r; i++)
    for (let j = 0; j < l; j++) {
      A[i * l + j] += eta[i] * G[i * l + j];
      if (AK && GK) AK[i * l + j] += eta[i] * GK[i * l + j];
    }
  norms(state);
}
