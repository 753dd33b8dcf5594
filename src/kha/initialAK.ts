/**
 * The initial A K′ without a pass of its own (docs/ALGORITHMS.md, "The initial A K′ in the centering
 * pass"). The source serves K′_pj = K_pj − m_p − m_j + m̄ (m the row means of K, m̄ their mean), so
 *
 *     A K′ = A K − (A 1) mᵀ − (A m − m̄ A 1) 1ᵀ:
 *
 * column p of A K is A k_p (K is symmetric), taken as the centering pass streams row k_p of K as it
 * will be served (the f32 cache's values when K is cached), and the rank-one terms come once the pass
 * has given m and m̄. The initial A is known before the pass: it depends only on (r, l, seed).
 */
import { Rng } from '../linalg/rng';
import { jsBlockProducts, type BlockProducts } from './ops/blocked';
import { isWasmUpdateSupported, wasmFactoredSweeps } from './wasm/wasmUpdate';

/** A_0, i.i.d. N(0, 1/(r·l)), drawn first from the engine's generator: the engine draws the same. */
export function drawInitialA(rng: Rng, A: Float64Array, r: number, l: number): void {
  const scale = 1 / Math.sqrt(r * l);
  for (let i = 0; i < A.length; i++) A[i] = rng.normal() * scale;
}

/** The engine's initial A for r components, l samples and a seed. */
export function initialA(r: number, l: number, seed: number): Float64Array {
  const A = new Float64Array(r * l);
  drawInitialA(new Rng(seed), A, r, l);
  return A;
}

/**
 * Accumulates A₀ K′ from the rows of K as they pass (`visit`, e.g. GramRows' `onServedRows`), on the
 * update's WebAssembly products where they validate (one thread: the pass's Gram rows have the cores).
 */
export class InitialProduct {
  /**
   * A₀, A₀ K so far, the rows' copy in the products' memory (null: JS products read them in place), and
   * the products (which hold that memory); null once `result` has released them
   */
  private memory: {
    A: Float64Array;
    product: Float64Array;
    block: Float64Array | null;
    products: BlockProducts;
  } | null;
  private seen = 0;

  constructor(
    readonly r: number,
    readonly l: number,
    seed: number,
    blockSize: number,
  ) {
    // its memory holds A₀, A₀ K and a block of rows: no schedule's arrays
    const sweeps = isWasmUpdateSupported() ? wasmFactoredSweeps(r, l, blockSize, 1, []) : null;
    const allocate = sweeps ? sweeps.allocate : (n: number) => new Float64Array(n);
    const A = allocate(r * l);
    A.set(initialA(r, l, seed));
    this.memory = {
      A,
      product: allocate(r * l),
      block: sweeps ? allocate(blockSize * l) : null,
      products: sweeps ? sweeps.products : jsBlockProducts(l),
    };
  }

  /** Rows i0 .. i0 + count − 1 of K: columns i0 .. of A₀ K. */
  readonly visit = (rows: Float64Array, i0: number, count: number): void => {
    const { l, r, memory } = this;
    if (!memory) throw new Error('initial A K′: rows visited after the result was taken');
    const Y = memory.block ? memory.block.subarray(0, count * l) : rows;
    if (memory.block) Y.set(rows.subarray(0, count * l));
    // out[i·l + b] = A_i · k_{i0+b}: column i0 + b of A₀ K
    memory.products.timesTransposed(memory.A, r, Y, count, memory.product.subarray(i0), l);
    this.seen += count;
  };

  /**
   * A₀ (K′/scale) from the row means m and grand mean m̄ of K, once every row has been visited; the
   * accumulator's memory is released.
   */
  result(rowMeans: Float64Array, grandMean: number, scale = 1): Float64Array {
    const { r, l, memory } = this;
    if (!memory || this.seen !== l) throw new Error(`initial A K′: ${this.seen} of ${l} rows seen`);
    this.memory = null;
    const { A, product } = memory;
    const out = new Float64Array(r * l);
    for (let i = 0; i < r; i++) {
      let sum = 0; // (A 1)_i
      let weighted = 0; // (A m)_i
      for (let j = i * l, q = 0; q < l; j++, q++) {
        sum += A[j];
        weighted += A[j] * rowMeans[q];
      }
      const shift = weighted - grandMean * sum;
      for (let j = i * l, p = 0; p < l; j++, p++) out[j] = (product[j] - sum * rowMeans[p] - shift) / scale;
    }
    return out;
  }
}
