/**
 * The factored update: the engine issue's "factored update", measured faster than the prefix-sum
 * form (docs/ALGORITHMS.md, "Cost") because a step reads and writes far fewer r × l values.
 *
 * Every step multiplies A, A K' and B on the left by small r × r matrices and changes one column:
 *
 *     A ← M A + P y e_pᵀ,   A K' ← M (A K') + P y k'ᵀ,   B ← ξ M B − N A + P (y + ξ z) e_pᵀ
 *
 * with M = I − P lt(y yᵀ), N = P (lt(y yᵀ) + ξ lt(z yᵀ + y zᵀ)), P = diag(gains), z = B k'. So keep
 *
 *     A = G C,   A K' = G CK,   B = F C + E D        (G, E lower triangular, F full, all r × r)
 *
 * and a step only updates the r × r factors, one column of C and of D, and CK by a rank-one term:
 * two r × l reads (C k', D k') and one read-write sweep (CK), against eight for the prefix-sum SMD step.
 * The row norms the gains need, ‖A_i‖² and ‖(A K')_i‖², and SMD's meta-gradient come from four r × r
 * Gram matrices of the plain iterate (A Aᵀ, A K' (A K')ᵀ, A K' Aᵀ, A K' Bᵀ), carried through each
 * step in O(r²) since M and N are diagonal times lower-triangular rank-structured matrices (see
 * `updateGrams` and `smd`). The factors are folded back (C ← G C, CK ← G CK, D ← F C + E D;
 * G = E = I, F = 0) at every block boundary, so that outside a block A, A K' and B are explicit:
 * checkpoints and measurements see the plain iterate, and the Gram matrices do not change. Inside a
 * long block a fold also happens as soon as a diagonal of G or E falls below FOLD_BELOW, so the
 * triangular solves stay well conditioned. Results equal the prefix-sum and the literal updates to rounding (tested to 1e-10).
 */
import { jsBlockProducts, type BlockProducts } from './blocked';
import { recomputeNorms, type KhaState } from './state';
import type { SmdIterate, UpdateOps } from './update';

/**
 * The r × l work of the factored update. Arrays passed in must come from `allocate` (a WebAssembly
 * implementation reads them in its own memory).
 */
/** D ← E D + F C (when D is given), then C ← G C and CK ← G CK (when given) */
export type Fold = (
  C: Float64Array,
  CK: Float64Array | null,
  D: Float64Array | null,
  G: Float64Array,
  F: Float64Array,
  E: Float64Array,
) => void;

export interface FactoredSweeps {
  /** a zeroed float64 array the sweeps can read and write (views stay valid for the engine's life) */
  readonly allocate: (length: number) => Float64Array; // a property: callers pass it on unbound
  /** y_i = X_i · k for i < r */
  dotRows(X: Float64Array, k: Float64Array, y: Float64Array): void;
  /** h_i = X_i · k with the old row, then X_i ← X_i + δ_i k */
  dotAxpyRows(X: Float64Array, k: Float64Array, delta: Float64Array, h: Float64Array): void;
  /** D ← E D + F C (when D is given), then C ← G C and CK ← G CK (when given) */
  fold: Fold;
  /** the blocked form's matrix products, on the same memory */
  readonly products: BlockProducts;
}

/** Fold inside a block once a diagonal entry of G or E is below this (measured: errors stay ~1e-12). */
export const FOLD_BELOW = 0.25;

/** Columns [from, to) of the fold, in plain JS (the JS sweeps, and the wasm fold's odd last column). */
export function foldColumns(
  C: Float64Array,
  CK: Float64Array | null,
  D: Float64Array | null,
  G: Float64Array,
  F: Float64Array,
  E: Float64Array,
  r: number,
  l: number,
  from: number,
  to: number,
): void {
  const c = new Float64Array(r);
  const lowerTimes = (X: Float64Array, L: Float64Array, j: number) => {
    for (let q = 0; q < r; q++) c[q] = X[q * l + j];
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0; q <= i; q++) acc += L[i * r + q] * c[q];
      X[i * l + j] = acc;
    }
  };
  for (let j = from; j < to; j++) {
    if (D) {
      lowerTimes(D, E, j);
      for (let i = 0; i < r; i++) {
        let acc = D[i * l + j];
        for (let q = 0; q < r; q++) acc += F[i * r + q] * C[q * l + j];
        D[i * l + j] = acc;
      }
    }
    lowerTimes(C, G, j);
    if (CK) lowerTimes(CK, G, j);
  }
}

