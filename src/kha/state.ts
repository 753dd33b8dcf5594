/**
 * The iterate of the Kernel Hebbian Algorithm. A (r × l, row-major, float64) holds the coefficients:
 * row i is the function w_i = Σ_j A_ij Φ'(x_j). AK = A K' is kept up to date by the schedules that
 * need eigenvalue estimates (kha-et, smd). The squared row norms are maintained by the update
 * sweeps themselves, so the estimates cost nothing extra per step.
 */
export interface KhaState {
  readonly r: number;
  readonly l: number;
  /** r × l coefficients */
  readonly A: Float64Array;
  /** r × l, A K' (null when the schedule does not need it) */
  readonly AK: Float64Array | null;
  /** ‖A_i‖² for each row, after the last update */
  readonly normA2: Float64Array;
  /** ‖(A K')_i‖² for each row (when AK is kept) */
  readonly normAK2: Float64Array;
  /** steps done so far, counted globally over passes */
  t: number;
}

export function createState(r: number, l: number, keepAK: boolean, allocate: (n: number) => Float64Array): KhaState {
  return {
    r,
    l,
    A: allocate(r * l),
    AK: keepAK ? allocate(r * l) : null,
    normA2: new Float64Array(r),
    normAK2: new Float64Array(r),
    t: 0,
  };
}

/** Recompute the row norms from A and AK (after initialisation, a refresh or a restore). */
export function recomputeNorms(state: KhaState): void {
  const { r, l, A, AK } = state;
  for (let i = 0; i < r; i++) {
    let na = 0;
    let nk = 0;
    for (let j = i * l, end = j + l; j < end; j++) {
      na += A[j] * A[j];
      if (AK) nk += AK[j] * AK[j];
    }
    state.normA2[i] = na;
    state.normAK2[i] = nk;
  }
}

/**
 * RKHS Rayleigh quotients λ̃_i = ‖(A K')_i‖² / (A K' Aᵀ)_ii: exact for any scaling of an
 * eigenvector, unlike the paper's estimate (docs/ALGORITHMS.md, "What the engine reports").
 */
export function rayleighQuotients(A: Float64Array, AK: Float64Array, r: number, l: number): Float64Array {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let num = 0;
    let den = 0;
    for (let j = i * l, end = j + l; j < end; j++) {
      num += AK[j] * AK[j];
      den += A[j] * AK[j];
    }
    out[i] = num / den;
  }
  return out;
}
