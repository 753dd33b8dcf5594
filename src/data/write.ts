import { gzipSync } from 'zlib';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { Dataset } from './dataset';
import { DataFormat } from './format';
import { formatNumber } from './numbers';

/**
 * Write a data set atomically (a failed write leaves any previous file intact). Numbers are
 * written as the shortest decimal that reads back to the same float64, so write → load is
 * bit-identical. A path ending in `.gz` is gzip-compressed.
 *
 * - csv / tsv: a header with the feature names, then a `label` column last when there are labels.
 *   Without labels, a feature named label, class or y would be taken as the labels when read
 *   back by default; read such files with `labelColumn: false` (`--no-label-column`).
 * - libsvm: `label index:value ...` with 1-based indices, zeros left out; needs labels.
 * - usps: `label value value ...`, whitespace separated; needs labels.
 */
export async function writeDataset(ds: Dataset, path: string, format: DataFormat = 'csv'): Promise<void> {
  const text = Buffer.from(formatDataset(ds, format));
  await writeFileAtomic(path, path.toLowerCase().endsWith('.gz') ? gzipSync(text) : text);
}

/** The text `writeDataset` writes (for stdout). */
export function formatDataset(ds: Dataset, format: DataFormat = 'csv'): string {
  const lines =
    format === 'csv' || format === 'tsv'
      ? delimitedLines(ds, format === 'csv' ? ',' : '\t')
      : labelFirstLines(ds, format);
  return lines.join('');
}

function delimitedLines(ds: Dataset, delimiter: string): string[] {
  const lines: string[] = [];
  const header = ds.featureNames.map((name) => quoteField(name, delimiter));
  if (ds.labels) {
    const clash = ds.featureNames.find((name) => name.toLowerCase() === 'label');
    if (clash !== undefined)
      throw new UserError(
        `cannot write the labels: a feature is already named "${clash}", which the label column needs; rename that feature`,
      );
    header.push('label');
  }
  lines.push(`${header.join(delimiter)}\n`);
  for (let i = 0; i < ds.l; i++) {
    const fields = new Array<string>(ds.d);
    for (let j = 0; j < ds.d; j++) fields[j] = formatNumber(ds.X[i * ds.d + j]);
    if (ds.labels) fields.push(quoteField(ds.labels[i], delimiter));
    lines.push(`${fields.join(delimiter)}\n`);
  }
  return lines;
}

/** USPS and LIBSVM both put the label first; LIBSVM writes only non-zero entries with their index. */
function labelFirstLines(ds: Dataset, format: 'libsvm' | 'usps'): string[] {
  const labels = ds.labels;
  if (!labels)
    throw new UserError(
      `${format} files need a label on every line, and this data set has no labels; write csv or tsv instead`,
    );
  const lines: string[] = [];
  for (let i = 0; i < ds.l; i++) {
    if (labels[i] === '' || /\s/.test(labels[i]))
      throw new UserError(
        `${format} labels cannot be empty or contain whitespace; row ${i + 1} has the label "${labels[i]}"`,
      );
    const fields = [labels[i]];
    for (let j = 0; j < ds.d; j++) {
      const x = ds.X[i * ds.d + j];
      if (format === 'usps') fields.push(formatNumber(x));
      // -0 is written, so that it reads back as -0 and the round trip stays bit-identical.
      else if (!Object.is(x, 0)) fields.push(`${j + 1}:${formatNumber(x)}`);
    }
    lines.push(`${fields.join(' ')}\n`);
  }
  return lines;
}

/** Quote a CSV/TSV field when the reader would otherwise split it, or trim it. */
function quoteField(text: string, delimiter: string): string {
  const needsQuotes = text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim();
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}
