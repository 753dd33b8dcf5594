/**
 * The r × l work of the factored form: the sweeps over C, CK and D (dot products, the rank-one
 * update of CK, the fold), in JS here and in WebAssembly in ../../wasm/wasmUpdate.ts. Arrays passed
 * in must come from `allocate` (a WebAssembly implementation reads them in its own memory).
 */
import { jsBlockProducts, type BlockProducts } from '../blocked';

/** D ← E D + F C (when D is given), then C ← G C and CK ← G CK (when given) */
export type Fold = (
  C: Float64Array,
  CK: Float64Array | null,
  D: Float64Array | null,
  G: Float64Array,
  F: Float64Array,
  E: Float64Array,
) => void;

export interface FactoredSweeps {
  /** a zeroed float64 array the sweeps can read and write (views stay valid for the engine's life) */
  readonly allocate: (length: number) => Float64Array; // a property: callers pass it on unbound
  /** y_i = X_i · k for i < r */
  dotRows(X: Float64Array, k: Float64Array, y: Float64Array): void;
  /** h_i = X_i · k with the old row, then X_i ← X_i + δ_i k */
  dotAxpyRows(X: Float64Array, k: Float64Array, delta: Float64Array, h: Float64Array): void;
  /** D ← E D + F C (when D is given), then C ← G C and CK ← G CK (when given) */
  fold: Fold;
  /** the blocked form's matrix products, on the same memory */
  readonly products: BlockProducts;
}

/** Columns [from, to) of the fold, in plain JS (the JS sweeps, and the wasm fold's odd last column). */
export function foldColumns(
  C: Float64Array,
  CK: Float64Array | null,
  D: Float64Array | null,
  G: Float64Array,
  F: Float64Array,
  E: Float64Array,
  r: number,
  l: number,
  from: number,
  to: number,
): void {
  const c = new Float64Array(r);
  const lowerTimes = (X: Float64Array, L: Float64Array, j: number) => {
    for (let q = 0; q < r; q++) c[q] = X[q * l + j];
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0; q <= i; q++) acc += L[i * r + q] * c[q];
      X[i * l + j] = acc;
    }
  };
  for (let j = from; j < to; j++) {
    if (D) {
      lowerTimes(D, E, j);
      for (let i = 0; i < r; i++) {
        let acc = D[i * l + j];
        for (let q = 0; q < r; q++) acc += F[i * r + q] * C[q * l + j];
        D[i * l + j] = acc;
      }
    }
    lowerTimes(C, G, j);
    if (CK) lowerTimes(CK, G, j);
  }
}

/** The sweeps in plain JS (runtimes without WebAssembly SIMD, and tests). */
export function jsFactoredSweeps(r: number, l: number): FactoredSweeps {
  return {
    allocate: (length) => new Float64Array(length),
    dotRows(X, k, y) {
      for (let i = 0; i < r; i++) {
        let acc = 0;
        for (let j = 0, at = i * l; j < l; j++, at++) acc += X[at] * k[j];
        y[i] = acc;
      }
    },
    dotAxpyRows(X, k, delta, h) {
      for (let i = 0; i < r; i++) {
        const d = delta[i];
        let acc = 0;
        for (let j = 0, at = i * l; j < l; j++, at++) {
          const x = X[at];
          acc += x * k[j];
          X[at] = x + d * k[j];
        }
        h[i] = acc;
      }
    },
    fold: (C, CK, D, G, F, E) => foldColumns(C, CK, D, G, F, E, r, l, 0, l),
    products: jsBlockProducts(l),
  };
}
