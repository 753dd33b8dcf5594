import type { KhaState } from '../../state';

/** ‖A_i‖² and ‖(A K′)_i‖² from the whole rows, after a step. */
export function norms(state: KhaState): void {
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
