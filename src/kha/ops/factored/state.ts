/**
 * What the factored form keeps between steps (docs/ALGORITHMS.md, "The factored form"):
 *
 *     A = G C,   A K′ = G CK,   B = F C + E D        (G, E lower triangular, F full, all r × r)
 *
 * with C, CK, D stored in the engine's A, A K′ and B; and four r × r Gram matrices of the plain
 * iterate. Every op of the form takes this record; nothing is kept in closures.
 */
import type { KhaState } from '../../state';
import type { SmdIterate } from '../types';
import type { FactoredColumns } from './columns';
import { identity, StepMatrices } from './small';
import type { FactoredSweeps } from './sweeps';

/**
 * The r × r Gram matrices of the plain iterate the ops keep (what a checkpoint must keep): the
 * row norms the gains read are diag(A Aᵀ) and diag(A K′ (A K′)ᵀ), SMD's meta-gradient reads A K′ Bᵀ,
 * and updating that needs A K′ Aᵀ. They do not depend on the factorization, so a fold leaves them alone.
 */
export const GRAM_NAMES = ['AAt', 'AKAKt', 'AKAt', 'AKBt'] as const;
export type Grams = Record<(typeof GRAM_NAMES)[number], Float64Array>;

/** Fold inside a block once a diagonal entry of G or E is below this (measured: errors stay ~1e-12). */
export const FOLD_BELOW = 0.25;

export interface FactoredState {
  readonly r: number;
  readonly l: number;
  readonly sweeps: FactoredSweeps;
  readonly columns: FactoredColumns;
  /** the factors (in the sweeps' memory: the fold reads them) */
  readonly G: Float64Array;
  readonly F: Float64Array;
  readonly E: Float64Array;
  readonly grams: Grams;
  /** whether the Gram matrices hold the plain iterate's (false: recompute at the next projection) */
  gramsValid: boolean;
  stepsSinceFold: number;
  /** scratch r-vectors and r × r matrices of a step, allocated once; what they hold is passed explicitly */
  readonly scratch: Scratch;
  readonly step: StepMatrices;
}

/** Scratch of the ops; each op documents which it writes (they carry nothing from one step to the next). */
export interface Scratch {
  /** the projection's vectors (in the sweeps' memory: the columns write c and d) */
  readonly c: Float64Array;
  readonly d: Float64Array;
  readonly y: Float64Array;
  readonly cp: Float64Array;
  readonly a: Float64Array;
  readonly ak: Float64Array;
  readonly change: Float64Array;
  readonly target: Float64Array;
  /** the step's vectors */
  readonly h: Float64Array;
  readonly delta: Float64Array;
  readonly eps: Float64Array;
  readonly z: Float64Array;
  readonly b: Float64Array;
  readonly gains: Float64Array;
  readonly u: Float64Array;
  readonly w: Float64Array;
  readonly Mv: Float64Array;
  readonly Mw: Float64Array;
  readonly dp: Float64Array;
  /** running sums over rows of G, F, E (and z-weighted G), 4r */
  readonly sums: Float64Array;
  readonly Gold: Float64Array;
  readonly T: Float64Array;
}

export function createFactoredState(
  r: number,
  l: number,
  sweeps: FactoredSweeps,
  columns: FactoredColumns,
): FactoredState {
  const rr = r * r;
  const inSweeps = () => sweeps.allocate(r);
  const vector = () => new Float64Array(r);
  const G = sweeps.allocate(rr);
  const F = sweeps.allocate(rr);
  const E = sweeps.allocate(rr);
  identity(G, r);
  identity(E, r);
  const [c, d, h, delta, eps] = Array.from({ length: 5 }, inSweeps);
  const [y, cp, a, ak, change, target, z, b, gains, u, w, Mv, Mw, dp] = Array.from({ length: 14 }, vector);
  return {
    r,
    l,
    sweeps,
    columns,
    G,
    F,
    E,
    grams: {
      AAt: new Float64Array(rr),
      AKAKt: new Float64Array(rr),
      AKAt: new Float64Array(rr),
      AKBt: new Float64Array(rr),
    },
    gramsValid: false,
    stepsSinceFold: 0,
    scratch: {
      c,
      d,
      y,
      cp,
      a,
      ak,
      change,
      target,
      h,
      delta,
      eps,
      z,
      b,
      gains,
      u,
      w,
      Mv,
      Mw,
      dp,
      sums: new Float64Array(4 * r),
      Gold: new Float64Array(rr),
      T: new Float64Array(rr),
    },
    step: new StepMatrices(r),
  };
}

/** X Yᵀ for r × l matrices (row-major), into out */
function gram(X: Float64Array, Y: Float64Array, out: Float64Array, r: number, l: number): void {
  for (let i = 0; i < r; i++)
    for (let q = 0; q < r; q++) {
      let acc = 0;
      for (let j = 0, x = i * l, y = q * l; j < l; j++) acc += X[x + j] * Y[y + j];
      out[i * r + q] = acc;
    }
}

/**
 * The Gram matrices from the plain iterate: call only at a block boundary. Only the schedules that
 * keep A K′ read the norms during a pass; for the others ‖A_i‖² is recomputed at each block boundary.
 */
export function recomputeGrams(fs: FactoredState, state: KhaState, iterate: SmdIterate | null): void {
  const { r, l, grams } = fs;
  if (state.AK) {
    gram(state.A, state.A, grams.AAt, r, l);
    gram(state.AK, state.AK, grams.AKAKt, r, l);
    gram(state.AK, state.A, grams.AKAt, r, l);
    if (iterate) gram(state.AK, iterate.B, grams.AKBt, r, l);
  }
  fs.gramsValid = true;
}

/** The row norms the gains read, from the Gram matrices' diagonals. */
export function normsFromGrams(fs: FactoredState, state: KhaState): void {
  const { r, grams } = fs;
  for (let i = 0; i < r; i++) {
    state.normA2[i] = grams.AAt[i * r + i];
    state.normAK2[i] = grams.AKAKt[i * r + i];
  }
}

/** out = column p of the r × l X */
export function takeColumn(X: Float64Array, p: number, out: Float64Array, l: number): void {
  for (let i = 0; i < out.length; i++) out[i] = X[i * l + p];
}