/** The sweeps in plain JS (runtimes without WebAssembly SIMD, and tests). */
export function jsFactoredSweeps(r: number, l: number): FactoredSweeps {
  return {
    allocate: (length) => new Float64Array(length),
    dotRows(X, k, y) {
      for (let i = 0; i < r; i++) {
        let acc = 0;
        for (let j = 0, at = i * l; j < l; j++, at++) acc += X[at] * k[j];
        y[i] = acc;
      }
    },
    dotAxpyRows(X, k, delta, h) {
      for (let i = 0; i < r; i++) {
        const d = delta[i];
        let acc = 0;
        for (let j = 0, at = i * l; j < l; j++, at++) {
          const x = X[at];
          acc += x * k[j];
          X[at] = x + d * k[j];
        }
        h[i] = acc;
      }
    },
    fold: (C, CK, D, G, F, E) => foldColumns(C, CK, D, G, F, E, r, l, 0, l),
    products: jsBlockProducts(l),
  };
}

/**
 * How the factored ops read and change the r × l matrices C, CK (= A K' up to G) and D:
 * step by step through the sweeps (`sweptColumns`), or a block at a time through matrix products
 * (blocked.ts). The ops call, per step and in this order: `project`, then (when CK is kept)
 * `columnCK` and `setColumnCK`, then `dotAxpyCK` and `addColumn` of C (and of D), then `endStep`.
 */
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

/**
 * The r × r Gram matrices of the plain iterate the ops keep (what a checkpoint must keep): the
 * row norms the gains read are diag(A Aᵀ) and diag(A K' (A K')ᵀ), SMD's meta-gradient reads A K' Bᵀ,
 * and updating that needs A K' Aᵀ. They do not depend on the factorization, so a fold leaves them alone.
 */
const GRAM_NAMES = ['AAt', 'AKAKt', 'AKAt', 'AKBt'] as const;

/**
 * The small matrices M = I − diag(g) lt(y yᵀ) and N = diag(P) (lt(y yᵀ) + ξ lt(z yᵀ + y zᵀ)) of a
 * step (g = P y), applied in O(r²) through running sums over their lower triangles.
 */
class StepMatrices {
  private y: Float64Array = new Float64Array(0);
  private z: Float64Array = new Float64Array(0);
  private gains: Float64Array = new Float64Array(0);
  private xi = 0;
  private readonly g: Float64Array;
  private readonly sums: Float64Array;
  private readonly row: Float64Array;
  constructor(private readonly r: number) {
    this.g = new Float64Array(r);
    this.sums = new Float64Array(r);
    this.row = new Float64Array(r);
  }
  set(y: Float64Array, z: Float64Array, gains: Float64Array, xi: number): void {
    [this.y, this.z, this.gains, this.xi] = [y, z, gains, xi];
    for (let i = 0; i < this.r; i++) this.g[i] = gains[i] * y[i];
  }
  /** out = M v (out may be v) */
  mv(v: Float64Array, out: Float64Array): Float64Array {
    let s = 0;
    for (let i = 0; i < this.r; i++) {
      s += this.y[i] * v[i];
      out[i] = v[i] - this.g[i] * s;
    }
    return out;
  }
  /** out = N v */
  nv(v: Float64Array, out: Float64Array): Float64Array {
    const { y, z, gains, xi } = this;
    let sy = 0;
    let sz = 0;
    for (let i = 0; i < this.r; i++) {
      sy += y[i] * v[i];
      sz += z[i] * v[i];
      out[i] = gains[i] * ((y[i] + xi * z[i]) * sy + xi * y[i] * sz);
    }
    return out;
  }
  /** X ← M X Mᵀ, in place */
  congruence(X: Float64Array): void {
    const { r, y, g } = this;
    this.leftM(X);
    // X ← X Mᵀ: column i loses g_i Σ_{u≤i} y_u X_{:,u}
    for (let a = 0; a < r; a++) {
      let t = 0;
      for (let i = 0; i < r; i++) {
        t += y[i] * X[a * r + i];
        X[a * r + i] -= g[i] * t;
      }
    }
  }
  /** out = M X Nᵀ */
  leftMRightN(X: Float64Array, out: Float64Array): void {
    const { r, row } = this;
    for (let a = 0; a < r; a++) out.set(this.nv(X.subarray(a * r, (a + 1) * r), row), a * r);
    this.leftM(out);
  }
  /** X ← M X: row i loses g_i Σ_{u≤i} y_u X_u (old rows, running sums) */
  private leftM(X: Float64Array): void {
    const { r, y, g, sums: s } = this;
    s.fill(0);
    for (let i = 0; i < r; i++)
      for (let q = 0; q < r; q++) {
        s[q] += y[i] * X[i * r + q];
        X[i * r + q] -= g[i] * s[q];
      }
  }
}

