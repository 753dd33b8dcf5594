export const DATA_FORMATS = ['csv', 'tsv', 'libsvm', 'usps'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

/** Extensions that name a format (looked at after removing a trailing `.gz`). */
const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.libsvm': 'libsvm',
  '.svm': 'libsvm',
  '.svmlight': 'libsvm',
};

/** The format a file name's extension promises, if any. */
export function formatFromExtension(path: string): DataFormat | undefined {
  const base = path.toLowerCase().replace(/\.gz$/, '');
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? EXTENSIONS[base.slice(dot)] : undefined;
}

/**
 * The format of a text data file: its extension when that names one, else its first line. A tab
 * means TSV, a comma CSV; whitespace-separated tokens after the first that all look like
 * `index:value` mean LIBSVM; anything else whitespace-separated is read as USPS-style
 * "label then values" (which is how `zip.train.gz` is recognized).
 */
export function detectFormat(name: string, firstLine: string): DataFormat {
  const byExtension = formatFromExtension(name);
  if (byExtension) return byExtension;
  if (firstLine.includes('\t')) return 'tsv';
  if (firstLine.includes(',')) return 'csv';
  const tokens = firstLine.trim().split(/\s+/);
  if (tokens.length > 1 && tokens.slice(1).every((t) => /^\d+:/.test(t))) return 'libsvm';
  return 'usps';
}
