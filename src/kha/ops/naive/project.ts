import { dotFromOffset } from '../../../linalg/dense';
import type { KhaState } from '../../state';
import type { Projection } from '../types';

/** y = A k′_p as r dot products, then A K′'s column p set to y (the naive form keeps A explicit). */
export function project(state: KhaState, p: number, k: Float64Array, rowSquare: number): Projection {
  const { r, l, A, AK } = state;
  const y = new Float64Array(r);
  for (let i = 0; i < r; i++) y[i] = dotFromOffset(A, i * l, k, l);
  if (AK) for (let i = 0; i < r; i++) AK[i * l + p] = y[i];
  return { p, k, rowSquare, y };
}
