/**
 * Use-case: project points onto a fitted model's components, y(x) = A k'(x), with k'(x) centered
 * against the training statistics (docs/ALGORITHMS.md, "Centering"). Equal to scikit-learn's
 * KernelPCA.transform up to sign.
 */
import { UserError } from '../errors';
import { centerCrossRows } from '../kernels';
import type { BackendRequest } from '../kernels/backend';
import type { KpcaModel } from '../model/model';
import type { Dataset } from '../data/dataset';
import { withModelBackend } from './prepare';

export interface TransformOptions {
  backend?: BackendRequest;
  /** points per backend call (default RUN_DEFAULTS.blockSize: runOptions.ts) */
  blockSize?: number;
}

/**
 * The points' features in the model's column order. Files with a header are matched by name:
 * reordered columns are put back in order, missing or extra ones refused by name. Without names on
 * either side (col1, col2, …: no header, LIBSVM, USPS) columns are taken by position.
 */
export function alignColumns(points: Dataset, model: Pick<KpcaModel, 'featureNames' | 'd'>): Float64Array {
  const numbered = (names: string[]) => names.every((name, j) => name === `col${j + 1}`);
  if (numbered(points.featureNames) || numbered(model.featureNames)) return points.X;
  const names = model.featureNames;
  const missing = names.filter((n) => !points.featureNames.includes(n));
  const extra = points.featureNames.filter((n) => !names.includes(n));
  if (missing.length || extra.length)
    throw new UserError(
      `${points.source}: the columns do not match the model's (${names.join(', ')})` +
        `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not in the model: ${extra.join(', ')}` : ''}` +
        ' (a label column is left out of the features by --label-column)',
    );
  const order = names.map((n) => points.featureNames.indexOf(n));
  if (order.every((j, i) => j === i)) return points.X;
  const { l, d } = points;
  const X = new Float64Array(l * d);
  for (let p = 0; p < l; p++) for (let i = 0; i < d; i++) X[p * d + i] = points.X[p * d + order[i]];
  return X;
}

/** Projections of the m points Z (m × d, row-major): m × r, row-major. */
export async function transform(
  model: KpcaModel,
  Z: Float64Array,
  m: number,
  options: TransformOptions = {},
): Promise<Float64Array> {
  const { l, d, components: r, A } = model;
  return withModelBackend(model, { m, values: Z.length }, options, async (backend, blockSize) => {
    const out = new Float64Array(m * r);
    const block = new Float64Array(Math.min(blockSize, Math.max(m, 1)) * l);
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
    return out;
  });
}
