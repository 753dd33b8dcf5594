/** Cluster labels: any values compared with ===, e.g. Int32Array assignments or label strings. */
export type Labels = ArrayLike<string | number>;

/**
 * Contingency table of two labelings of the same n points: counts[i·cols + j] = n_ij, the number of
 * points with the i-th distinct value of `a` and the j-th distinct value of `b` (values numbered in
 * order of first appearance). rowSums a_i = Σ_j n_ij, colSums b_j = Σ_i n_ij.
 */
export interface ContingencyTable {
  rows: number;
  cols: number;
  n: number;
  counts: Float64Array;
  rowSums: Float64Array;
  colSums: Float64Array;
}

export function contingencyTable(a: Labels, b: Labels): ContingencyTable {
  if (a.length !== b.length)
    throw new RangeError(`contingencyTable: labelings differ in length (${a.length} vs ${b.length})`);
  const n = a.length;
  const ia = encode(a);
  const ib = encode(b);
  const rows = ia.distinct;
  const cols = ib.distinct;
  const counts = new Float64Array(rows * cols);
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  for (let p = 0; p < n; p++) {
    counts[ia.codes[p] * cols + ib.codes[p]]++;
    rowSums[ia.codes[p]]++;
    colSums[ib.codes[p]]++;
  }
  return { rows, cols, n, counts, rowSums, colSums };
}

/** Number the distinct values 0, 1, … in order of first appearance. */
function encode(labels: Labels): { codes: Int32Array; distinct: number } {
  const index = new Map<string | number, number>();
  const codes = new Int32Array(labels.length);
  for (let p = 0; p < labels.length; p++) {
    let code = index.get(labels[p]);
    if (code === undefined) {
      code = index.size;
      index.set(labels[p], code);
    }
    codes[p] = code;
  }
  return { codes, distinct: index.size };
}
