import type { RowSource } from '../kernels/rowSource';

/** A RowSource over a dense symmetric l × l matrix held in memory (small problems, tests). */
export class DenseRowSource implements RowSource {
  readonly trace: number;
  constructor(
    readonly matrix: Float64Array | Float32Array,
    readonly l: number,
  ) {
    if (matrix.length !== l * l)
      throw new RangeError(`DenseRowSource: expected ${l * l} entries, got ${matrix.length}`);
    let trace = 0;
    for (let i = 0; i < l; i++) trace += matrix[i * l + i];
    this.trace = trace;
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    const l = this.l;
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b];
      for (let j = 0; j < l; j++) out[b * l + j] = this.matrix[i * l + j];
    }
  }
}
