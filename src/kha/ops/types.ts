/**
 * The update ops: how a KHA step is carried out, in one of the forms the registry (index.ts) names.
 * Each step is `project`, then the schedule's `kha` or `smd`, which take the value `project`
 * returned: the call order is in the types, and a form keeps nothing between the two but that value.
 * The ops also own the memory of every matrix they update (A, A K′, B, the row block): a WebAssembly
 * implementation must have them inside its linear memory.
 *
 * Between blocks (after `endBlock`) A, A K′ and B hold the plain iterate; inside a block the ops may
 * keep them in a form of their own.
 */
import type { KhaState } from '../state';

/** The extra iterate of KHA-SMD: B (r × l, the gradient trace) and the log-gains ρ. */
export interface SmdIterate {
  readonly B: Float64Array;
  readonly rho: Float64Array;
}

/**
 * What `project` computed for sample p, and the step consumes: y = A k′_p (views into the ops'
 * memory, valid until the next `project`). A form extends it with what else its step needs.
 */
export interface Projection {
  readonly p: number;
  /** k′_p, the sample's centered row */
  readonly k: Float64Array;
  /** ‖k′_p‖² */
  readonly rowSquare: number;
  readonly y: Float64Array;
}

export interface UpdateOps<P extends Projection = Projection> {
  /** A zeroed float64 array the ops can work on (views stay valid for the engine's life). */
  readonly allocate: (length: number) => Float64Array; // a property: callers pass it on unbound
  /**
   * y = A k′_p; when A K′ is kept, its column p is set to y, which is exact (A K′ then drifts for at
   * most one pass); and ‖A_i‖², ‖(A K′)_i‖² are current for the gains. `iterate`: SMD's, or null.
   */
  project(state: KhaState, iterate: SmdIterate | null, p: number, k: Float64Array, rowSquare: number): P;
  /**
   * A ← A + diag(η) Γ with Γ = y e_pᵀ − lt(y yᵀ) A; and, when AK is kept,
   * A K′ ← A K′ + diag(η) Γ K′ with Γ K′ = y k′ᵀ − lt(y yᵀ)(A K′).
   */
  kha(state: KhaState, step: P, eta: Float64Array): void;
  /**
   * One KHA-SMD step (docs/ALGORITHMS.md, `smd`), in this order: ρ ← ρ + μ diag(Γ K′ Bᵀ);
   * P = diag(e^ρ ⊙ η); B ← ξ B + P [Γ + ξ DΓ(A)[B]]; A K′ ← A K′ + P Γ K′; A ← A + P Γ.
   */
  smd(state: KhaState, iterate: SmdIterate, step: P, eta: Float64Array, mu: number, xi: number): void;
  /**
   * At a block's start, with the rows its steps will take in order (row b of `rows` is k′_{indices[b]}):
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
   * Present when the ops keep A K′ on a device: brings state.AK up to date here (before `endBlock`
   * at a pass's end, and before a snapshot); until then state.AK may be stale between blocks.
   */
  settle?(state: KhaState, iterate: SmdIterate | null): Promise<void>;
  /** At a block boundary: A, A K′, B and the row norms become the plain iterate again. */
  endBlock?(state: KhaState, iterate: SmdIterate | null, endOfPass: boolean): void;
  /** The ops' own state at a block boundary, for checkpoints (saved as is: recomputing it would change its last bits). */
  saved?(): Record<string, Float64Array>;
  /** Take back what `saved` returned (undefined: a snapshot without it; recompute from the iterate). */
  restore?(saved: Record<string, Float64Array> | undefined): void;
  /**
   * out[i·n + b] = X_i · rows_b for an r × l X and n rows (from `allocate`): the product of the exact
   * A K′ passes, in the ops' fast products (absent: the engine's JS dot products).
   */
  timesRows?(X: Float64Array, rows: Float64Array, n: number, out: Float64Array): void;
  /** A, A K′ or B were set from outside (initialisation, an exact refresh of A K′). */
  invalidate?(): void;
}
