import type { KhaState } from '../../state';
import type { Projection, SmdIterate } from '../types';
import { addOuter, addSymmetric, lowerTimes } from './small';
import { normsFromGrams, recomputeGrams, takeColumn, type FactoredState } from './state';

/** What the factored `project` computed, and `kha`/`smd` consume (views of the form's scratch). */
export interface FactoredProjection extends Projection {
  /** C k′ */
  readonly c: Float64Array;
  /** D k′ (SMD) */
  readonly d: Float64Array;
  /** when A K′ is kept: column p of C before the step */
  readonly cp: Float64Array;
  /** when A K′ is kept: A e_p */
  readonly a: Float64Array;
  /** when A K′ is kept: (A K′) e_p after its refresh, i.e. y */
  readonly ak: Float64Array;
  /** when A K′ is kept: the refresh of (A K′) e_p, y − the old column */
  readonly change: Float64Array;
}

/**
 * y = A k′ = G C k′. When A K′ is kept, its column p is refreshed to y exactly (column p of CK
 * becomes c), and the Gram matrices take in the change Δ = y − (A K′) e_p; the norms the gains read
 * are set from them.
 */
export function project(
  fs: FactoredState,
  state: KhaState,
  iterate: SmdIterate | null,
  p: number,
  k: Float64Array,
  rowSquare: number,
): FactoredProjection {
  const { A: C, AK: CK } = state;
  const { G, l, grams, columns } = fs;
  const { c, d, y, cp, a, ak, change, target } = fs.scratch;
  if (!fs.gramsValid) recomputeGrams(fs, state, iterate);
  columns.project(C, iterate && CK ? iterate.B : null, k, c, d);
  lowerTimes(G, c, y);
  if (CK) {
    takeColumn(C, p, cp, l);
    lowerTimes(G, cp, a);
    columns.columnCK(CK, p, target);
    lowerTimes(G, target, ak); // the old (A K′) e_p
    for (let i = 0; i < fs.r; i++) change[i] = y[i] - ak[i];
    addSymmetric(grams.AKAKt, change, ak, 1, 1);
    addOuter(grams.AKAt, change, a);
    columns.setColumnCK(CK, p, c, target);
    ak.set(y);
    normsFromGrams(fs, state);
  }
  return { p, k, rowSquare, y, c, d, cp, a, ak, change };
}
