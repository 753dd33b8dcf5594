import { recomputeNorms, type KhaState } from '../../state';
import type { SmdIterate } from '../types';
import { fold } from './fold';
import { GRAM_NAMES, normsFromGrams, recomputeGrams, type FactoredState } from './state';

/** At a block's start: the columns see the rows the block's steps take (the blocked form's products). */
export function beginBlock(
  fs: FactoredState,
  state: KhaState,
  iterate: SmdIterate | null,
  indices: Int32Array,
  rows: Float64Array,
  count: number,
): void {
  fs.columns.beginBlock(state.A, state.AK, iterate && state.AK ? iterate.B : null, indices, rows, count);
}

/**
 * At a block's end: fold, so that A, A K′ and B are plain between blocks (checkpoints and
 * measurements see the iterate itself); at a pass's end the Gram matrices are recomputed, removing
 * the drift of their rank-one updates.
 */
export function endBlock(fs: FactoredState, state: KhaState, iterate: SmdIterate | null, endOfPass: boolean): void {
  if (fs.stepsSinceFold > 0) fold(fs, state, iterate);
  fs.columns.endBlock(state.AK);
  if (!state.AK) return recomputeNorms(state);
  if (endOfPass) recomputeGrams(fs, state, iterate);
  normsFromGrams(fs, state);
}

/** The Gram matrices, for checkpoints (saved as they are: recomputing them would change their last bits). */
export function saved(fs: FactoredState): Record<string, Float64Array> {
  return Object.fromEntries(GRAM_NAMES.map((name) => [name, Float64Array.from(fs.grams[name])]));
}

/** Take back what `saved` returned; without it (older checkpoints) they are recomputed at the next step. */
export function restore(fs: FactoredState, from: Record<string, Float64Array> | undefined): void {
  const rr = fs.r * fs.r;
  fs.gramsValid = !!from && GRAM_NAMES.every((name) => from[name]?.length === rr);
  if (from && fs.gramsValid) for (const name of GRAM_NAMES) fs.grams[name].set(from[name]);
}