/** X += α (u vᵀ + v uᵀ) + β u uᵀ for r × r X */
function addSymmetric(X: Float64Array, u: Float64Array, v: Float64Array, alpha: number, beta: number): void {
  const r = u.length;
  for (let i = 0; i < r; i++)
    for (let q = 0; q < r; q++) X[i * r + q] += alpha * (u[i] * v[q] + v[i] * u[q]) + beta * u[i] * u[q];
}

/** X += u vᵀ */
function addOuter(X: Float64Array, u: Float64Array, v: Float64Array, alpha = 1): void {
  const r = u.length;
  for (let i = 0; i < r; i++) {
    const a = alpha * u[i];
    for (let q = 0; q < r; q++) X[i * r + q] += a * v[q];
  }
}

/**
 * Update ops in the factored form over the given sweeps (JS or WebAssembly); `columns`: how the
 * r × l matrices are read and changed (default step by step through the sweeps; blocked.ts: a block at a time).
 */
export function factoredOps(
  r: number,
  l: number,
  sweeps: FactoredSweeps,
  columns = sweptColumns(r, l, sweeps),
): UpdateOps {
  const rr = r * r;
  const small = () => sweeps.allocate(r);
  const square = () => sweeps.allocate(rr);
  const G = square();
  const F = square();
  const E = square();
  const grams = {
    AAt: new Float64Array(rr),
    AKAKt: new Float64Array(rr),
    AKAt: new Float64Array(rr),
    AKBt: new Float64Array(rr),
  };
  const { AAt, AKAKt, AKAt, AKBt } = grams;
  // per step: c = C k', d = D k', h = CK k', δ and ε (the new columns' increments of C and D)
  const c = small();
  const d = small();
  const h = small();
  const delta = small();
  const eps = small();
  const vector = () => new Float64Array(r);
  const [z, gains, a, b, ak, change, Mv, Mw, u, w, target] = Array.from({ length: 11 }, vector);
  const sums = new Float64Array(4 * r); // running sums over rows of G, F, E (and z-weighted G)
  const cp = vector(); // column p of C before the step
  const dp = vector(); // column p of D before the step
  const Gold = new Float64Array(rr);
  const T = new Float64Array(rr);
  const step = new StepMatrices(r);
  let rowSquare = 0; // ‖k'_p‖² of the step in progress, from project
  // timesRows' copy of X and its output, in the sweeps' memory (allocated on first use)
  let sourceX: Float64Array | null = null;
  let sourceOut: Float64Array | null = null;
  let gramsValid = false;
  let stepsSinceFold = 0;

  const identity = (M: Float64Array) => {
    M.fill(0);
    for (let i = 0; i < r; i++) M[i * r + i] = 1;
  };
  identity(G);
  identity(E);

  /** X Yᵀ for r × l matrices (row-major), into out */
  const gram = (X: Float64Array, Y: Float64Array, out: Float64Array) => {
    for (let i = 0; i < r; i++)
      for (let q = 0; q < r; q++) {
        let acc = 0;
        for (let j = 0, x = i * l, y = q * l; j < l; j++) acc += X[x + j] * Y[y + j];
        out[i * r + q] = acc;
      }
  };
  /**
   * From the plain iterate: call only at a block boundary. Only the schedules that keep A K' read
   * the norms during a pass; for the others ‖A_i‖² is recomputed at each block boundary.
   */
  const recomputeGrams = (state: KhaState, iterate: SmdIterate | null) => {
    if (state.AK) {
      gram(state.A, state.A, AAt);
      gram(state.AK, state.AK, AKAKt);
      gram(state.AK, state.A, AKAt);
      if (iterate) gram(state.AK, iterate.B, AKBt);
    }
    gramsValid = true;
  };

  /** out = L v for a lower-triangular L */
  const lowerTimes = (L: Float64Array, v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0; q <= i; q++) acc += L[i * r + q] * v[q];
      out[i] = acc;
    }
    return out;
  };
  /** x = L⁻¹ b for a lower-triangular L */
  const forwardSolve = (L: Float64Array, rhs: Float64Array, x: Float64Array) => {
    for (let i = 0; i < r; i++) {
      let acc = rhs[i];
      for (let q = 0; q < i; q++) acc -= L[i * r + q] * x[q];
      x[i] = acc / L[i * r + i];
    }
  };
  const takeColumn = (X: Float64Array, p: number, out: Float64Array) => {
    for (let i = 0; i < r; i++) out[i] = X[i * l + p];
  };

  /** Bring the iterate back to explicit form: C ← G C, CK ← G CK, D ← F C + E D; G = E = I, F = 0. */
  const fold = (state: KhaState, iterate: SmdIterate | null) => {
    columns.fold(state.A, state.AK, iterate && state.AK ? iterate.B : null, G, F, E);
    identity(G);
    identity(E);
    F.fill(0);
    stepsSinceFold = 0;
  };
  const foldIfIllConditioned = (state: KhaState, iterate: SmdIterate | null) => {
    stepsSinceFold++;
    for (let i = 0; i < r; i++)
      if (!(Math.abs(G[i * r + i]) >= FOLD_BELOW && Math.abs(E[i * r + i]) >= FOLD_BELOW)) return fold(state, iterate);
  };

  /**
   * The Gram matrices after A' = M A + u e_pᵀ and A K' ' = M (A K') + u k'ᵀ (u = P y), from a = A e_p,
   * y = A k', and, after the sweep, A K' k' = G_old h:
   *   A Aᵀ       ← M (A Aᵀ) Mᵀ + (M a) uᵀ + u (M a)ᵀ + u uᵀ
   *   A K' (A K')ᵀ ← M (…) Mᵀ + (M A K' k') uᵀ + u (…)ᵀ + ‖k'‖² u uᵀ
   *   A K' Aᵀ    ← M (…) Mᵀ + (M y) uᵀ + u (M y)ᵀ + k'_p u uᵀ       (A K' e_p = y after the refresh)
   */
  const updateGrams = (k: Float64Array, p: number, withAKAt: boolean) => {
    step.congruence(AAt);
    step.mv(a, Mv);
    addSymmetric(AAt, u, Mv, 1, 1);
    step.congruence(AKAKt);
    step.mv(lowerTimes(Gold, h, Mw), Mw);
    addSymmetric(AKAKt, u, Mw, 1, rowSquare);
    if (!withAKAt) return;
    step.congruence(AKAt);
    addSymmetric(AKAt, u, step.mv(ak, Mv), 1, k[p]);
  };

  return {
    allocate: sweeps.allocate,

    timesRows(X, rows, n, out) {
      if (X.length !== r * l) throw new RangeError(`timesRows: X has ${X.length} values, not r·l = ${r * l}`);
      (sourceX ??= sweeps.allocate(r * l)).set(X);
      const width = (sourceOut ??= sweeps.allocate(r * n)).length / r;
      for (let from = 0; from < n; from += width) {
        const count = Math.min(width, n - from);
        sweeps.products.timesTransposed(sourceX, r, rows.subarray(from * l, (from + count) * l), count, sourceOut);
        for (let i = 0; i < r; i++) out.set(sourceOut.subarray(i * count, (i + 1) * count), i * n + from);
      }
    },

    project(state, iterate, p, k, y, square) {
      const { A: C, AK: CK } = state;
      rowSquare = square;
      if (!gramsValid) recomputeGrams(state, iterate);
      columns.project(C, iterate && CK ? iterate.B : null, k, c, d);
      lowerTimes(G, c, y); // y = A k' = G C k'
      if (CK) {
        takeColumn(C, p, cp);
        lowerTimes(G, cp, a); // a = A e_p
        // Column p of A K' is exactly y, i.e. column p of CK is c: refresh it (A K' then drifts for
        // at most one pass), and the Gram matrices take in the change Δ = y − (A K') e_p.
        columns.columnCK(CK, p, target);
        lowerTimes(G, target, ak); // the old (A K') e_p
        for (let i = 0; i < r; i++) change[i] = y[i] - ak[i];
        addSymmetric(AKAKt, change, ak, 1, 1);
        addOuter(AKAt, change, a);
        columns.setColumnCK(CK, p, c, target);
        ak.set(y);
        // the gains read ‖A_i‖² and ‖(A K')_i‖²
        for (let i = 0; i < r; i++) {
          state.normA2[i] = AAt[i * r + i];
          state.normAK2[i] = AKAKt[i * r + i];
        }
      }
    },

    kha(state, p, k, y, eta) {
      const { A: C, AK: CK } = state;
      if (CK) {
        Gold.set(G); // for the Gram matrices (A K' k' = G_old h)
        step.set(y, z.fill(0), eta, 0);
      }
      // G ← M G: row i loses P_i y_i Σ_{u≤i} y_u G_u (old rows, running sums)
      const sg = sums;
      sg.fill(0, 0, r);
      for (let i = 0; i < r; i++) {
        const yi = y[i];
        const gy = eta[i] * yi;
        for (let q = 0; q <= i; q++) {
          sg[q] += yi * G[i * r + q];
          G[i * r + q] -= gy * sg[q];
        }
      }
      // A gains P y in column p: C's column gains δ = G⁻¹ P y
      for (let i = 0; i < r; i++) u[i] = eta[i] * y[i];
      forwardSolve(G, u, delta);
      if (CK) {
        columns.dotAxpyCK(CK, k, delta, h);
        updateGrams(k, p, false);
      }
      columns.addColumn(C, p, delta, 'C');
      columns.endStep();
      foldIfIllConditioned(state, null);
    },

    smd(state, iterate, p, k, y, eta, mu, xi) {
      const { A: C } = state;
      const CK = state.AK as Float64Array;
      const { B: D, rho } = iterate;
      // z = B k' = F c + E d;  b = B e_p = F C e_p + E D e_p
      takeColumn(D, p, dp);
      for (let i = 0; i < r; i++) {
        let zi = 0;
        let bi = 0;
        for (let q = 0; q < r; q++) {
          zi += F[i * r + q] * c[q];
          bi += F[i * r + q] * cp[q];
        }
        for (let q = 0; q <= i; q++) {
          zi += E[i * r + q] * d[q];
          bi += E[i * r + q] * dp[q];
        }
        z[i] = zi;
        b[i] = bi;
      }
      addOuter(AKBt, change, b); // the refresh of (A K') e_p, seen by A K' Bᵀ
      // meta_i = ⟨Γ_i, B_i⟩_H = y_i (z_i − Σ_{q≤i} y_q (A K' Bᵀ)_qi)
      for (let i = 0; i < r; i++) {
        let s = 0;
        for (let q = 0; q <= i; q++) s += y[q] * AKBt[q * r + i];
        rho[i] += mu * y[i] * (z[i] - s);
        gains[i] = Math.exp(rho[i]) * eta[i];
      }
      Gold.set(G);
      step.set(y, z, gains, xi);
      // The factors, one sweep down their rows, old rows entering the running sums first:
      //   G_i ← G_i − P_i y_i Σ_{u≤i} y_u G_u
      //   E_i ← ξ (E_i − P_i y_i Σ_{u≤i} y_u E_u)
      //   F_i ← ξ (F_i − P_i y_i Σ_{u≤i} y_u F_u) − P_i ((y_i + ξ z_i) Σ_{u≤i} y_u G_u + ξ y_i Σ_{u≤i} z_u G_u)
      sums.fill(0);
      const sg = sums.subarray(0, r);
      const sz = sums.subarray(r, 2 * r);
      const sf = sums.subarray(2 * r, 3 * r);
      const se = sums.subarray(3 * r, 4 * r);
      for (let i = 0; i < r; i++) {
        const yi = y[i];
        const zi = z[i];
        for (let q = 0; q < r; q++) sf[q] += yi * F[i * r + q];
        for (let q = 0; q <= i; q++) {
          sg[q] += yi * G[i * r + q];
          sz[q] += zi * G[i * r + q];
          se[q] += yi * E[i * r + q];
        }
        const gy = gains[i] * yi;
        const gw = gains[i] * (yi + xi * zi);
        const gx = gains[i] * xi * yi;
        for (let q = 0; q < r; q++) {
          const at = i * r + q;
          F[at] = xi * (F[at] - gy * sf[q]) - (q <= i ? gw * sg[q] + gx * sz[q] : 0);
        }
        for (let q = 0; q <= i; q++) {
          const at = i * r + q;
          G[at] -= gy * sg[q];
          E[at] = xi * (E[at] - gy * se[q]);
        }
      }
      // Column p: A gains u = P y (C's column gains δ = G⁻¹ u); B gains w = P (y + ξ z), through D:
      // ε = E⁻¹ (w − F δ), since B = F C + E D and C's column just moved by δ.
      for (let i = 0; i < r; i++) {
        u[i] = gains[i] * y[i];
        w[i] = gains[i] * (y[i] + xi * z[i]);
      }
      forwardSolve(G, u, delta);
      for (let i = 0; i < r; i++) {
        let acc = w[i];
        for (let q = 0; q < r; q++) acc -= F[i * r + q] * delta[q];
        target[i] = acc;
      }
      forwardSolve(E, target, eps);
      columns.dotAxpyCK(CK, k, delta, h);
      // A K' Bᵀ ← ξ M (A K' Bᵀ) Mᵀ − M (A K' Aᵀ) Nᵀ + (M y) wᵀ + ξ u (M z)ᵀ − u (N y)ᵀ + k'_p u wᵀ
      // (A K' e_p = y, A k' = y, B k' = z), from the old A K' Aᵀ: before updateGrams
      step.leftMRightN(AKAt, T);
      step.congruence(AKBt);
      for (let i = 0; i < rr; i++) AKBt[i] = xi * AKBt[i] - T[i];
      addOuter(AKBt, step.mv(y, Mv), w);
      addOuter(AKBt, u, step.mv(z, Mw), xi);
      addOuter(AKBt, u, step.nv(y, target), -1);
      addOuter(AKBt, u, w, k[p]);
      updateGrams(k, p, true);
      columns.addColumn(C, p, delta, 'C');
      columns.addColumn(D, p, eps, 'D');
      columns.endStep();
      foldIfIllConditioned(state, iterate);
    },

    prepareBlock:
      columns.prepareBlock &&
      ((state, iterate, indices, rows, count) =>
        columns.prepareBlock!(state.A, state.AK, iterate && state.AK ? iterate.B : null, rows, indices, count)),

    settle: columns.settle && ((state) => columns.settle!(state.AK)),

    beginBlock(state, iterate, indices, rows, count) {
      columns.beginBlock(state.A, state.AK, iterate && state.AK ? iterate.B : null, indices, rows, count);
    },

    endBlock(state, iterate, endOfPass) {
      if (stepsSinceFold > 0) fold(state, iterate);
      columns.endBlock(state.AK);
      if (!state.AK) return recomputeNorms(state);
      if (endOfPass) recomputeGrams(state, iterate); // remove the drift of the rank-one updates
      for (let i = 0; i < r; i++) {
        state.normA2[i] = AAt[i * r + i];
        state.normAK2[i] = AKAKt[i * r + i];
      }
    },

    saved: () => Object.fromEntries(GRAM_NAMES.map((name) => [name, Float64Array.from(grams[name])])),

    restore(saved) {
      gramsValid = !!saved && GRAM_NAMES.every((name) => saved[name]?.length === rr);
      if (saved && gramsValid) for (const name of GRAM_NAMES) grams[name].set(saved[name]);
      columns.invalidate?.();
    },

    invalidate() {
      gramsValid = false;
      columns.invalidate?.();
    },
  };
}
