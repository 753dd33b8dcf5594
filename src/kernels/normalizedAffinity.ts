/**
 * The normalized affinity of spectral clustering (Ng, Jordan & Weiss 2001), served row by row and
 * NOT centered: W_ij = k(x_i, x_j) with W_ii = 0, degrees d_i = Σ_j W_ij from one pass, and
 * rows of D^{-1/2} W D^{-1/2}, i.e. W_ij / √(d_i d_j).
 * With the f32 cache (see CenteredGram) rows are f32-accurate; degrees are float64 sums.
 */
import { UserError } from '../errors';
import type { RowSource } from './rowSource';
import type { GramBackend } from './backend';
import { type GramPassOptions, GramRows } from './gramRows';

export class NormalizedAffinity implements RowSource {
  readonly l: number;
  /** the diagonal of D^{-1/2} W D^{-1/2} is zero */
  readonly trace = 0;
  /** 1/√d_i */
  private readonly invSqrtDegrees: Float64Array;

  private constructor(
    private readonly gram: GramRows,
    /** d_i = Σ_{j≠i} k(x_i, x_j) */
    readonly degrees: Float64Array,
  ) {
    this.l = degrees.length;
    this.invSqrtDegrees = degrees.map((di) => 1 / Math.sqrt(di));
  }

  get cached(): boolean {
    return this.gram.cached;
  }
  get cacheBytes(): number {
    return this.gram.cacheBytes;
  }

  static async create(backend: GramBackend, opts: GramPassOptions = {}): Promise<NormalizedAffinity> {
    const l = backend.l;
    const degrees = new Float64Array(l);
    const gram = await GramRows.scan(backend, opts, (block, i0, count) => {
      for (let b = 0; b < count; b++) {
        let s = 0;
        for (let j = b * l; j < (b + 1) * l; j++) s += block[j];
        degrees[i0 + b] = s - block[b * l + i0 + b];
      }
    });
    const isolated = degrees.findIndex((di) => !(di > 0));
    if (isolated >= 0) {
      throw new UserError(
        `spectral clustering: point ${isolated + 1} has affinity ${degrees[isolated]} to all others ` +
          `(for a Gaussian kernel: sigma is too small for this data; increase it)`,
      );
    }
    return new NormalizedAffinity(gram, degrees);
  }

  /** out[b*l + j] = W_ij / √(d_i d_j) with i = indices[b], and 0 for j = i */
  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.gram.rows(indices, out);
    const { l, invSqrtDegrees: s } = this;
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b],
        si = s[i],
        row = b * l;
      for (let j = 0; j < l; j++) out[row + j] *= si * s[j];
      out[row + i] = 0;
    }
  }
}
