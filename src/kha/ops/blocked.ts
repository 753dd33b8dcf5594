/**
 * The blocked (delayed) form of the factored update (docs/ALGORITHMS.md, "The blocked (delayed)
 * update"). Inside a block of n steps on the rows k'_b = K' e_{p_b} (b < n, all p_b distinct) the
 * factored iterate changes only in the r × r factors, in columns p_b of C and D, and in CK by
 * rank-one terms δ_b k'_bᵀ plus the refresh of its columns p_b. So with C₀, D₀, CK₀ at the block's
 * start and R the n × l block of rows:
 *
 *     C k'_b  = (C₀ Rᵀ)_b  + Σ_{b'<b} δ_b' K'[p_b', p_b]          (D likewise, with ε)
 *     CK k'_b = (CK₀ Rᵀ)_b + Σ_{b'<b} δ_b' (R Rᵀ)_b'b + Σ_{b'≤b} ρ_b' K'[p_b', p_b]
 *     CK e_p_b = CK₀ e_p_b + Σ_{b'<b} δ_b' K'[p_b', p_b]
 *
 * (ρ_b: the refresh of CK's column p_b). The products C₀ Rᵀ, D₀ Rᵀ, CK₀ Rᵀ (r × n) and R Rᵀ (n × n)
 * are taken once per block, every step then costs O(r·n + r²), and the block ends with one product
 * CK ← CK + Δ R (Δ = [δ_0 … δ_{n−1}], r × n) before the fold. A fold inside the block (a small
 * diagonal of G or E) applies the deferred product, folds, and takes the products again for the
 * block's remaining rows.
 */
import type { ResidentRows } from '../../kernels/residentRows';
import type { FactoredColumns, FactoredSweeps } from './factored';
import { residentBlock } from './residentBlock';

/**
 * The matrix products of a block. Arrays must come from the sweeps' `allocate` (a WebAssembly
 * implementation reads them in its own memory); matrices are row-major with rows of l values.
 */
export interface BlockProducts {
  /** out[i·stride + b] = X_i · Y_b for i < m, b < n (X: m × l, Y: n × l; stride default n) */
  timesTransposed(X: Float64Array, m: number, Y: Float64Array, n: number, out: Float64Array, stride?: number): void;
  /** X ← X + H Y for X: m × l, H: m × n with rows `stride` apart, Y: n × l */
  addProduct(X: Float64Array, m: number, H: Float64Array, stride: number, n: number, Y: Float64Array): void;
}

/** The products in plain JS, register-blocked two by two (runtimes without WebAssembly SIMD, and tests). */
export function jsBlockProducts(l: number): BlockProducts {
  return {
    timesTransposed(X, m, Y, n, out, stride = n) {
      for (let i = 0; i < m; i += 2) {
        const x0 = i * l;
        const x1 = i + 1 < m ? x0 + l : x0; // the odd last row twice, stored once
        for (let b = 0; b < n; b += 2) {
          const y0 = b * l;
          const y1 = b + 1 < n ? y0 + l : y0;
          let s00 = 0;
          let s01 = 0;
          let s10 = 0;
          let s11 = 0;
          for (let j = 0; j < l; j++) {
            const a0 = X[x0 + j];
            const a1 = X[x1 + j];
            const c0 = Y[y0 + j];
            const c1 = Y[y1 + j];
            s00 += a0 * c0;
            s01 += a0 * c1;
            s10 += a1 * c0;
            s11 += a1 * c1;
          }
          out[i * stride + b] = s00;
          if (b + 1 < n) out[i * stride + b + 1] = s01;
          if (i + 1 < m) {
            out[(i + 1) * stride + b] = s10;
            if (b + 1 < n) out[(i + 1) * stride + b + 1] = s11;
          }
        }
      }
    },
    addProduct(X, m, H, stride, n, Y) {
      for (let i = 0; i < m; i++) {
        const x = i * l;
        let b = 0;
        for (; b + 4 <= n; b += 4) {
          const [h0, h1, h2, h3] = [
            H[i * stride + b],
            H[i * stride + b + 1],
            H[i * stride + b + 2],
            H[i * stride + b + 3],
          ];
          const y = b * l;
          for (let j = 0; j < l; j++)
            X[x + j] += h0 * Y[y + j] + h1 * Y[y + l + j] + h2 * Y[y + 2 * l + j] + h3 * Y[y + 3 * l + j];
        }
        for (; b < n; b++) {
          const h = H[i * stride + b];
          const y = b * l;
          for (let j = 0; j < l; j++) X[x + j] += h * Y[y + j];
        }
      }
    },
  };
}

/** Rows of R Rᵀ per product: a band takes (band + 1)/2n of the full product's extra work. */
const RRT_BAND = 8;

/**
 * The columns of the factored ops a block at a time (see above). `blockSize`: the most rows a
 * block has (the engine's); its buffers come from the sweeps' `allocate`. With `resident`, the
 * rows stay on a device and so do CK and the block's products (residentBlock.ts): the engine's
 * rows hold only the block's corner, and the columns of CK the steps read come from the device.
 */
