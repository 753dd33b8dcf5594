import { createHash } from 'crypto';
import { Dataset } from './dataset';

/**
 * A content hash of a data set, for model files (which data was this fitted on?) and caches.
 * sha256 over the dimensions, the bytes of X (float64, little-endian on every platform Node runs
 * on in practice) and the labels. Feature names and the source are left out: the same numbers
 * loaded from a CSV or a USPS file hash the same.
 */
export function datasetHash(ds: Dataset): string {
  const hash = createHash('sha256');
  hash.update(`kpca-dataset-v1 l=${ds.l} d=${ds.d}\n`);
  hash.update(new Uint8Array(ds.X.buffer, ds.X.byteOffset, ds.l * ds.d * Float64Array.BYTES_PER_ELEMENT));
  // JSON keeps the label list unambiguous ("a,b" vs "a","b") and tells "no labels" (null) apart.
  hash.update(`\nlabels ${JSON.stringify(ds.labels ?? null)}`);
  return hash.digest('hex');
}
