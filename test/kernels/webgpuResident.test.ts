/**
 * The WebGPU-resident centered Gram matrix (src/kernels/webgpuResident.ts) against the float64
 * reference: its centering pass, the corner and products of a block, X K', and the CK update.
 */
import { CenteredGram, createGramBackend, type KernelSpec } from '../../src/kernels';
import { WebGPUResident } from '../../src/kernels/webgpuResident';
import { describeBackend } from './backendAvailability';
import { randomPoints } from './naiveKernel';

const KERNELS: KernelSpec[] = [
  { type: 'gaussian', gamma: 0.05 },
  { type: 'polynomial', degree: 2, coef0: 1 },
  { type: 'linear' },
];

/** max |a − b| / max |b| */
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let e = 0,
    m = 0;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return e / m;
};

describeBackend('webgpu', 'webgpu resident centered Gram matrix', () => {
  const l = 203,
    d = 37, // past one tile of the rows shader (16 coordinates), not a multiple of it
    r = 3,
    B = 16;
  const X = randomPoints(7, l, d);

  test.each(KERNELS)('$type: centering, corner, products and X K′ equal the float64 reference', async (kernel) => {
    const reference = await CenteredGram.create(await createGramBackend('reference', kernel, X, l, d));
    const full = new Float64Array(l * l);
    await reference.rows(
      Int32Array.from({ length: l }, (_, i) => i),
      full,
    );
    const gpu = await WebGPUResident.create(kernel, X, l, d, {
      components: r,
      blockSize: B,
      withCK: true,
      withD: true,
    });
    try {
      expect(relErr(gpu.rowMeans, reference.rowMeans)).toBeLessThan(1e-5);
      expect(Math.abs(gpu.trace - reference.trace) / reference.trace).toBeLessThan(1e-5);
      const indices = [200, 3, 17, 5, 199, 0, 100];
      const n = indices.length;
      const rows = new Float64Array(B * l);
      await gpu.rows(indices, rows);
      const corner = indices.flatMap((_, b) => indices.map((q) => rows[b * l + q]));
      const exact = indices.flatMap((p) => indices.map((q) => full[p * l + q]));
      expect(relErr(corner, exact)).toBeLessThan(1e-5);
      const mats = () => Float64Array.from({ length: r * l }, (_, i) => Math.sin(i * 0.37));
      const C = mats(),
        CK = mats().map((v) => v * 2),
        D = mats().map((v) => v - 0.5);
      gpu.uploadCK(CK);
      gpu.uploadCD(C, D);
      const out = {
        PC: new Float64Array(r * n),
        PCK: new Float64Array(r * n),
        PD: new Float64Array(r * n),
        RRt: new Float64Array(n * n),
        CKcol: new Float64Array(r * n),
      };
      await gpu.blockProducts(rows, n, true, true, out);
      const times = (M: Float64Array) =>
        Array.from({ length: r }, (_, i) =>
          indices.map((p) => M.subarray(i * l, (i + 1) * l).reduce((s, v, j) => s + v * full[p * l + j], 0)),
        ).flat();
      expect(relErr(out.PC, times(C))).toBeLessThan(1e-5);
      expect(relErr(out.PCK, times(CK))).toBeLessThan(1e-5);
      expect(relErr(out.PD, times(D))).toBeLessThan(1e-5);
      const RRt = indices.flatMap((p) =>
        indices.map((q) => full.subarray(p * l, (p + 1) * l).reduce((s, v, j) => s + v * full[q * l + j], 0)),
      );
      expect(relErr(out.RRt, RRt)).toBeLessThan(1e-5);
      expect(
        relErr(
          out.CKcol,
          Array.from({ length: r * n }, (_, a) => CK[Math.floor(a / n) * l + indices[a % n]]),
        ),
      ).toBeLessThan(1e-6);
      expect(gpu.rowSquare(17)).toBeCloseTo(RRt[2 * n + 2], 2);

      // CK ← M CK + H R + V at the block's columns
      const Mr = Float64Array.from({ length: r * r }, (_, i) => (i % (r + 1) === 0 ? 1 : 0.1 * i));
      const H = Float64Array.from({ length: r * n }, (_, i) => Math.cos(i));
      const V = Float64Array.from({ length: r * n }, (_, i) => i - 3);
      gpu.updateCK(rows, n, Mr, H, V);
      const expected = new Float64Array(r * l);
      for (let i = 0; i < r; i++)
        for (let j = 0; j < l; j++) {
          let s = 0;
          for (let q = 0; q < r; q++) s += Mr[i * r + q] * CK[q * l + j];
          for (let b = 0; b < n; b++) s += H[i * n + b] * full[indices[b] * l + j];
          expected[i * l + j] = s;
        }
      for (let i = 0; i < r; i++) for (let b = 0; b < n; b++) expected[i * l + indices[b]] += V[i * n + b];
      const got = new Float64Array(r * l);
      await gpu.readCK(got);
      expect(relErr(got, expected)).toBeLessThan(1e-5);

      // [C; D] ← T [C; D], then their columns indices[b] set: seen by the next products
      const k = 2 * r;
      const T = Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0.05 * Math.sin(i)));
      const columns = Float64Array.from({ length: k * n }, (_, i) => 1 + i / 7);
      gpu.updateCD(rows, n, T, columns);
      const CD = new Float64Array(k * l);
      for (let i = 0; i < k; i++)
        for (let j = 0; j < l; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += T[i * k + q] * (q < r ? C[q * l + j] : D[(q - r) * l + j]);
          CD[i * l + j] = s;
        }
      for (let i = 0; i < k; i++) for (let b = 0; b < n; b++) CD[i * l + indices[b]] = columns[i * n + b];
      await gpu.blockProducts(rows, n, true, true, out);
      expect(relErr(out.PC, times(CD.subarray(0, r * l)))).toBeLessThan(1e-5);
      expect(relErr(out.PD, times(CD.subarray(r * l)))).toBeLessThan(1e-5);

      const XK = new Float64Array(r * l);
      await gpu.multiply(C, XK);
      expect(relErr(XK, fullTimes(C, full, r, l))).toBeLessThan(1e-5);
    } finally {
      await gpu.dispose();
    }
  });
});

function fullTimes(M: Float64Array, full: Float64Array, r: number, l: number): Float64Array {
  const out = new Float64Array(r * l);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < l; j++) {
      let s = 0;
      for (let q = 0; q < l; q++) s += M[i * l + q] * full[q * l + j];
      out[i * l + j] = s;
    }
  return out;
}
