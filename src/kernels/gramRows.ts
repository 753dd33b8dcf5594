/**
 * Raw Gram rows K[i, :] for the row sources (CenteredGram, NormalizedAffinity): one pass over all
 * l rows in blocks, which they use for their statistics, optionally keeping the whole K as f32 in
 * the same pass; afterwards rows come from that cache or are recomputed by the backend.
 */
import type { GramBackend } from './backend';
import { fitsF32, maxAbs } from './range';
import { fetchAhead } from './fetchAhead';

export interface GramPassOptions {
  /** rows per backend call (default 64) */
  blockSize?: number;
  /** keep K in memory when its f32 copy (4·l² bytes) fits this many MiB (default DEFAULT_CACHE_BUDGET_MB; 0: never) */
  cacheBudgetMB?: number;
  /** called after each block of the first pass */
  onProgress?: (done: number, total: number) => void;
  /** aborts the first pass within one block (it then rejects with the signal's reason) */
  signal?: AbortSignal;
  /**
   * Called for each block of the first pass with its rows as `rows()` will serve them afterwards
   * (the f32 cache's values when K is cached), so that a product with K costs no pass of its own.
   * `servedAsScanned` is false after a pass whose cache had to be dropped: those values were not served.
   */
  onServedRows?: (rows: Float64Array, i0: number, count: number) => void;
}

export const DEFAULT_BLOCK_SIZE = 64;
export const DEFAULT_CACHE_BUDGET_MB = 1024;

/** Bytes of the f32 Gram cache for l points, to refuse a budget up front. */
export function gramCacheBytes(l: number): number {
  return 4 * l * l;
}

export class GramRows {
  private constructor(
    private readonly backend: GramBackend,
    /** K as f32 rows, or null when it did not fit the budget */
    private readonly cache: Float32Array | null,
    /** whether `rows()` serves the values the first pass handed to `onServedRows` */
    readonly servedAsScanned: boolean,
  ) {}

  get cached(): boolean {
    return this.cache !== null;
  }
  get cacheBytes(): number {
    return this.cache ? this.cache.byteLength : 0;
  }

  /**
   * The first pass: calls visit(block, i0, count) for consecutive blocks of rows i0 .. i0+count,
   * while the backend computes the next block.
   */
  static async scan(
    backend: GramBackend,
    opts: GramPassOptions,
    visit: (block: Float64Array, i0: number, count: number) => void,
  ): Promise<GramRows> {
    const l = backend.l;
    const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
    const keep = gramCacheBytes(l) <= (opts.cacheBudgetMB ?? DEFAULT_CACHE_BUDGET_MB) * 2 ** 20;
    const cache = keep ? new Float32Array(l * l) : null;
    const blocks = [0, 1].map(() => new Float64Array(blockSize * l));
    const served = opts.onServedRows && cache ? new Float64Array(blockSize * l) : null;
    const fetched = fetchAhead(Math.ceil(l / blockSize), async (i) => {
      const i0 = i * blockSize,
        count = Math.min(blockSize, l - i0);
      const rows = blocks[i % 2].subarray(0, count * l);
      await backend.rows(
        Array.from({ length: count }, (_, b) => i0 + b),
        rows,
      );
      return { rows, i0, count };
    });
    let largest = 0;
    for await (const { rows, i0, count } of fetched) {
      visit(rows, i0, count);
      cache?.set(rows, i0 * l);
      if (cache) largest = Math.max(largest, maxAbs(rows));
      if (served && cache) served.set(cache.subarray(i0 * l, (i0 + count) * l));
      opts.onServedRows?.(served ? served.subarray(0, count * l) : rows, i0, count);
      opts.onProgress?.(i0 + count, l);
      opts.signal?.throwIfAborted();
    }
    // an f32 copy of values beyond f32's range would be infinite or lose its digits: compute rows instead
    const kept = cache && fitsF32(largest) ? cache : null;
    return new GramRows(backend, kept, kept === cache);
  }

  /** out[b*l + j] = K[indices[b], j] */
  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    const { cache } = this;
    if (!cache) return this.backend.rows(indices, out);
    const l = this.backend.l;
    for (let b = 0; b < indices.length; b++) out.set(cache.subarray(indices[b] * l, (indices[b] + 1) * l), b * l);
  }
}
