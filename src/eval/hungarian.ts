/**
 * Minimum-cost assignment (Hungarian algorithm, Kuhn–Munkres) in O(n²m) for an n×m cost matrix
 * (row-major), n ≤ m after transposing if needed: the shortest-augmenting-path form with row and
 * column potentials u, v (reduced costs c_ij − u_i − v_j ≥ 0 throughout), adding one row at a time.
 *
 * Returns, for each row, the column assigned to it; when there are more rows than columns, the
 * rows left without a column get −1. Every column (or every row, whichever are fewer) is used once.
 */
export function hungarian(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  if (cost.length !== rows * cols)
    throw new RangeError(`hungarian: cost has ${cost.length} entries, expected ${rows}×${cols}`);
  for (let k = 0; k < cost.length; k++) {
    if (!Number.isFinite(cost[k])) throw new RangeError(`hungarian: cost entry ${k} is not finite`);
  }
  if (rows <= cols) return assignRows(rows, cols, (i, j) => cost[i * cols + j]);
  // More rows than columns: assign the columns to rows in the transposed problem.
  const colToRow = assignRows(cols, rows, (j, i) => cost[i * cols + j]);
  const rowToCol = new Int32Array(rows).fill(-1);
  colToRow.forEach((i, j) => (rowToCol[i] = j));
  return rowToCol;
}

/** n ≤ m; c(i, j) is the cost of row i in column j. Returns the column of each row. */
function assignRows(n: number, m: number, c: (i: number, j: number) => number): Int32Array {
  // 1-based as in the textbook statement: column 0 is a virtual column holding the row being added.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOf = new Int32Array(m + 1); // rowOf[j]: row (1-based) in column j, 0 if free
  const way = new Int32Array(m + 1); // previous column on the shortest path
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      // Grow the tree by the column with the least reduced cost, shifting potentials by delta.
      used[j0] = 1;
      const i0 = rowOf[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = c(i0 - 1, j - 1) - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOf[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    // Augment along the path back to the virtual column.
    do {
      const j1 = way[j0];
      rowOf[j0] = rowOf[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Int32Array(n);
  for (let j = 1; j <= m; j++) if (rowOf[j] !== 0) result[rowOf[j] - 1] = j - 1;
  return result;
}
