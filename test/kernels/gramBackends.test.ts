/**
 * One suite over every Gram backend (tensorflow.js style): each is compared with an independent
 * naive float64 double loop on generated data, for all three kernels.
 * Tolerances: float64 backends 1e-12 × max|K|. f32 backends: Gaussian 1e-6 absolute (values ≤ 1);
 * linear and polynomial relative to max|K| of the block (f32 dot products: about 1e-7 of ‖x‖‖z‖,
 * which the polynomial's degree amplifies).
 */
import { UserError } from '../../src/errors';
import {
  type BackendName,
  type BackendRequest,
  createGramBackend,
  type GramBackend,
  type KernelSpec,
} from '../../src/kernels';
import { GpujsBackend } from '../../src/kernels/gpujsBackend';
import { describeBackend, webgpuProbe } from './backendAvailability';
import { maxAbsDiff, naiveBlock, randomPoints, tolerance } from './naiveKernel';

/** reference, wasm, cpu and webasm must run everywhere; the others are skipped, with the reason, where absent */
const BACKENDS: BackendName[] = ['reference', 'wasm', 'cpu', 'webasm', 'webgpu', 'headlessgl', 'gpu'];

const EXPECTED_CLASS: Partial<Record<BackendName, string[]>> = {
  cpu: ['CPUKernel'],
  webasm: ['WebAssemblyKernel'],
  webgpu: ['WebGPUKernel'],
  headlessgl: ['HeadlessGLKernel'],
  gpu: ['HeadlessGLKernel', 'WebGL2Kernel', 'WebGLKernel'],
};

const SHAPES = [
  { l: 300, d: 16 },
  { l: 301, d: 13 }, // neither a multiple of 4
  { l: 41, d: 1500 }, // d > 1000: gpu.js silently stops loops bounded by an argument at 1000
];

const kernelsFor = (d: number): KernelSpec[] => [
  { type: 'gaussian', gamma: 1.5 / d }, // mean ‖x − z‖² = 2d/3 for uniform [−1, 1): k ≈ e^{−1}
  { type: 'polynomial', degree: 3, coef0: 1 },
  { type: 'linear' },
];

for (const name of BACKENDS) {
  describeBackend(name, `Gram backend ${name}`, () => gramBackendSuite(name));
}

function gramBackendSuite(name: BackendName): void {
  describe.each(SHAPES)('l=$l, d=$d', ({ l, d }) => {
    const X = randomPoints(l * 7 + d, l, d);
    const Z = randomPoints(l * 11 + d, 70, d); // 70 rows: more than one block of 64
    const indices = [l - 1, 0, 3, Math.floor(l / 2), 3];

    describe.each(kernelsFor(d))('$type kernel', (kernel) => {
      let backend: GramBackend;
      beforeAll(async () => {
        backend = await createGramBackend(name, kernel, X, l, d);
      });
      afterAll(async () => backend?.dispose());

      test('runs as the backend requested', () => {
        expect(backend.name).toBe(name);
        if (backend instanceof GpujsBackend) {
          expect(backend.kernelClasses().length).toBeGreaterThan(0); // create() ran one kernel
          for (const cls of backend.kernelClasses()) expect(EXPECTED_CLASS[name]).toContain(cls);
        }
      });

      test('cross block matches the naive float64 loop', async () => {
        for (const m of [70, 1, 5]) {
          const out = new Float64Array(m * l);
          await backend.cross(Z, m, out);
          const expected = naiveBlock(kernel, X, l, Z, m, d);
          expect(maxAbsDiff(out, expected)).toBeLessThanOrEqual(tolerance(backend, kernel, X, Z.subarray(0, m * d), d));
        }
      });

      test('training rows match the naive float64 loop', async () => {
        const out = new Float64Array(indices.length * l);
        await backend.rows(indices, out);
        const zRows = Float64Array.from(indices.flatMap((i) => Array.from(X.subarray(i * d, (i + 1) * d))));
        const expected = naiveBlock(kernel, X, l, zRows, indices.length, d);
        expect(maxAbsDiff(out, expected)).toBeLessThanOrEqual(tolerance(backend, kernel, X, zRows, d));
        if (backend instanceof GpujsBackend) {
          for (const cls of backend.kernelClasses()) expect(EXPECTED_CLASS[name]).toContain(cls);
        }
      });
    });
  });
}

describe('backend selection', () => {
  const l = 20,
    d = 5;
  const X = randomPoints(1, l, d);
  const gaussian: KernelSpec = { type: 'gaussian', gamma: 0.1 };

  // a software adapter (lavapipe) is for an explicit --backend webgpu only
  const autoPick = webgpuProbe.absent === null && !webgpuProbe.software ? 'webgpu' : 'wasm';
  test(`auto picks ${autoPick} here (webgpu only on a hardware adapter) and says why`, async () => {
    const messages: string[] = [];
    const backend = await createGramBackend('auto', gaussian, X, l, d, { verbose: (m) => messages.push(m) });
    expect(backend.name).toBe(autoPick);
    expect(messages.join('\n')).toMatch(new RegExp(`backend auto → ${backend.name}`));
    await backend.dispose();
  });

  test('an unknown backend is a UserError naming the available ones', async () => {
    const attempt = createGramBackend('nope' as BackendRequest, gaussian, X, l, d);
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/unknown backend 'nope'.*available here: reference, wasm, cpu, webasm/);
  });

  test('bad kernel parameters are UserErrors', async () => {
    await expect(createGramBackend('reference', { type: 'gaussian', gamma: -1 }, X, l, d)).rejects.toThrow(UserError);
    await expect(
      createGramBackend('reference', { type: 'polynomial', degree: 2.5, coef0: 0 }, X, l, d),
    ).rejects.toThrow(/positive integer/);
  });

  test('f32 backends stay accurate for data far from the origin (Gaussian: X is shifted by its mean)', async () => {
    const Xfar = randomPoints(2, l, d, 1000);
    const kernel: KernelSpec = { type: 'gaussian', gamma: 0.3 };
    const expected = naiveBlock(kernel, Xfar, l, Xfar, l, d);
    for (const name of ['wasm', 'cpu', 'webasm'] as const) {
      const backend = await createGramBackend(name, kernel, Xfar, l, d);
      const out = new Float64Array(l * l);
      await backend.rows(
        Array.from({ length: l }, (_, i) => i),
        out,
      );
      expect(maxAbsDiff(out, expected)).toBeLessThan(1e-6);
      await backend.dispose();
    }
  });
});
