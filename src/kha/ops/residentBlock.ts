/**
 * The blocked form's products when the rows stay on a device (blocked.ts with a ResidentRows source):
 * the device computes the block's products C₀Rᵀ, CK₀Rᵀ, D₀Rᵀ, RRᵀ and CK's columns p_b once per block,
 * before the block's steps, and keeps CK. A fold inside the block cannot ask the device again (the
 * steps are synchronous), so the remaining rows' products follow from the block's own quantities:
 * with the steps b' < b of the segment done,
 *
 *     C k'_s  = (C₀Rᵀ)_s + Σ_{b'} δ_b' K'[p_b', p_s],   then C ← G C          (D: ε, then D ← E D + F C)
 *     CK k'_s = (CK₀Rᵀ)_s + Σ_{b'} δ_b' (RRᵀ)_b's + Σ_{b'} ρ_b' K'[p_b', p_s],   then CK ← G CK
 *
 * (the same sums the steps use, docs/ALGORITHMS.md). CK's changes are collected as
 * CK ← M CK + H R + Σ_b V_b e_{p_b}ᵀ (a fold multiplies M, H, V by G) and sent to the device at the
 * block's end; this side's CK is brought up to date only when asked (`settle`). C and D (f64) stay
 * here too, and the device's f32 copies follow them: outside the block's columns only the folds
 * change them, [C; D] ← T [C; D] with T = [[G, 0], [F, E]] composed over the block, and the block's
 * columns are sent as they are here (r × B each); the whole of C and D is sent again once a pass.
 */
import type { ResidentRows } from '../../kernels/residentRows';

/** The segment's histories (r × n, column b': step b'), as blocked.ts keeps them, and its R Rᵀ. */
export interface SegmentHistory {
  histC: Float64Array;
  histD: Float64Array;
  histCK: Float64Array;
  histRho: Float64Array;
  RRt: Float64Array;
}

