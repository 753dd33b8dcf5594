import type { RowSource } from '../kernels/rowSource';

/**
 * A symmetric l×l matrix M seen only through products with blocks of vectors.
 * Layout (both ways): b vectors of length l stored one after another, i.e. a b×l row-major array
 * (equivalently l×b column-major): V[c·l + j] is entry j of vector c. Returns M·V in the same layout.
 * May be asynchronous (a Gram-row backend).
 */
export type BlockMultiply = (V: Float64Array, b: number) => Float64Array | Promise<Float64Array>;

/**
 * Block product with a dense symmetric l×l matrix (row-major, float64 or float32; float32 entries are
 * used exactly, sums are in float64). Each row of M is read once per call and dotted with four
 * vectors at a time, so the cost is one sweep of M plus b·l² multiply–adds.
 */
export function denseMultiply(M: Float64Array | Float32Array, l: number): BlockMultiply {
  if (M.length !== l * l) throw new RangeError(`denseMultiply: matrix has ${M.length} entries, expected ${l}×${l}`);
  return (V: Float64Array, b: number): Float64Array => {
    const out = new Float64Array(b * l);
    for (let i = 0; i < l; i++) rowTimesBlock(M, i * l, V, b, l, out, i);
    return out;
  };
}

/**
 * Block product with a matrix that hands out rows (the engine's RowSource), rowsPerCall rows a call.
 */
export function rowSourceMultiply(source: RowSource, rowsPerCall = 256): BlockMultiply {
  const l = source.l;
  return async (V: Float64Array, b: number): Promise<Float64Array> => {
    const out = new Float64Array(b * l);
    const buffer = new Float64Array(Math.min(rowsPerCall, l) * l);
    for (let start = 0; start < l; start += rowsPerCall) {
      const count = Math.min(rowsPerCall, l - start);
      const indices = Array.from({ length: count }, (_, k) => start + k);
      await source.rows(indices, buffer);
      for (let k = 0; k < count; k++) rowTimesBlock(buffer, k * l, V, b, l, out, start + k);
    }
    return out;
  };
}

/** out[c·l + i] = Σ_j row[j]·V[c·l + j] for c < b, with row = M[off .. off+l). */
function rowTimesBlock(
  M: Float64Array | Float32Array,
  off: number,
  V: Float64Array,
  b: number,
  l: number,
  out: Float64Array,
  i: number,
): void {
  let c = 0;
  for (; c + 4 <= b; c += 4) {
    const v0 = c * l;
    const v1 = v0 + l;
    const v2 = v1 + l;
    const v3 = v2 + l;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < l; j++) {
      const m = M[off + j];
      s0 += m * V[v0 + j];
      s1 += m * V[v1 + j];
      s2 += m * V[v2 + j];
      s3 += m * V[v3 + j];
    }
    out[v0 + i] = s0;
    out[v1 + i] = s1;
    out[v2 + i] = s2;
    out[v3 + i] = s3;
  }
  for (; c < b; c++) {
    const v0 = c * l;
    let s = 0;
    for (let j = 0; j < l; j++) s += M[off + j] * V[v0 + j];
    out[v0 + i] = s;
  }
}
