import { UserError } from '../errors';
import { parseBuiltin, loadMnist } from './builtins';
import { Dataset } from './dataset';
import { DataFormat, detectFormat } from './format';
import { LabelColumn, readDelimited } from './readers/delimited';
import { readLibsvm } from './readers/libsvm';
import { readUsps } from './readers/usps';
import { openTextSource } from './textSource';

export interface LoadOptions {
  /**
   * CSV/TSV only: the label column, by header name or 1-based column number (as in error
   * messages); `false` for none. Default: a column named label, class or y, if there is a header.
   */
  labelColumn?: LabelColumn;
  /** LIBSVM: the number of features (default: the largest index seen); other formats ignore it. */
  features?: number;
  /** Skip detection (by extension, then by content). */
  format?: DataFormat;
  /** The stream to read for source `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/**
 * Load a data set from a path, `-` (stdin), or a built-in name (`mnist:N[:14]`, `usps`,
 * `usps-test`). Files may be gzip-compressed (recognized by content). Any problem with the input
 * is a DataError located as `file:line:column` (column = 1-based field number).
 */
export async function loadDataset(source: string, opts: LoadOptions = {}): Promise<Dataset> {
  const builtin = parseBuiltin(source);
  if (builtin && opts.labelColumn !== undefined && opts.labelColumn !== false)
    throw new UserError(
      `--label-column: ${source} is a built-in data set with its own labels; the option applies to CSV/TSV files`,
    );
  if (builtin?.kind === 'mnist') return loadMnist(builtin.n, builtin.side, builtin.shifted);
  const path = builtin ? builtin.path : source;
  const text = await openTextSource(path, opts.stdin);
  const format = opts.format ?? detectFormat(text.name, text.firstLine);
  if (opts.labelColumn !== undefined && opts.labelColumn !== false && format !== 'csv' && format !== 'tsv')
    throw new UserError(
      `${text.name}: a label column can only be chosen for CSV/TSV; in ${format} files the label is the first field of each line`,
    );
  const table =
    format === 'csv' || format === 'tsv'
      ? await readDelimited(text, format === 'csv' ? ',' : '\t', opts.labelColumn)
      : format === 'libsvm'
        ? await readLibsvm(text, opts.features)
        : await readUsps(text);
  return { ...table, source };
}
