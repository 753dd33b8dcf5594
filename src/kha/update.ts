/**
 * The per-step KHA and KHA-SMD updates in O(r·l), written as prefix sums over the rows
 * (docs/ALGORITHMS.md, "The O(r·l) update"). Row p of lt(y yᵀ) A is y_p · Σ_{q≤p} y_q A_q (old rows),
 * so one sweep down the rows with running l-vectors does the whole update in place: each running
 * sum takes in the old row before the row is overwritten.
 *
 * `naiveUpdate.ts` holds the literal O(r²·l) formulas these are tested against.
 */
import { dotFromOffset } from '../linalg/dense';
import type { KhaState } from './state';

/** Scratch l-vectors for the running sums, allocated once per engine. */
export class UpdateScratch {
  readonly s: Float64Array; // Σ_{q≤i} y_q A_q
  readonly S: Float64Array; // Σ_{q≤i} y_q (A K')_q
  readonly u: Float64Array; // Σ_{q≤i} z_q A_q   (SMD)
  readonly v: Float64Array; // Σ_{q≤i} y_q B_q   (SMD)
  readonly z: Float64Array; // B k'              (SMD, r-vector)
  constructor(r: number, l: number) {
    this.s = new Float64Array(l);
    this.S = new Float64Array(l);
    this.u = new Float64Array(l);
    this.v = new Float64Array(l);
    this.z = new Float64Array(r);
  }
}

/** The extra iterate of KHA-SMD: B (r × l, the gradient trace) and the log-gains ρ. */
export interface SmdIterate {
  readonly B: Float64Array;
  readonly rho: Float64Array;
}

/**
 * How a step is carried out: the factored form (factored.ts) is the product, the prefix-sum form
 * below the contract's O(r·l) update, the naive one the oracle both are tested against.
 * The ops also own the memory of every matrix they update (A, A K', B, the row block, y, η):
 * a WebAssembly implementation must have them inside its linear memory.
 *
 * Between blocks (after `endBlock`) A, A K' and B hold the plain iterate; inside a block the
 * ops may keep them in a form of their own.
 */
export interface UpdateOps {
  /** A zeroed float64 array the ops can work on (views stay valid for the engine's life). */
  readonly allocate: (length: number) => Float64Array; // a property: callers pass it on unbound
  /**
   * y = A k'_p; when A K' is kept, its column p is set to y, which is exact (A K' then drifts for
   * at most one pass); and ‖A_i‖², ‖(A K')_i‖² are current for the gains. `iterate`: SMD's, or null;
   * `rowSquare`: ‖k'_p‖², for the step that follows.
   */
  project(
    state: KhaState,
    iterate: SmdIterate | null,
    p: number,
    k: Float64Array,
    y: Float64Array,
    rowSquare: number,
  ): void;
  /**
   * A ← A + diag(η) Γ with Γ = y e_pᵀ − lt(y yᵀ) A; and, when AK is kept,
   * A K' ← A K' + diag(η) Γ K' with Γ K' = y k'ᵀ − lt(y yᵀ)(A K').
   */
  kha(state: KhaState, p: number, k: Float64Array, y: Float64Array, eta: Float64Array): void;
  /**
   * One KHA-SMD step (docs/ALGORITHMS.md, `smd`), in this order: ρ ← ρ + μ diag(Γ K' Bᵀ);
   * P = diag(e^ρ ⊙ η); B ← ξ B + P [Γ + ξ DΓ(A)[B]]; A K' ← A K' + P Γ K'; A ← A + P Γ.
   */
  smd(
    state: KhaState,
    smd: SmdIterate,
    p: number,
    k: Float64Array,
    y: Float64Array,
    eta: Float64Array,
    mu: number,
    xi: number,
  ): void;
  /**
   * At a block's start, with the rows its steps will take in order (row b of `rows` is k'_{indices[b]}):
   * the blocked form takes its r × l products here, once per block.
   */
  beginBlock?(
    state: KhaState,
    iterate: SmdIterate | null,
    indices: Int32Array,
    rows: Float64Array,
    count: number,
  ): void;
  /** Before `beginBlock`: asynchronous work of the block (a device computes its products). */
  prepareBlock?(
    state: KhaState,
    iterate: SmdIterate | null,
    indices: Int32Array,
    rows: Float64Array,
    count: number,
  ): Promise<void>;
  /**
   * Present when the ops keep A K' on a device: brings state.AK up to date here (before `endBlock`
   * at a pass's end, and before a snapshot); until then state.AK may be stale between blocks.
   */
  settle?(state: KhaState, iterate: SmdIterate | null): Promise<void>;
  /** At a block boundary: A, A K', B and the row norms become the plain iterate again. */
  endBlock?(state: KhaState, iterate: SmdIterate | null, endOfPass: boolean): void;
  /** The ops' own state at a block boundary, for checkpoints (saved as is: recomputing it would change its last bits). */
  saved?(): Record<string, Float64Array>;
  /** Take back what `saved` returned (undefined: a snapshot without it; recompute from the iterate). */
  restore?(saved: Record<string, Float64Array> | undefined): void;
  /**
   * out[i·n + b] = X_i · rows_b for an r × l X and n rows (from `allocate`): the product of the exact
   * A K' passes, in the ops' fast products (absent: the engine's JS dot products).
   */
  timesRows?(X: Float64Array, rows: Float64Array, n: number, out: Float64Array): void;
  /** A, A K' or B were set from outside (initialisation, an exact refresh of A K'). */
  invalidate?(): void;
}

