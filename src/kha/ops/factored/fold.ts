import type { KhaState } from '../../state';
import type { SmdIterate } from '../types';
import { identity } from './small';
import { FOLD_BELOW, type FactoredState } from './state';

/** Bring the iterate back to explicit form: C ← G C, CK ← G CK, D ← F C + E D; G = E = I, F = 0. */
export function fold(fs: FactoredState, state: KhaState, iterate: SmdIterate | null): void {
  const { G, F, E, r } = fs;
  fs.columns.fold(state.A, state.AK, iterate && state.AK ? iterate.B : null, G, F, E);
  identity(G, r);
  identity(E, r);
  F.fill(0);
  fs.stepsSinceFold = 0;
}

/** After a step: fold at once when a diagonal of G or E has fallen below FOLD_BELOW (the solves stay well conditioned). */
export function foldIfIllConditioned(fs: FactoredState, state: KhaState, iterate: SmdIterate | null): void {
  const { G, E, r } = fs;
  fs.stepsSinceFold++;
  for (let i = 0; i < r; i++)
    if (!(Math.abs(G[i * r + i]) >= FOLD_BELOW && Math.abs(E[i * r + i]) >= FOLD_BELOW))
      return fold(fs, state, iterate);
}
