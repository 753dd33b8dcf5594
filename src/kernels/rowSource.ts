/**
 * What the KHA engine iterates on: a symmetric l × l matrix (the centered Gram matrix K', or the
 * normalized affinity D^{-1/2} W D^{-1/2} for spectral clustering) that hands out rows on request.
 * The engine never needs the matrix in full.
 */
export interface RowSource {
  /** number of rows = number of columns */
  readonly l: number;
  /** out[b*l + j] = M[indices[b], j] */
  rows(indices: ArrayLike<number>, out: Float64Array): Promise<void>;
  /** trace of the matrix (for the reconstruction error), if known */
  readonly trace?: number;
}
