/**
 * gpu.js backends stay exact past l·d = 2^24, where an index computed in f32 no longer holds every
 * integer: gpu.js compiled X[j * d + t] to f32 arithmetic (webgpu: i32(f32(j) * 784.0 + f32(t));
 * webasm: its loop counter is f32 whatever the types say), and the Gram rows came out wrong without
 * an error (webasm: 0.41 max error at 22000 × 784). Also: the size limits refuse with a message, and
 * a silent fallback to another kernel class fails the call.
 */
import { UserError } from '../../src/errors';
import { createGramBackend, type GramBackend, kernelImpl, type KernelSpec } from '../../src/kernels';
import {
  GpujsBackend,
  gpujs,
  gpujsSizeProblem,
  gramKernelSettings,
  type GpujsMode,
} from '../../src/kernels/gpujsBackend';
import { describeBackend } from './backendAvailability';
import { maxAbsDiff, naiveBlock, randomPoints, tolerance } from './naiveKernel';

const KERNELS: KernelSpec[] = [
  { type: 'gaussian', gamma: 1 }, // an integer value of a Float constant must stay a float in the shader
  { type: 'polynomial', degree: 3, coef0: 1 },
  { type: 'linear' },
];

/** WGSL that gpu.js generates for a Gram kernel; built without a device (none is requested in this process). */
async function wgsl(spec: KernelSpec, l: number, d: number, rows: number): Promise<string> {
  const impl = kernelImpl(spec);
  const { Input, WebGPUKernel } = gpujs() as unknown as {
    Input: new (value: Float32Array, size: number[]) => unknown;
    WebGPUKernel: new (
      source: string,
      settings: object,
    ) => { build(...args: unknown[]): Promise<void>; compiledSource: string | null };
  };
  const kernel = new WebGPUKernel(impl.gpuSource, gramKernelSettings('webgpu', impl, d, l, rows));
  // translation is synchronous; the device part then fails here, where navigator.gpu is absent
  await kernel
    .build(new Input(new Float32Array(l * d), [d, l]), new Input(new Float32Array(rows * d), [d, rows]))
    .catch(() => undefined);
  const source = kernel.compiledSource ?? '';
  return source.slice(source.indexOf('fn main('));
}

describe('the generated WebGPU shader indexes X and Z in integers', () => {
  test.each(KERNELS)('$type kernel', async (spec) => {
    const main = await wgsl(spec, 50, 784, 4);
    expect(main).toContain('get_user_X(0, i32(i32(threadGid.x)), i32(user_t))');
    expect(main).toContain('get_user_Z(0, i32(i32(threadGid.y)), i32(user_t))');
    expect(main).toMatch(/for \(var user_t : i32 = 0;\(user_t<784\)/);
    // the old source converted the thread index and the loop counter: i32(f32(i32(threadGid.x))*784.0 + f32(user_t))
    expect(main).not.toMatch(/f32\(/);
  });
});

describe('l·d > 2^24 on a few rows', () => {
  const l = 21500,
    d = 784; // l·d = 16,856,000 > 2^24 = 16,777,216: columns j ≥ 21,400 are past it
  const indices = [l - 1, 0];
  let X: Float64Array, Z: Float64Array;
  beforeAll(() => {
    X = randomPoints(24, l, d);
    Z = Float64Array.from(indices.flatMap((i) => Array.from(X.subarray(i * d, (i + 1) * d))));
  });

  for (const mode of ['cpu', 'webasm', 'webgpu'] as const) {
    describeBackend(mode, `gpu.js ${mode}`, () => {
      test.each(KERNELS)('$type kernel: rows equal the float64 loop past index 2^24', async (spec) => {
        const kernel: KernelSpec = spec.type === 'gaussian' ? { type: 'gaussian', gamma: 1.5 / d } : spec;
        const backend: GramBackend = await createGramBackend(mode, kernel, X, l, d);
        try {
          const out = new Float64Array(indices.length * l);
          await backend.rows(indices, out);
          const expected = naiveBlock(kernel, X, l, Z, indices.length, d);
          expect(maxAbsDiff(out, expected)).toBeLessThanOrEqual(tolerance(backend, kernel, X, Z, d));
        } finally {
          await backend.dispose();
        }
      });
    });
  }

  test('gpu.js GL modes refuse data past 2^24 values, saying why', async () => {
    // refused before gpu.js or its optional `gl` package is asked anything
    for (const mode of ['headlessgl', 'gpu'] as const) {
      const attempt = createGramBackend(mode, { type: 'linear' }, X, l, d);
      await expect(attempt).rejects.toThrow(UserError);
      const message = `'${mode}' cannot index 21500 × 784 = 16856000 values exactly: its GL shaders are not verified`;
      await expect(attempt).rejects.toThrow(message);
    }
  });
});

describe('size limits', () => {
  test.each([
    ['cpu', 2 ** 20, 2 ** 20, false], // JS numbers: no limit of its own
    ['webasm', 2 ** 21, 2 ** 10 - 1, false],
    ['webasm', 2 ** 21, 2 ** 10, true],
    ['webgpu', 60000, 784, false],
    ['webgpu', 2 ** 21, 2 ** 10, true],
    ['headlessgl', 2 ** 14, 2 ** 10 - 1, false],
    ['headlessgl', 2 ** 14, 2 ** 10, true],
    ['gpu', 2 ** 14, 2 ** 10, true],
  ] as [GpujsMode, number, number, boolean][])('%s at %i × %i refused: %s', (mode, l, d, refused) => {
    const problem = gpujsSizeProblem(mode, l, d);
    if (refused) expect(problem).toMatch(new RegExp(`'${mode}' cannot index ${l} × ${d} = ${l * d} values exactly`));
    else expect(problem).toBeNull();
  });
});

describe('a silent fallback to another kernel class fails the call', () => {
  const l = 40,
    d = 3;
  const X = randomPoints(5, l, d);

  test('webasm: a kernel that gpu.js moves to the CPU after creation is refused', async () => {
    const backend = await GpujsBackend.create('webasm', kernelImpl({ type: 'linear' }), X, l, d);
    const prototype = (gpujs() as unknown as { WebAssemblyKernel: { prototype: object } }).WebAssemblyKernel.prototype;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // gpu.js's own fallback path (used e.g. for an argument type webasm lacks), forced for every new kernel
    const build = jest.spyOn(prototype as { build(...args: unknown[]): unknown }, 'build').mockImplementation(function (
      this: { requestFallback(args: unknown[], why: string): unknown },
      ...args
    ) {
      return this.requestFallback(args, 'forced by the test');
    });
    try {
      // 2 rows need a kernel of a size not built yet
      await expect(backend.rows([0, 1], new Float64Array(2 * l))).rejects.toThrow(
        /gpu.js backend 'webasm' is not available here: gpu.js fell back to CPUKernel \(expected WebAssemblyKernel\)/,
      );
      expect(warn).toHaveBeenCalledWith('Falling back to CPU: forced by the test');
    } finally {
      build.mockRestore();
      warn.mockRestore();
      await backend.dispose();
    }
  });
});
