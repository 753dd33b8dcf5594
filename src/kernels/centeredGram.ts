/**
 * The centered Gram matrix K' = (I − M) K (I − M), M = (1/l)·11ᵀ, served row by row:
 * K'_ij = K_ij − m_i − m_j + m̄ with row means m and grand mean m̄ from one pass over K.
 *
 * Accuracy: rows come from the backend (f64 or f32 per backend), or, when K is cached, from an f32
 * copy: then centered rows are f32-accurate (about 1e-7 relative to max|K|) even on the float64
 * reference backend, while m, m̄ and the trace are summed in float64 from the uncached values.
 */
import type { RowSource } from './rowSource';
import type { GramBackend } from './backend';
import { type GramPassOptions, GramRows } from './gramRows';

export { gramCacheBytes } from './gramRows';

export class CenteredGram implements RowSource {
  readonly l: number;

  private constructor(
    private readonly gram: GramRows,
    /** m_j = (1/l) Σ_i K_ij (K is symmetric, so also the row means) */
    readonly rowMeans: Float64Array,
    /** m̄ = (1/l) Σ_j m_j */
    readonly grandMean: number,
    /** tr K' = Σ_i (K_ii − 2 m_i + m̄) */
    readonly trace: number,
  ) {
    this.l = rowMeans.length;
  }

  get cached(): boolean {
    return this.gram.cached;
  }
  get cacheBytes(): number {
    return this.gram.cacheBytes;
  }
  /** whether rows are served as the centering pass handed them to `onServedRows` (GramRows) */
  get servedAsScanned(): boolean {
    return this.gram.servedAsScanned;
  }

  static async create(backend: GramBackend, opts: GramPassOptions = {}): Promise<CenteredGram> {
    const l = backend.l;
    const rowMeans = new Float64Array(l);
    const diagonal = new Float64Array(l);
    const gram = await GramRows.scan(backend, opts, (block, i0, count) => {
      for (let b = 0; b < count; b++) {
        let s = 0;
        for (let j = b * l; j < (b + 1) * l; j++) s += block[j];
        rowMeans[i0 + b] = s / l;
        diagonal[i0 + b] = block[b * l + i0 + b];
      }
    });
    let grandMean = 0;
    for (let i = 0; i < l; i++) grandMean += rowMeans[i];
    grandMean /= l;
    let trace = 0;
    for (let i = 0; i < l; i++) trace += diagonal[i] - 2 * rowMeans[i] + grandMean;
    return new CenteredGram(gram, rowMeans, grandMean, trace);
  }

  /**
   * out[b*l + j] = K'[indices[b], j]. The backend is called before the first await, so that its
   * work starts at call time: the engine steps through one block while the next one is computed.
   */
  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.gram.rows(indices, out);
    const { l, rowMeans: m, grandMean } = this;
    for (let b = 0; b < indices.length; b++) {
      const c = grandMean - m[indices[b]],
        row = b * l;
      for (let j = 0; j < l; j++) out[row + j] += c - m[j]; // K_ij − m_i − m_j + m̄
    }
  }

  /**
   * Centers, in place, kernel values of new points against the training points:
   * kBlock[b*l + j] = k(x_j, z_b) becomes k'(z_b)_j = k(x_j, z_b) − m_j − (1/l)Σ_i k(x_i, z_b) + m̄.
   */
  centerCross(kBlock: Float64Array, m: number): void {
    centerCrossRows(kBlock, m, this.rowMeans, this.grandMean);
  }
}

/**
 * `CenteredGram.centerCross` from saved statistics (a model file): m rows of kernel values of new
 * points, centered in place with the training row means m_j and grand mean m̄.
 */
export function centerCrossRows(kBlock: Float64Array, m: number, rowMeans: Float64Array, grandMean: number): void {
  const l = rowMeans.length;
  for (let b = 0; b < m; b++) {
    const row = b * l;
    let s = 0;
    for (let j = 0; j < l; j++) s += kBlock[row + j];
    const c = grandMean - s / l;
    for (let j = 0; j < l; j++) kBlock[row + j] += c - rowMeans[j];
  }
}
