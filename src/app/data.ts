import { Dataset } from '../data/dataset';
import { DataFormat, formatFromExtension } from '../data/format';
import { loadDataset, LoadOptions } from '../data/load';
import { isNumeric } from '../data/numbers';
import { writeDataset } from '../data/write';

export interface ColumnSummary {
  name: string;
  /** over the finite values; null when the column has none */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** NaN and ±Infinity values (the readers refuse them, but data sets built in code may have some) */
  nonFinite: number;
}

export interface DataInfo {
  source: string;
  rows: number;
  columns: number;
  /** rows per label, in label order (numeric labels numerically); null when unlabeled */
  labelCounts: Array<{ label: string; count: number }> | null;
  nonFinite: number;
  features: ColumnSummary[];
}

/** A summary of a data set: shape, classes and per-column ranges. */
export function dataInfo(ds: Dataset): DataInfo {
  const features: ColumnSummary[] = ds.featureNames.map((name, j) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let finite = 0;
    for (let i = 0; i < ds.l; i++) {
      const x = ds.X[i * ds.d + j];
      if (!Number.isFinite(x)) continue;
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
      finite++;
    }
    return finite === 0
      ? { name, min: null, max: null, mean: null, nonFinite: ds.l }
      : { name, min, max, mean: sum / finite, nonFinite: ds.l - finite };
  });
  return {
    source: ds.source,
    rows: ds.l,
    columns: ds.d,
    labelCounts: ds.labels ? countLabels(ds.labels) : null,
    nonFinite: features.reduce((n, f) => n + f.nonFinite, 0),
    features,
  };
}

function countLabels(labels: string[]): Array<{ label: string; count: number }> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const numeric = [...counts.keys()].every(isNumeric);
  const order = [...counts.keys()].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  return order.map((label) => ({ label, count: counts.get(label) as number }));
}

/**
 * A warning when the label column was chosen by default (a column named label, class or y) but looks
 * like a feature: numbers, more than half of them distinct (a plain `x,y` file would otherwise be
 * fitted as one feature with hundreds of "classes").
 */
export function labelColumnWarning(ds: Dataset, labelColumn: LoadOptions['labelColumn']): string | undefined {
  if (labelColumn !== undefined || !ds.labels || ds.l < 10) return undefined;
  const distinct = new Set(ds.labels);
  if (distinct.size <= ds.l / 2 || ![...distinct].every(isNumeric)) return undefined;
  return (
    `${ds.source}: the column named label, class or y was taken as the labels but holds ${distinct.size} distinct numbers ` +
    `in ${ds.l} rows; if it is a feature, pass --no-label-column`
  );
}

export interface ConvertOptions extends LoadOptions {
  /** output format; default from the output's extension, else csv */
  to?: DataFormat;
}

/** Read any supported input and write it in another format; returns what was written. */
export async function convertData(
  input: string,
  output: string,
  opts: ConvertOptions = {},
): Promise<{ rows: number; columns: number; format: DataFormat; output: string }> {
  const ds = await loadDataset(input, opts);
  const format = opts.to ?? formatFromExtension(output) ?? 'csv';
  await writeDataset(ds, output, format);
  return { rows: ds.l, columns: ds.d, format, output };
}
