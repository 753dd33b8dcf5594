import { NumericalError } from '../errors';
import { Rng } from './rng';

/** Norm ratio below which a row counts as linearly dependent on the rows before it. */
const DEPENDENCE_TOL = 1e-10;
/** Random refills tried for a dependent row before giving up (each one almost surely succeeds). */
const MAX_REFILLS = 5;

/**
 * Orthonormalize, in place, the b rows of `block` (b×l row-major) against the first `basisRows` rows
 * of `basis` (orthonormal rows of length l) and among themselves: the Q factor of a QR decomposition
 * of the rows, with the basis rows in front.
 *
 * Row i is made orthogonal to every earlier row q (basis rows, then block rows 0..i−1) by modified
 * Gram–Schmidt, x ← x − (q·x) q, and the sweep is done twice ("twice is enough": Giraud, Langou &
 * Rozložník 2005), which keeps ‖QQᵀ − I‖ at rounding level even when the rows are nearly dependent.
 * A row whose norm falls below 1e-10 of its norm before the sweeps is dependent (a breakdown); it is
 * replaced by a random normal vector from `rng` and orthogonalized again, so b orthonormal rows
 * always come back (this needs basisRows + b ≤ l). Returns how many rows were replaced.
 */
export function orthonormalizeRows(
  block: Float64Array,
  b: number,
  l: number,
  basis: Float64Array,
  basisRows: number,
  rng: Rng,
): number {
  if (basisRows + b > l) {
    throw new RangeError(`orthonormalizeRows: ${basisRows} + ${b} rows cannot be orthonormal in dimension ${l}`);
  }
  let replaced = 0;
  for (let i = 0; i < b; i++) {
    const x = block.subarray(i * l, (i + 1) * l);
    for (let attempt = 0; ; attempt++) {
      const before = norm(x);
      for (let sweep = 0; sweep < 2; sweep++) {
        for (let q = 0; q < basisRows; q++) subtractProjection(x, basis, q * l, l);
        for (let q = 0; q < i; q++) subtractProjection(x, block, q * l, l);
      }
      const after = norm(x);
      if (after > DEPENDENCE_TOL * before) {
        for (let j = 0; j < l; j++) x[j] /= after;
        break;
      }
      if (attempt === MAX_REFILLS) {
        throw new NumericalError(`orthonormalizeRows: could not complete an orthonormal basis (row ${i})`);
      }
      for (let j = 0; j < l; j++) x[j] = rng.normal();
      replaced++;
    }
  }
  return replaced;
}

/** x ← x − (q·x) q for the unit row q = v[off .. off+l). */
function subtractProjection(x: Float64Array, v: Float64Array, off: number, l: number): void {
  let s = 0;
  for (let j = 0; j < l; j++) s += v[off + j] * x[j];
  if (s === 0) return;
  for (let j = 0; j < l; j++) x[j] -= s * v[off + j];
}

function norm(x: Float64Array): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j] * x[j];
  return Math.sqrt(s);
}
