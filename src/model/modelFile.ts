/**
 * Model files: the container of `io/container.ts` with kind "model". The header holds the kernel
 * and its parameters, centering statistics' scalars, schedule, seed and data hash; the arrays
 * (X, row means, A, eigenvalues) are float64 little-endian.
 *
 * Format versions this build reads: 1. When the format changes, bump MODEL_FORMAT_VERSION, keep a
 * reader for the old one here, and add a fixture under test/fixtures/models/.
 */
import { readContainer, writeContainer } from '../io/container';
import { validated } from '../io/schema';
import type { KpcaModel } from './model';
import { checkModel } from './modelSchema';

export const MODEL_FORMAT_VERSION = 1;
const READABLE_VERSIONS = [1] as const;

type ModelHeader = Omit<KpcaModel, 'X' | 'rowMeans' | 'A' | 'eigenvalues'>;

export async function saveModel(path: string, model: KpcaModel): Promise<void> {
  const { X, rowMeans, A, eigenvalues, ...header } = model;
  await writeContainer<ModelHeader>(path, 'model', MODEL_FORMAT_VERSION, header, { X, rowMeans, A, eigenvalues });
}

export async function loadModel(path: string): Promise<KpcaModel> {
  const { meta, arrays } = await readContainer<ModelHeader>(path, 'model', READABLE_VERSIONS);
  return validated(path, 'model file', () => checkModel(meta, arrays));
}
