/**
 * Model files: the container of `io/container.ts` with kind "model". The header holds the kernel
 * and its parameters, centering statistics' scalars, schedule, seed and data hash; the arrays
 * (X, row means, A, eigenvalues) are float64 little-endian.
 *
 * Format versions this build reads: 1. When the format changes, bump MODEL_FORMAT_VERSION, keep a
 * reader for the old one here, and add a fixture under test/fixtures/models/.
 */
import { UserError } from '../errors';
import { readContainer, writeContainer } from '../io/container';
import type { KpcaModel } from './model';

export const MODEL_FORMAT_VERSION = 1;
const READABLE_VERSIONS = [1] as const;

type ModelHeader = Omit<KpcaModel, 'X' | 'rowMeans' | 'A' | 'eigenvalues'>;

export async function saveModel(path: string, model: KpcaModel): Promise<void> {
  const { X, rowMeans, A, eigenvalues, ...header } = model;
  await writeContainer<ModelHeader>(path, 'model', MODEL_FORMAT_VERSION, header, { X, rowMeans, A, eigenvalues });
}

export async function loadModel(path: string): Promise<KpcaModel> {
  const { meta, arrays } = await readContainer<ModelHeader>(path, 'model', READABLE_VERSIONS);
  const model = { ...meta, X: arrays.X, rowMeans: arrays.rowMeans, A: arrays.A, eigenvalues: arrays.eigenvalues } as KpcaModel;
  const { l, d, components: r } = model;
  const expect = (name: string, actual: number | undefined, wanted: number) => {
    if (actual !== wanted) throw new UserError(`${path}: not a usable model file: ${name} has ${actual} values, expected ${wanted} (l=${l}, d=${d}, r=${r})`);
  };
  expect('X', model.X?.length, l * d);
  expect('rowMeans', model.rowMeans?.length, l);
  expect('A', model.A?.length, r * l);
  expect('eigenvalues', model.eigenvalues?.length, r);
  return model;
}
