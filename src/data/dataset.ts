/** A data set in memory: l points of dimension d, row-major float64, with optional labels. */
export interface Dataset {
  /** l × d, row-major */
  X: Float64Array;
  /** number of points */
  l: number;
  /** number of features */
  d: number;
  /** one label per point, as read (numeric labels keep their text form, e.g. "6") */
  labels?: string[];
  /** feature names from a header, or col1..coln */
  featureNames: string[];
  /** where it came from: a path, "-" for stdin, or a built-in name such as "mnist:2000" */
  source: string;
}

/** `col1` … `cold`: the feature names of data without a header. */
export function numberedFeatureNames(d: number): string[] {
  return Array.from({ length: d }, (_, j) => `col${j + 1}`);
}
