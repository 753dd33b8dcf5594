/**
 * Data of huge or tiny magnitude on the f32 backends (wasm, gpu.js): every backend available on the
 * CPU gives the reference's kernel (f64) to f32 accuracy at ×1e±20, ×1e±40 and ×1e-150, for each
 * kernel type, since the points are scaled into f32 range by a power of two and the kernel absorbs
 * the factor. Points of a later `cross` still out of range are refused with advice.
 */
import {
  availableBackends,
  CenteredGram,
  createGramBackend,
  type BackendName,
  type KernelSpec,
} from '../../src/kernels';
import { UserError } from '../../src/errors';
import { gaussianCloud } from '../helpers/problems';

const l = 24;
const d = 5;
const m = 7;
const base = gaussianCloud(l + m, 11);
const SCALES = [1e20, 1e-20, 1e40, 1e-40, 1e-150];

/** The kernel at data scale c that has the same values as `kernel` at scale 1. */
const atScale = (kernel: KernelSpec, c: number): KernelSpec =>
  kernel.type === 'gaussian'
    ? { type: 'gaussian', gamma: kernel.gamma / (c * c) }
    : kernel.type === 'polynomial'
      ? { ...kernel, coef0: kernel.coef0 * c * c }
      : kernel;

const KERNELS: KernelSpec[] = [
  { type: 'gaussian', gamma: 0.2 },
  { type: 'polynomial', degree: 2, coef0: 1 },
  { type: 'linear' },
];

async function gram(name: BackendName, kernel: KernelSpec, X: Float64Array, Z: Float64Array) {
  const backend = await createGramBackend(name, kernel, X, l, d, { threads: 1 });
  try {
    const rows = new Float64Array(l * l);
    await backend.rows(
      Int32Array.from({ length: l }, (_, i) => i),
      rows,
    );
    const cross = new Float64Array(m * l);
    await backend.cross(Z, m, cross);
    return { rows, cross };
  } finally {
    await backend.dispose();
  }
}

/** max |a − b| / max |b| */
function relativeError(a: Float64Array, b: Float64Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

let fast: BackendName[];
beforeAll(async () => {
  fast = (await availableBackends()).filter((n) => ['wasm', 'cpu', 'webasm'].includes(n));
});

describe.each(SCALES)('data ×%s', (c) => {
  const X = base.slice(0, l * d).map((x) => x * c);
  const Z = base.slice(l * d).map((x) => x * c);
  // a polynomial's values scale as c^(2·degree): at ×1e-150 they underflow float64 itself
  const kernels = KERNELS.filter((k) => k.type !== 'polynomial' || Math.abs(Math.log10(c)) * 2 * k.degree < 300);
  test.each(kernels.map((k) => [k.type, k] as const))(
    '%s kernel: every CPU backend equals the reference to f32 accuracy',
    async (_, kernel) => {
      expect(fast.length).toBeGreaterThan(0);
      const k = atScale(kernel, c);
      const reference = await gram('reference', k, X, Z);
      const maxAbsRef = Math.max(...reference.rows.map(Math.abs));
      expect(Number.isFinite(maxAbsRef) && maxAbsRef > 0).toBe(true);
      for (const name of fast) {
        const got = await gram(name, k, X, Z);
        expect([name, relativeError(got.rows, reference.rows) < 1e-5]).toEqual([name, true]);
        expect([name, relativeError(got.cross, reference.cross) < 1e-5]).toEqual([name, true]);
      }
    },
    60_000,
  );
});

test('points far beyond the training points are refused with advice, not computed wrong', async () => {
  const backend = await createGramBackend('wasm', { type: 'linear' }, base.slice(0, l * d), l, d, { threads: 1 });
  try {
    const huge = base.slice(l * d).map((x) => x * 1e20);
    await expect(backend.cross(huge, m, new Float64Array(m * l))).rejects.toThrow(UserError);
    await expect(backend.cross(huge, m, new Float64Array(m * l))).rejects.toThrow(/use --backend reference/);
  } finally {
    await backend.dispose();
  }
});

test('the f32 Gram cache is not kept for kernel values beyond f32 range (linear kernel, data ×1e20 and ×1e-40)', async () => {
  for (const c of [1e20, 1e-40, 1]) {
    const X = base.slice(0, l * d).map((x) => x * c);
    const backend = await createGramBackend('reference', { type: 'linear' }, X, l, d);
    const gram = await CenteredGram.create(backend, { cacheBudgetMB: 100 });
    expect([c, gram.cached]).toEqual([c, c === 1]);
    const row = new Float64Array(l);
    await gram.rows([3], row);
    expect(row.every(Number.isFinite)).toBe(true);
    await backend.dispose();
  }
});
