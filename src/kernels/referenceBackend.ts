/** The float64 TypeScript backend: the reference every other backend is tested against. */
import type { GramBackend } from './backend';
import { squaredNorms } from './blockDots';
import { type KernelImpl, referenceBlock } from './kernelImpl';
import { checkBlock, gatherRows } from './points';

export class ReferenceBackend implements GramBackend {
  readonly name = 'reference';
  readonly precision = 'f64';
  private readonly xNorms: Float64Array;

  constructor(
    private readonly impl: KernelImpl,
    private readonly X: Float64Array,
    readonly l: number,
    readonly d: number,
  ) {
    this.xNorms = squaredNorms(X, l, d);
  }

  async cross(Z: Float64Array, m: number, out: Float64Array): Promise<void> {
    checkBlock(out, m, this.l);
    referenceBlock(this.impl, this.X, this.xNorms, this.l, this.d, Z, squaredNorms(Z, m, this.d), m, out);
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.cross(gatherRows(this.X, this.d, indices), indices.length, out);
  }

  async dispose(): Promise<void> {
    // nothing held beyond garbage-collected arrays
  }
}
