/**
 * The factored form (docs/ALGORITHMS.md, "The factored form"): every step multiplies A, A K′ and B on
 * the left by small r × r matrices and changes one column,
 *
 *     A ← M A + P y e_pᵀ,   A K′ ← M (A K′) + P y k′ᵀ,   B ← ξ M B − N A + P (y + ξ z) e_pᵀ
 *
 * with M = I − P lt(y yᵀ), N = P (lt(y yᵀ) + ξ lt(z yᵀ + y zᵀ)), P = diag(gains), z = B k′. So it keeps
 * A = G C, A K′ = G CK, B = F C + E D (state.ts), and a step only updates the r × r factors, one column
 * of C and of D, and CK by a rank-one term: two r × l reads (C k′, D k′) and one read-write sweep (CK).
 * The factors are folded back at every block boundary (and inside a long block once a diagonal of G or
 * E falls below FOLD_BELOW), so checkpoints and measurements see the plain iterate.
 *
 * One op per file: project → kha | smd (each taking the FactoredProjection `project` returned), the
 * fold, the Gram matrices, the block boundary, the exact A K′ product. `columns` says how the r × l
 * matrices are read and changed: step by step through the sweeps (default) or a block at a time
 * (../blocked.ts).
 */
import type { UpdateOps } from '../types';
import { beginBlock, endBlock, restore, saved } from './block';
import { sweptColumns, type FactoredColumns } from './columns';
import { kha } from './kha';
import { project, type FactoredProjection } from './project';
import { smd } from './smd';
import { createFactoredState } from './state';
import type { FactoredSweeps } from './sweeps';
import { timesRows } from './timesRows';

export type { FactoredColumns } from './columns';
export type { FactoredProjection } from './project';
export { FOLD_BELOW } from './state';
export { foldColumns, jsFactoredSweeps, type FactoredSweeps, type Fold } from './sweeps';
export { sweptColumns };

export function factoredOps(
  r: number,
  l: number,
  sweeps: FactoredSweeps,
  columns: FactoredColumns = sweptColumns(r, l, sweeps),
): UpdateOps<FactoredProjection> {
  const fs = createFactoredState(r, l, sweeps, columns);
  return {
    allocate: sweeps.allocate,
    project: (state, iterate, p, k, rowSquare) => project(fs, state, iterate, p, k, rowSquare),
    kha: (state, projected, eta) => kha(fs, state, projected, eta),
    smd: (state, iterate, projected, eta, mu, xi) => smd(fs, state, iterate, projected, eta, mu, xi),
    prepareBlock:
      columns.prepareBlock &&
      ((state, iterate, indices, rows, count) =>
        columns.prepareBlock!(state.A, state.AK, iterate && state.AK ? iterate.B : null, rows, indices, count)),
    settle: columns.settle && ((state) => columns.settle!(state.AK)),
    beginBlock: (state, iterate, indices, rows, count) => beginBlock(fs, state, iterate, indices, rows, count),
    endBlock: (state, iterate, endOfPass) => endBlock(fs, state, iterate, endOfPass),
    saved: () => saved(fs),
    restore: (from) => {
      restore(fs, from);
      columns.invalidate?.();
    },
    timesRows: timesRows(sweeps, r, l),
    invalidate: () => {
      fs.gramsValid = false;
      columns.invalidate?.();
    },
  };
}
