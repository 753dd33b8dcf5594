import { DataError } from '../../errors';
import { Dataset, numberedFeatureNames } from '../dataset';
import { forEachLine } from '../lines';
import { normalizeLabel, numberFieldError, parseFieldAt } from '../numbers';
import { GrowableFloat64Array } from '../rowAccumulator';
import { TextSource } from '../textSource';

const INDEX = /^[1-9]\d*$/;

/**
 * LIBSVM / SVMlight sparse rows: `label index:value index:value ...`, indices 1-based and
 * increasing, absent entries 0, d = the largest index seen. Entries are collected sparse and
 * expanded once d is known. Columns in messages are field numbers, the label being field 1.
 * `features` gives d (the file cannot show trailing features that are zero in every row); an index
 * above it is refused.
 */
export async function readLibsvm(src: TextSource, features?: number): Promise<Omit<Dataset, 'source'>> {
  const labels: string[] = [];
  const rowStart: number[] = [];
  const indices = new GrowableFloat64Array();
  const values = new GrowableFloat64Array();
  let d = 0;
  await forEachLine(src.chunks, (text, line) => {
    const fields = text.trim().split(/\s+/);
    if (fields[0] === '') return;
    rowStart.push(indices.length);
    labels.push(normalizeLabel(fields[0]));
    let previous = 0;
    for (let j = 1; j < fields.length; j++) {
      const colon = fields[j].indexOf(':');
      const indexText = colon < 0 ? fields[j] : fields[j].slice(0, colon);
      if (colon < 0 || !INDEX.test(indexText))
        throw new DataError(
          src.name,
          `expected index:value with a 1-based integer index, found "${fields[j]}"`,
          line,
          j + 1,
        );
      const index = Number(indexText);
      if (index <= previous)
        throw new DataError(
          src.name,
          `feature index ${index} is not greater than the one before it (${previous}); indices must increase along a row`,
          line,
          j + 1,
        );
      const value = parseFieldAt(fields[j], colon + 1, fields[j].length);
      if (Number.isNaN(value)) throw numberFieldError(src.name, fields[j].slice(colon + 1), line, j + 1);
      if (features !== undefined && index > features)
        throw new DataError(src.name, `feature index ${index} is above --features ${features}`, line, j + 1);
      indices.push(index - 1);
      values.push(value);
      previous = index;
    }
    if (previous > d) d = previous;
  });
  if (features !== undefined) d = features;
  if (d === 0) throw new DataError(src.name, 'no feature values in any row: expected lines like "label 1:0.5 3:2"');
  const l = labels.length;
  const X = new Float64Array(l * d);
  rowStart.push(indices.length);
  for (let i = 0; i < l; i++) {
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) X[i * d + indices.get(k)] = values.get(k);
  }
  return { X, l, d, labels, featureNames: numberedFeatureNames(d) };
}
