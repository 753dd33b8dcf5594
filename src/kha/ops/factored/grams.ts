import type { FactoredProjection } from './project';
import { addSymmetric, lowerTimes } from './small';
import type { FactoredState } from './state';

/** What a step changed that the Gram matrices need besides the projection. */
export interface StepChange {
  /** u = P y, A's new column-p term */
  readonly u: Float64Array;
  /** G before the step */
  readonly Gold: Float64Array;
  /** h = CK k′ before CK's rank-one update (so A K′ k′ = G_old h) */
  readonly h: Float64Array;
}

/**
 * The Gram matrices after A' = M A + u e_pᵀ and A K′' = M (A K′) + u k′ᵀ, with the step's M (set in
 * fs.step), from a = A e_p, y = A k′ and A K′ k′ = G_old h:
 *   A Aᵀ         ← M (A Aᵀ) Mᵀ + (M a) uᵀ + u (M a)ᵀ + u uᵀ
 *   A K′ (A K′)ᵀ ← M (…) Mᵀ + (M A K′ k′) uᵀ + u (…)ᵀ + ‖k′‖² u uᵀ
 *   A K′ Aᵀ      ← M (…) Mᵀ + (M y) uᵀ + u (M y)ᵀ + k′_p u uᵀ       (A K′ e_p = y after the refresh)
 * (A K′ Aᵀ only for SMD, whose A K′ Bᵀ reads it).
 */
export function updateGrams(
  fs: FactoredState,
  { k, p, a, ak, rowSquare }: FactoredProjection,
  { u, Gold, h }: StepChange,
  withAKAt: boolean,
): void {
  const { step, grams } = fs;
  const { Mv, Mw } = fs.scratch;
  step.congruence(grams.AAt);
  step.mv(a, Mv);
  addSymmetric(grams.AAt, u, Mv, 1, 1);
  step.congruence(grams.AKAKt);
  step.mv(lowerTimes(Gold, h, Mw), Mw);
  addSymmetric(grams.AKAKt, u, Mw, 1, rowSquare);
  if (!withAKAt) return;
  step.congruence(grams.AKAt);
  addSymmetric(grams.AKAt, u, step.mv(ak, Mv), 1, k[p]);
}