/** `project` for ops that keep A explicit: r dot products, then A K''s column p set to y. */
export function projectExplicit(state: KhaState, p: number, k: Float64Array, y: Float64Array): void {
  const { r, l, A, AK } = state;
  for (let i = 0; i < r; i++) y[i] = dotFromOffset(A, i * l, k, l);
  if (AK) for (let i = 0; i < r; i++) AK[i * l + p] = y[i];
}

export function prefixSumOps(scratch: UpdateScratch): UpdateOps {
  return {
    allocate: (length) => new Float64Array(length),
    project: (state, _iterate, p, k, y) => projectExplicit(state, p, k, y),
    kha(state, p, k, y, eta) {
      const { r, l, A, AK, normA2, normAK2 } = state;
      const { s, S } = scratch;
      s.fill(0);
      if (AK) S.fill(0);
      for (let i = 0; i < r; i++) {
        const yi = y[i];
        const c = eta[i] * yi;
        const base = i * l;
        let na = 0;
        if (AK) {
          let nk = 0;
          for (let j = 0; j < l; j++) {
            const a = A[base + j];
            const sj = s[j] + yi * a;
            s[j] = sj;
            const an = a - c * sj;
            A[base + j] = an;
            na += an * an;
            const ak = AK[base + j];
            const Sj = S[j] + yi * ak;
            S[j] = Sj;
            const akn = ak + c * (k[j] - Sj);
            AK[base + j] = akn;
            nk += akn * akn;
          }
          normAK2[i] = nk;
        } else {
          for (let j = 0; j < l; j++) {
            const a = A[base + j];
            const sj = s[j] + yi * a;
            s[j] = sj;
            const an = a - c * sj;
            A[base + j] = an;
            na += an * an;
          }
        }
        // The Hebbian term, column p only.
        const old = A[base + p];
        A[base + p] = old + c;
        normA2[i] = na - old * old + (old + c) * (old + c);
      }
    },

    smd(state, smd, p, k, y, eta, mu, xi) {
      const { r, l, A, normA2, normAK2 } = state;
      const AK = state.AK as Float64Array;
      const { B, rho } = smd;
      const { s, S, u, v, z } = scratch;
      // z = B k'
      for (let i = 0; i < r; i++) {
        let acc = 0;
        for (let j = i * l, jk = 0; jk < l; j++, jk++) acc += B[j] * k[jk];
        z[i] = acc;
      }
      s.fill(0);
      S.fill(0);
      u.fill(0);
      v.fill(0);
      for (let i = 0; i < r; i++) {
        const yi = y[i];
        const zi = z[i];
        const base = i * l;
        // Meta-gradient ⟨Γ_i, B_i⟩_H = (Γ K' Bᵀ)_ii = y_i Σ_j (k'_j − S_ij) B_ij, S_i including row i.
        let meta = 0;
        for (let j = 0; j < l; j++) {
          const Sj = S[j] + yi * AK[base + j];
          S[j] = Sj;
          meta += (k[j] - Sj) * B[base + j];
        }
        rho[i] += mu * yi * meta;
        const gain = Math.exp(rho[i]) * eta[i];
        const gy = gain * yi;
        let na = 0;
        let nk = 0;
        for (let j = 0; j < l; j++) {
          const a = A[base + j];
          const b = B[base + j];
          const sj = s[j] + yi * a;
          const uj = u[j] + zi * a;
          const vj = v[j] + yi * b;
          s[j] = sj;
          u[j] = uj;
          v[j] = vj;
          // Γ_ij = −y_i s_j, DΓ_ij = −z_i s_j − y_i (u_j + v_j)   (column p terms added below)
          const gamma = -yi * sj;
          B[base + j] = xi * b + gain * (gamma - xi * (zi * sj + yi * (uj + vj)));
          const an = a + gain * gamma;
          A[base + j] = an;
          na += an * an;
          const akn = AK[base + j] + gy * (k[j] - S[j]);
          AK[base + j] = akn;
          nk += akn * akn;
        }
        // Column p: Γ gets + y_i, DΓ gets + z_i.
        B[base + p] += gain * (yi + xi * zi);
        const old = A[base + p];
        A[base + p] = old + gy;
        normA2[i] = na - old * old + (old + gy) * (old + gy);
        normAK2[i] = nk;
      }
    },
  };
}