export function blockedColumns(
  r: number,
  l: number,
  blockSize: number,
  sweeps: FactoredSweeps,
  products: BlockProducts,
  resident?: ResidentRows,
): FactoredColumns {
  const rn = r * blockSize;
  // the block's products, r × n (n × n for R Rᵀ), and the changes of its steps so far, r × n (column b: step b)
  const [PC, PD, PCK, histC, histD, histCK, histRho] = Array.from({ length: 7 }, () => sweeps.allocate(rn));
  const RRt = sweeps.allocate(blockSize * blockSize);
  const kp = new Float64Array(blockSize); // k'_b[p_b'] for b' ≤ b, of the step in progress
  let indices: Int32Array = new Int32Array(0);
  let rows: Float64Array = new Float64Array(0);
  let count = 0;
  let C: Float64Array = new Float64Array(0);
  let CK: Float64Array | null = null;
  let D: Float64Array | null = null;
  let start = 0; // the segment's first row in the block (a fold inside the block starts a new segment)
  let n = 0; // rows in the segment
  let b = 0; // steps done in the segment
  let active = false;
  const device = resident ? residentBlock(r, blockSize, resident) : null;

  const segmentRows = () => rows.subarray(start * l, (start + n) * l);
  /** The products for rows start .. count − 1, from the plain iterate. */
  const beginSegment = () => {
    n = count - start;
    b = 0;
    if (device) return device.segment(start, n, { PC, PD, PCK, RRt });
    const R = segmentRows();
    products.timesTransposed(C, r, R, n, PC);
    if (D) products.timesTransposed(D, r, R, n, PD);
    if (CK) {
      products.timesTransposed(CK, r, R, n, PCK);
      // R Rᵀ above the diagonal only (step b reads (R Rᵀ)_b'b for b' < b): rows of it a band at a time
      for (let q = 0; q < n - 1; q += RRT_BAND) {
        const rows = Math.min(RRT_BAND, n - 1 - q);
        products.timesTransposed(
          R.subarray(q * l, (q + rows) * l),
          rows,
          R.subarray((q + 1) * l),
          n - q - 1,
          RRt.subarray(q * n + q + 1),
          n,
        );
      }
    }
  };
  /** CK takes in the deferred rank-one terms of the segment's steps so far. */
  const flush = () => {
    if (device) device.flush(start, n, b, histCK, histRho);
    else if (CK && b > 0) products.addProduct(CK, r, histCK, n, b, segmentRows());
  };
  /** Σ_{b'<b} H[:, b'] K'[p_b', p] for the step in progress, into out (added) */
  const corrections = (H: Float64Array, out: Float64Array, upTo: number) => {
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0, at = i * n; q < upTo; q++, at++) acc += H[at] * kp[q];
      out[i] += acc;
    }
  };
  const record = (H: Float64Array, v: Float64Array) => {
    for (let i = 0; i < r; i++) H[i * n + b] = v[i];
  };

  return {
    prepareBlock: device?.prepare,
    settle: device
      ? async (CK0) => {
          // the steps so far go to the device, and this side's CK becomes the device's
          flush();
          start += b;
          b = 0;
          await device.settle(CK0);
        }
      : undefined,
    invalidate: device?.invalidate,
    beginBlock(C0, CK0, D0, blockIndices, blockRows, blockCount) {
      if (blockCount > blockSize)
        throw new RangeError(`blocked update: a block of ${blockCount} rows exceeds blockSize ${blockSize}`);
      [C, CK, D, indices, rows, count] = [C0, CK0, D0, blockIndices, blockRows, blockCount];
      start = 0;
      active = true;
      beginSegment();
    },
    project(_C, _D, k, c, d) {
      if (!active) throw new Error('blocked update: a step outside a block (call beginBlock first)');
      for (let q = 0; q <= b; q++) kp[q] = k[indices[start + q]];
      for (let i = 0; i < r; i++) c[i] = PC[i * n + b];
      corrections(histC, c, b);
      if (D) {
        for (let i = 0; i < r; i++) d[i] = PD[i * n + b];
        corrections(histD, d, b);
      }
    },
    columnCK(CK0, p, out) {
      const R = rows.subarray(start * l);
      for (let i = 0; i < r; i++) {
        let acc = device ? device.columnCK(i, start + b) : CK0[i * l + p];
        for (let q = 0; q < b; q++) acc += histCK[i * n + q] * R[q * l + p];
        out[i] = acc;
      }
    },
    setColumnCK(CK0, p, v, old) {
      for (let i = 0; i < r; i++) {
        const change = v[i] - old[i];
        histRho[i * n + b] = change;
        if (!device) CK0[i * l + p] += change; // the device's CK takes the changes from histRho at the flush
      }
    },
    dotAxpyCK(_CK, _k, delta, h) {
      for (let i = 0; i < r; i++) {
        let acc = PCK[i * n + b];
        for (let q = 0; q < b; q++) acc += histCK[i * n + q] * RRt[q * n + b];
        for (let q = 0; q <= b; q++) acc += histRho[i * n + q] * kp[q];
        h[i] = acc;
      }
      record(histCK, delta);
    },
    addColumn(X, p, v, which) {
      for (let i = 0; i < r; i++) X[i * l + p] += v[i];
      record(which === 'C' ? histC : histD, v);
    },
    endStep() {
      b++;
    },
    fold(C0, CK0, D0, G, F, E) {
      flush();
      device?.fold(start, n, b, { histC, histD, histCK, histRho, RRt }, G, F, E, !!CK0, !!D0);
      sweeps.fold(C0, device && !device.foldsCK() ? null : CK0, D0, G, F, E);
      start += b;
      if (active && start < count) beginSegment();
      else b = 0;
    },
    endBlock() {
      flush();
      device?.endBlock();
      active = false;
      b = 0;
    },
  };
}