export function residentBlock(r: number, blockSize: number, device: ResidentRows) {
  const rB = r * blockSize;
  // the block's products, r × count (R Rᵀ count × count), relative to the current segment's start
  const PC = new Float64Array(rB);
  const PD = new Float64Array(rB);
  const PCK = new Float64Array(rB);
  const CKcol = new Float64Array(rB);
  const RRt = new Float64Array(blockSize * blockSize);
  // CK's pending change: M CK + H R + V at the block's columns
  const M = new Float64Array(r * r);
  const H = new Float64Array(rB);
  const V = new Float64Array(rB);
  const c = new Float64Array(r);
  const t = new Float64Array(r);
  // [C; D]'s pending transform (k × k, k = r or 2r) and the block's columns of C and D
  const T = new Float64Array(4 * r * r);
  const Tnext = new Float64Array(4 * r * r);
  const columnsCD = new Float64Array(2 * rB);
  let C: Float64Array = new Float64Array(0);
  let D: Float64Array | null = null;
  let k = r;
  let uploadCD = true; // C or D were set from outside, or a pass ended: the device takes them whole
  let rows: Float64Array = new Float64Array(0);
  let indices: Int32Array = new Int32Array(0);
  let count = 0;
  let withCK = false;
  let pending = false; // CK's pending change is not the identity
  let uploadCK = true; // this side's CK was set from outside: the device takes it before the next block
  let hereValid = true; // this side's CK is current (at a fold it is then folded here too)

  const identity = (X: Float64Array, n: number) => {
    X.fill(0);
    for (let i = 0; i < n; i++) X[i * n + i] = 1;
  };
  /** nothing pending (a settle mid-block drops T too: it also has C and D sent whole before the next block) */
  const reset = () => {
    identity(T, k);
    M.fill(0);
    for (let i = 0; i < r; i++) M[i * r + i] = 1;
    H.fill(0);
    V.fill(0);
    pending = false;
  };
  reset();
  const submit = () => {
    if (withCK && pending) device.updateCK(rows, count, M, H, V);
    reset();
  };
  /** T ← [[G, 0], [F, E]] T */
  const composeFold = (G: Float64Array, F: Float64Array, E: Float64Array) => {
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let acc = 0;
        if (i < r) for (let q = 0; q <= i; q++) acc += G[i * r + q] * T[q * k + j];
        else {
          const e = i - r;
          for (let q = 0; q < r; q++) acc += F[e * r + q] * T[q * k + j];
          for (let q = 0; q <= e; q++) acc += E[e * r + q] * T[(r + q) * k + j];
        }
        Tnext[i * k + j] = acc;
      }
    T.set(Tnext.subarray(0, k * k));
  };
  /** K'[p_q, p_s] for block rows q, s (the engine's rows hold the block's corner) */
  const corner = (s: number, q: number) => rows[s * device.l + indices[q]];
  /** out = L v for a lower-triangular r × r L */
  const lowerTimes = (L: Float64Array, v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0; q <= i; q++) acc += L[i * r + q] * v[q];
      out[i] = acc;
    }
  };
  const column = (X: Float64Array, s: number, into: Float64Array) => {
    for (let i = 0; i < r; i++) into[i] = X[i * count + s];
  };
  const setColumn = (X: Float64Array, s: number, v: Float64Array) => {
    for (let i = 0; i < r; i++) X[i * count + s] = v[i];
  };
  /** into += Σ_{q<b} hist[:, q] w(q), hist r × n */
  const addHistory = (into: Float64Array, hist: Float64Array, n: number, b: number, w: (q: number) => number) => {
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let q = 0; q < b; q++) acc += hist[i * n + q] * w(q);
      into[i] += acc;
    }
  };
  /** X ← L X for r × count X, L lower triangular */
  const leftLower = (L: Float64Array, X: Float64Array, width: number) => {
    for (let s = 0; s < width; s++) {
      for (let i = 0; i < r; i++) c[i] = X[i * width + s];
      lowerTimes(L, c, t);
      for (let i = 0; i < r; i++) X[i * width + s] = t[i];
    }
  };

  return {
    /** before the block's steps: its products from the device */
    prepare: async (
      C0: Float64Array,
      CK: Float64Array | null,
      D0: Float64Array | null,
      blockRows: Float64Array,
      blockIndices: Int32Array,
      blockCount: number,
    ): Promise<void> => {
      [rows, indices, count, withCK, C, D, k] = [blockRows, blockIndices, blockCount, !!CK, C0, D0, D0 ? 2 * r : r];
      identity(T, k);
      if (uploadCD) device.uploadCD(C, D);
      if (CK && uploadCK) device.uploadCK(CK);
      uploadCD = uploadCK = false;
      await device.blockProducts(rows, count, withCK, !!D, { PC, PCK, PD, RRt, CKcol });
      hereValid = !CK;
    },
    /** the products of rows start .. start + n − 1, r × n (n × n), as blocked.ts reads them */
    segment(
      start: number,
      n: number,
      out: { PC: Float64Array; PD: Float64Array; PCK: Float64Array; RRt: Float64Array },
    ) {
      for (const [from, to] of [
        [PC, out.PC],
        [PD, out.PD],
        [PCK, out.PCK],
      ] as const)
        for (let i = 0; i < r; i++) for (let q = 0; q < n; q++) to[i * n + q] = from[i * count + start + q];
      for (let q = 0; q < n; q++) for (let b = 0; b < n; b++) out.RRt[q * n + b] = RRt[(start + q) * count + start + b];
    },
    /** CK's column p_s at the segment's start */
    columnCK: (i: number, s: number) => CKcol[i * count + s],
    /** the segment's CK changes so far (steps b' < b) join the pending change */
    flush(start: number, n: number, b: number, histCK: Float64Array, histRho: Float64Array) {
      if (!withCK || b === 0) return;
      pending = true;
      for (let i = 0; i < r; i++)
        for (let q = 0; q < b; q++) {
          H[i * count + start + q] += histCK[i * n + q];
          V[i * count + start + q] += histRho[i * n + q];
        }
    },
    /** a fold after steps b' < b of the segment [start, start + n): the remaining rows' products follow */
    fold(
      start: number,
      n: number,
      b: number,
      h: SegmentHistory,
      G: Float64Array,
      F: Float64Array,
      E: Float64Array,
      hasCK: boolean,
      hasD: boolean,
    ) {
      const d = new Float64Array(r);
      for (let s = start + b; s < count; s++) {
        const k = (q: number) => corner(s, start + q);
        column(PC, s, c);
        addHistory(c, h.histC, n, b, k);
        if (hasD) {
          column(PD, s, d);
          addHistory(d, h.histD, n, b, k);
          lowerTimes(E, d, t);
          for (let i = 0; i < r; i++) {
            let acc = t[i];
            for (let q = 0; q < r; q++) acc += F[i * r + q] * c[q];
            PD[i * count + s] = acc;
          }
        }
        lowerTimes(G, c, t);
        setColumn(PC, s, t);
        if (hasCK) {
          column(PCK, s, c);
          addHistory(c, h.histCK, n, b, (q) => h.RRt[q * n + s - start]);
          addHistory(c, h.histRho, n, b, k);
          lowerTimes(G, c, t);
          setColumn(PCK, s, t);
          column(CKcol, s, c);
          addHistory(c, h.histCK, n, b, k);
          lowerTimes(G, c, t);
          setColumn(CKcol, s, t);
        }
      }
      composeFold(G, F, E);
      if (!withCK) return;
      // the pending change, then CK itself, are multiplied by G
      leftLower(G, M, r);
      leftLower(G, H, count);
      leftLower(G, V, count);
      pending = true;
    },
    /** whether a fold must fold this side's CK as well (false: the device's CK is the current one) */
    foldsCK: () => hereValid,
    /** the block's changes of C, D and CK go to the device */
    endBlock() {
      if (!uploadCD) {
        for (const [X, from] of [[C, 0], ...(D ? [[D, r] as const] : [])] as const)
          for (let i = 0; i < r; i++)
            for (let b = 0; b < count; b++) columnsCD[(from + i) * count + b] = X[i * device.l + indices[b]];
        device.updateCD(rows, count, T, columnsCD);
      }
      submit();
    },
    /** this side's CK ← the device's, with every change so far */
    async settle(CK: Float64Array | null): Promise<void> {
      uploadCD = true; // bounds the drift of the device's f32 copies of C and D to a pass
      if (!CK || hereValid) return;
      submit();
      await device.readCK(CK);
      hereValid = true;
    },
    /** this side's CK was set from outside (an exact refresh, a restored checkpoint) */
    invalidate: () => {
      uploadCK = uploadCD = true;
      hereValid = true;
    },
  };
}
