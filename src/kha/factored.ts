/**
 * The factored update: the engine issue's "factored update", measured faster than the prefix-sum
 * form (ALGORITHMS.md, "Cost") because a step reads and writes far fewer r × l values.
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
 * Gram matrices of the stored factors (CC = C Cᵀ, CKC = CK Cᵀ, CKKC = CK CKᵀ, CKD = CK Dᵀ), kept up
 * to date by rank-one terms. The factors are folded back (C ← G C, CK ← G CK, D ← F C + E D;
 * G = E = I, F = 0) at every block boundary, so that outside a block A, A K' and B are explicit:
 * checkpoints and measurements see the plain iterate. Inside a long block a fold also happens as
 * soon as a diagonal of G or E falls below FOLD_BELOW, so the triangular solves stay well
 * conditioned. Results equal the prefix-sum and the literal updates to rounding (tested to 1e-10).
 */
import type { KhaState } from './state';
import type { SmdIterate, UpdateKernels } from './update';

/**
 * The r × l work of the factored update. Arrays passed in must come from `allocate` (a WebAssembly
 * implementation reads them in its own memory).
 */
export interface FactoredSweeps {
  /** a zeroed float64 array the sweeps can read and write (views stay valid for the engine's life) */
  allocate(length: number): Float64Array;
  /** y_i = X_i · k for i < r */
  dotRows(X: Float64Array, k: Float64Array, y: Float64Array): void;
  /** h_i = X_i · k with the old row, then X_i ← X_i + δ_i k */
  dotAxpyRows(X: Float64Array, k: Float64Array, delta: Float64Array, h: Float64Array): void;
  /** D ← E D + F C (when D is given), then C ← G C and CK ← G CK (when given) */
  fold(C: Float64Array, CK: Float64Array | null, D: Float64Array | null, G: Float64Array, F: Float64Array, E: Float64Array): void;
}

/** Fold inside a block once a diagonal entry of G or E is below this (measured: errors stay ~1e-12). */
export const FOLD_BELOW = 0.25;

/** Columns [from, to) of the fold, in plain JS (the JS sweeps, and the wasm fold's odd last column). */
export function foldColumns(
  C: Float64Array, CK: Float64Array | null, D: Float64Array | null, G: Float64Array, F: Float64Array, E: Float64Array,
  r: number, l: number, from: number, to: number,
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
  };
}

/** The r × r state of the factored form besides the factors: what a checkpoint must keep. */
const GRAM_NAMES = ['CC', 'CKC', 'CKKC', 'CKD'] as const;

