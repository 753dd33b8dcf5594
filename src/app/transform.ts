/**
 * Use-case: project points onto a fitted model's components, y(x) = A k'(x), with k'(x) centered
 * against the training statistics (ALGORITHMS.md, "Centering"). Equal to scikit-learn's
 * KernelPCA.transform up to sign.
 */
import { UserError } from '../errors';
import { createGramBackend, centerCrossRows } from '../kernels';
import type { BackendRequest } from '../kernels/backend';
import type { KpcaModel } from '../model/model';

export interface TransformOptions {
  backend?: BackendRequest;
  /** points per backend call (default 64) */
  blockSize?: number;
}

/** Projections of the m points Z (m × d, row-major): m × r, row-major. */
export async function transform(model: KpcaModel, Z: Float64Array, m: number, options: TransformOptions = {}): Promise<Float64Array> {
  const { l, d, components: r, A } = model;
  if (Z.length !== m * d)
    throw new UserError(`the data have ${m > 0 ? Z.length / m : 0} features per point, but the model was fitted on ${d}`);
  const blockSize = options.blockSize ?? 64;
  const backend = await createGramBackend(options.backend ?? 'auto', model.kernel, model.X, l, d);
  const out = new Float64Array(m * r);
  const block = new Float64Array(blockSize * l);
  try {
    for (let b0 = 0; b0 < m; b0 += blockSize) {
      const count = Math.min(blockSize, m - b0);
      const k = block.subarray(0, count * l);
      await backend.cross(Z.subarray(b0 * d, (b0 + count) * d), count, k);
      centerCrossRows(k, count, model.rowMeans, model.grandMean);
      for (let b = 0; b < count; b++)
        for (let i = 0; i < r; i++) {
          let s = 0;
          for (let j = 0; j < l; j++) s += A[i * l + j] * k[b * l + j];
          out[(b0 + b) * r + i] = s;
        }
    }
  } finally {
    await backend.dispose();
  }
  return out;
}
