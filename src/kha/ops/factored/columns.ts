/**
 * How the factored ops read and change the r × l matrices C, CK (= A K′ up to G) and D: step by
 * step through the sweeps (`sweptColumns`, here), or a block at a time through matrix products
 * (../blocked.ts). The ops call, per step and in this order: `project`, then (when CK is kept)
 * `columnCK` and `setColumnCK`, then `dotAxpyCK` and `addColumn` of C (and of D), then `endStep`.
 */
import type { Fold, FactoredSweeps } from './sweeps';

export interface FactoredColumns {
  /** before `beginBlock`, when the block's products come from a device (blocked.ts with resident rows) */
  prepareBlock?(
    C: Float64Array,
    CK: Float64Array | null,
    D: Float64Array | null,
    rows: Float64Array,
    indices: Int32Array,
    count: number,
  ): Promise<void>;
  /** CK (kept on a device) is brought up to date here, with every change so far */
  settle?(CK: Float64Array | null): Promise<void>;
  /** CK was set from outside: a device keeping it must take it */
  invalidate?(): void;
  /** at a block's start (the plain iterate): the rows the block's steps take, in order */
  beginBlock(
    C: Float64Array,
    CK: Float64Array | null,
    D: Float64Array | null,
    indices: Int32Array,
    rows: Float64Array,
    count: number,
  ): void;
  /** c = C k' and, when D is given, d = D k', for the step's row k' */
  project(C: Float64Array, D: Float64Array | null, k: Float64Array, c: Float64Array, d: Float64Array): void;
  /** out = column p of CK */
  columnCK(CK: Float64Array, p: number, out: Float64Array): void;
  /** column p of CK becomes v (`old`: what `columnCK` returned) */
  setColumnCK(CK: Float64Array, p: number, v: Float64Array, old: Float64Array): void;
  /** h = CK k' with the old CK, then CK ← CK + δ k'ᵀ */
  dotAxpyCK(CK: Float64Array, k: Float64Array, delta: Float64Array, h: Float64Array): void;
  /** column p of X (C or D) gains v */
  addColumn(X: Float64Array, p: number, v: Float64Array, which: 'C' | 'D'): void;
  endStep(): void;
  /** D ← E D + F C (when D is given), then C ← G C and CK ← G CK, with every deferred change applied first */
  fold: Fold;
  /** at a block's end: CK holds every change of the block */
  endBlock(CK: Float64Array | null): void;
}

/** The columns step by step: every step reads (and CK's rank-one update writes) whole r × l matrices. */
export function sweptColumns(r: number, l: number, sweeps: FactoredSweeps): FactoredColumns {
  return {
    beginBlock() {},
    project(C, D, k, c, d) {
      sweeps.dotRows(C, k, c);
      if (D) sweeps.dotRows(D, k, d);
    },
    columnCK(CK, p, out) {
      for (let i = 0; i < r; i++) out[i] = CK[i * l + p];
    },
    setColumnCK(CK, p, v) {
      for (let i = 0; i < r; i++) CK[i * l + p] = v[i];
    },
    dotAxpyCK: (CK, k, delta, h) => sweeps.dotAxpyRows(CK, k, delta, h),
    addColumn(X, p, v) {
      for (let i = 0; i < r; i++) X[i * l + p] += v[i];
    },
    endStep() {},
    fold: (C, CK, D, G, F, E) => sweeps.fold(C, CK, D, G, F, E),
    endBlock() {},
  };
}