/** Update kernels in the factored form over the given sweeps (JS or WebAssembly). */
export function factoredKernels(r: number, l: number, sweeps: FactoredSweeps): UpdateKernels {
  const rr = r * r;
  const small = () => sweeps.allocate(r);
  const square = () => sweeps.allocate(rr);
  const G = square();
  const F = square();
  const E = square();
  const grams = { CC: new Float64Array(rr), CKC: new Float64Array(rr), CKKC: new Float64Array(rr), CKD: new Float64Array(rr) };
  const { CC, CKC, CKKC, CKD } = grams;
  // per step: c = C k', d = D k', h = CK k', δ and ε (the new columns' increments)
  const c = small();
  const d = small();
  const h = small();
  const delta = small();
  const eps = small();
  const rhs = new Float64Array(r);
  const sums = new Float64Array(4 * r); // running sums over rows of G, F, E (and z-weighted G)
  const cp = new Float64Array(r); // column p of C before the step
  const dp = new Float64Array(r); // column p of D before the step
  const refresh = new Float64Array(r); // Δ of CK's column p (applied to CKD in smd)
  const spare = new Float64Array(rr);
  /** ‖k'_p‖², needed every step; rows do not change between passes */
  const rowSquares = new Float64Array(l).fill(NaN);
  const z = new Float64Array(r); // B k'
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
        for (let j = 0, a = i * l, b = q * l; j < l; j++) acc += X[a + j] * Y[b + j];
        out[i * r + q] = acc;
      }
  };
  const recomputeGrams = (state: KhaState, iterate: SmdIterate | null) => {
    gram(state.A, state.A, CC);
    if (state.AK) {
      gram(state.AK, state.A, CKC);
      gram(state.AK, state.AK, CKKC);
      if (iterate) gram(state.AK, iterate.B, CKD);
    }
    gramsValid = true;
  };

  /** out_i = (G X Gᵀ)_ii (G lower triangular) */
  const diagonalOf = (X: Float64Array, out: Float64Array) => {
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0; q <= i; q++) {
        let row = 0;
        for (let u = 0; u <= i; u++) row += X[q * r + u] * G[i * r + u];
        acc += G[i * r + q] * row;
      }
      out[i] = acc;
    }
  };

  /** x = L⁻¹ b for a lower-triangular L */
  const forwardSolve = (L: Float64Array, b: Float64Array, x: Float64Array) => {
    for (let i = 0; i < r; i++) {
      let acc = b[i];
      for (let q = 0; q < i; q++) acc -= L[i * r + q] * x[q];
      x[i] = acc / L[i * r + i];
    }
  };

  /** M ← L M Lᵀ (L lower triangular) for an r × r M */
  const congruence = (L: Float64Array, M: Float64Array) => {
    spare.fill(0);
    for (let i = 0; i < r; i++)
      for (let q = 0; q < r; q++) {
        let acc = 0;
        for (let u = 0; u <= i; u++) acc += L[i * r + u] * M[u * r + q];
        spare[i * r + q] = acc;
      }
    for (let i = 0; i < r; i++)
      for (let q = 0; q < r; q++) {
        let acc = 0;
        for (let u = 0; u <= q; u++) acc += spare[i * r + u] * L[q * r + u];
        M[i * r + q] = acc;
      }
  };

  /** Bring the iterate back to explicit form: C ← G C, CK ← G CK, D ← F C + E D; G = E = I, F = 0. */
  const fold = (state: KhaState, iterate: SmdIterate | null) => {
    const D = iterate && state.AK ? iterate.B : null;
    sweeps.fold(state.A, state.AK, D, G, F, E);
    if (D) {
      // CKD' = G CK (F C + E D)ᵀ = G (CKC Fᵀ + CKD Eᵀ), with the old CKC
      const T = new Float64Array(rr);
      for (let i = 0; i < r; i++)
        for (let q = 0; q < r; q++) {
          let acc = 0;
          for (let u = 0; u < r; u++) acc += CKC[i * r + u] * F[q * r + u];
          for (let u = 0; u <= q; u++) acc += CKD[i * r + u] * E[q * r + u];
          T[i * r + q] = acc;
        }
      for (let i = 0; i < r; i++)
        for (let q = 0; q < r; q++) {
          let acc = 0;
          for (let u = 0; u <= i; u++) acc += G[i * r + u] * T[u * r + q];
          CKD[i * r + q] = acc;
        }
    }
    congruence(G, CC);
    if (state.AK) {
      congruence(G, CKC);
      congruence(G, CKKC);
    }
    identity(G);
    identity(E);
    F.fill(0);
    stepsSinceFold = 0;
  };
  const needsFold = () => {
    stepsSinceFold++;
    for (let i = 0; i < r; i++) if (!(Math.abs(G[i * r + i]) >= FOLD_BELOW && Math.abs(E[i * r + i]) >= FOLD_BELOW)) return true;
    return false;
  };

  /** After a step: the Gram matrices take in the new columns (old columns cp, dp) and CK's rank-one term. */
  const updateGrams = (k: Float64Array, p: number, withAK: boolean, withD: boolean) => {
    const kp = k[p];
    let kk = rowSquares[p];
    if (Number.isNaN(kk)) {
      kk = 0;
      for (let j = 0; j < l; j++) kk += k[j] * k[j];
      rowSquares[p] = kk;
    }
    for (let i = 0; i < r; i++)
      for (let q = 0; q < r; q++) {
        const at = i * r + q;
        const dd = delta[i] * delta[q];
        CC[at] += delta[i] * cp[q] + cp[i] * delta[q] + dd;
        if (!withAK) continue;
        CKC[at] += c[i] * delta[q] + delta[i] * c[q] + kp * dd;
        CKKC[at] += h[i] * delta[q] + delta[i] * h[q] + kk * dd;
        if (withD) CKD[at] += c[i] * eps[q] + delta[i] * d[q] + kp * delta[i] * eps[q];
      }
  };

  const takeColumn = (X: Float64Array, p: number, out: Float64Array) => {
    for (let i = 0; i < r; i++) out[i] = X[i * l + p];
  };
  const addColumn = (X: Float64Array, p: number, v: Float64Array) => {
    for (let i = 0; i < r; i++) X[i * l + p] += v[i];
  };

  return {
    allocate: sweeps.allocate,

    project(state, iterate, p, k, y) {
      const { A: C, AK: CK } = state;
      if (!gramsValid) recomputeGrams(state, iterate);
      sweeps.dotRows(C, k, c);
      // y = G c (A = G C)
      for (let i = 0; i < r; i++) {
        let acc = 0;
        for (let q = 0; q <= i; q++) acc += G[i * r + q] * c[q];
        y[i] = acc;
      }
      if (!CK) return;
      // Column p of A K' is exactly y, i.e. column p of CK is c: refresh it (A K' drifts for at most
      // one pass) and let the Gram matrices take in the change Δ.
      takeColumn(C, p, cp);
      for (let i = 0; i < r; i++) refresh[i] = c[i] - CK[i * l + p];
      for (let i = 0; i < r; i++) {
        const di = refresh[i];
        const ki = CK[i * l + p];
        for (let q = 0; q < r; q++) {
          const dq = refresh[q];
          CKC[i * r + q] += di * cp[q];
          CKKC[i * r + q] += di * CK[q * l + p] + ki * dq + di * dq;
        }
      }
      for (let i = 0; i < r; i++) CK[i * l + p] = c[i];
      if (iterate) sweeps.dotRows(iterate.B, k, d);
      // the gains read ‖A_i‖² = (G CC Gᵀ)_ii and ‖(A K')_i‖² = (G CKKC Gᵀ)_ii
      diagonalOf(CC, state.normA2);
      diagonalOf(CKKC, state.normAK2);
    },

    kha(state, p, k, y, eta) {
      const { A: C, AK: CK } = state;
      // G ← M G, M = I − P lt(y yᵀ): row i loses P_i y_i Σ_{u≤i} y_u G_u (old rows, running sums)
      const sg = sums;
      sg.fill(0, 0, r);
      for (let i = 0; i < r; i++) {
        const yi = y[i];
        const c_ = eta[i] * yi;
        for (let q = 0; q <= i; q++) {
          sg[q] += yi * G[i * r + q];
          G[i * r + q] -= c_ * sg[q];
        }
      }
      // A gains P y in column p: C's column p gains δ = G⁻¹ P y
      for (let i = 0; i < r; i++) rhs[i] = eta[i] * y[i];
      forwardSolve(G, rhs, delta);
      takeColumn(C, p, cp);
      if (CK) sweeps.dotAxpyRows(CK, k, delta, h);
      updateGrams(k, p, !!CK, false);
      addColumn(C, p, delta);
      if (needsFold()) fold(state, null);
    },

    smd(state, iterate, p, k, y, eta, mu, xi) {
      const { A: C } = state;
      const CK = state.AK as Float64Array;
      const { B: D, rho } = iterate;
      takeColumn(D, p, dp);
      for (let i = 0; i < r; i++) {
        const di = refresh[i];
        if (di !== 0) for (let q = 0; q < r; q++) CKD[i * r + q] += di * dp[q];
      }
      // z = B k' = F c + E d
      for (let i = 0; i < r; i++) {
        let acc = 0;
        for (let q = 0; q < r; q++) acc += F[i * r + q] * c[q];
        for (let q = 0; q <= i; q++) acc += E[i * r + q] * d[q];
        z[i] = acc;
      }
      // One sweep down the rows of the factors, old rows entering the running sums before they are
      // overwritten (as in the prefix-sum form):
      //   meta_i = ⟨Γ_i, B_i⟩_H = y_i (z_i − Σ_{q≤i} y_q (A K' Bᵀ)_qi),  A K' Bᵀ = G (CKC Fᵀ + CKD Eᵀ)
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
        for (let q = 0; q < r; q++) {
          sf[q] += yi * F[i * r + q];
          if (q <= i) {
            sg[q] += yi * G[i * r + q];
            sz[q] += zi * G[i * r + q];
            se[q] += yi * E[i * r + q];
          }
        }
        // Σ_{q≤i} y_q (G T)_qi = Σ_u sg_u T_ui with T_ui = Σ_v CKC_uv F_iv + Σ_{v≤i} CKD_uv E_iv
        let correction = 0;
        for (let u = 0; u <= i; u++) {
          if (sg[u] === 0) continue;
          let t = 0;
          for (let v = 0; v < r; v++) t += CKC[u * r + v] * F[i * r + v];
          for (let v = 0; v <= i; v++) t += CKD[u * r + v] * E[i * r + v];
          correction += sg[u] * t;
        }
        rho[i] += mu * yi * (zi - correction);
        const gain = Math.exp(rho[i]) * eta[i];
        rhs[i] = gain; // kept for the columns below
        const gy = gain * yi;
        const gw = gain * (yi + xi * zi);
        const gx = gain * xi * yi;
        for (let q = 0; q < r; q++) {
          const at = i * r + q;
          F[at] = xi * (F[at] - gy * sf[q]) - (q <= i ? gw * sg[q] + gx * sz[q] : 0);
          if (q <= i) {
            G[at] -= gy * sg[q];
            E[at] = xi * (E[at] - gy * se[q]);
          }
        }
      }
      // Column p: A gains P y (C's column gains δ = G⁻¹ P y), B gains P (y + ξ z) − F δ through D
      // (ε = E⁻¹ (P (y + ξ z) − F δ), since B = F C + E D and C's column just moved by δ).
      const gains = rhs;
      const target = sums.subarray(0, r);
      for (let i = 0; i < r; i++) target[i] = gains[i] * y[i];
      forwardSolve(G, target, delta);
      for (let i = 0; i < r; i++) {
        let acc = gains[i] * (y[i] + xi * z[i]);
        for (let q = 0; q < r; q++) acc -= F[i * r + q] * delta[q];
        target[i] = acc;
      }
      forwardSolve(E, target, eps);
      takeColumn(C, p, cp);
      sweeps.dotAxpyRows(CK, k, delta, h);
      updateGrams(k, p, true, true);
      addColumn(C, p, delta);
      addColumn(D, p, eps);
      if (needsFold()) fold(state, iterate);
    },

    endBlock(state, iterate, endOfPass) {
      if (stepsSinceFold > 0) fold(state, iterate);
      if (endOfPass) recomputeGrams(state, iterate); // remove the drift of the rank-one updates
      state.normA2.forEach((_, i) => (state.normA2[i] = CC[i * r + i]));
      if (state.AK) state.normAK2.forEach((_, i) => (state.normAK2[i] = CKKC[i * r + i]));
    },

    saved: () => Object.fromEntries(GRAM_NAMES.map((name) => [name, Float64Array.from(grams[name])])),

    restore(saved) {
      gramsValid = !!saved && GRAM_NAMES.every((name) => saved[name]?.length === rr);
      if (saved && gramsValid) for (const name of GRAM_NAMES) grams[name].set(saved[name]);
    },

    invalidate() {
      gramsValid = false;
    },
  };
}
