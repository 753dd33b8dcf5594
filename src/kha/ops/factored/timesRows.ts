import type { FactoredSweeps } from './sweeps';

/**
 * The exact A K′ passes' product out[i·n + b] = X_i · rows_b (X: r × l, copied into the sweeps'
 * memory), in the sweeps' block products, a chunk of rows at a time.
 */
export function timesRows(
  sweeps: FactoredSweeps,
  r: number,
  l: number,
): (X: Float64Array, rows: Float64Array, n: number, out: Float64Array) => void {
  // X's copy and the output, in the sweeps' memory (allocated on first use)
  let sourceX: Float64Array | null = null;
  let sourceOut: Float64Array | null = null;
  return (X, rows, n, out) => {
    if (X.length !== r * l) throw new RangeError(`timesRows: X has ${X.length} values, not r·l = ${r * l}`);
    (sourceX ??= sweeps.allocate(r * l)).set(X);
    const width = (sourceOut ??= sweeps.allocate(r * n)).length / r;
    for (let from = 0; from < n; from += width) {
      const count = Math.min(width, n - from);
      sweeps.products.timesTransposed(sourceX, r, rows.subarray(from * l, (from + count) * l), count, sourceOut);
      for (let i = 0; i < r; i++) out.set(sourceOut.subarray(i * count, (i + 1) * count), i * n + from);
    }
  };
}
