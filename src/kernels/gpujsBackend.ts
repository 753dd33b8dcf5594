/**
 * gpu.js backends: one class, parameterized by gpu.js mode. The kernel sources are the ones in
 * gaussian.ts / polynomial.ts / linear.ts. Inputs are Float32Array (every mode but cpu computes in
 * f32 anyway, and Float64Array only adds a conversion per call); outputs are f32.
 * X and Z reach the kernels as 2-D inputs ([d, rows]) read as X[j][t]: gpu.js then computes the flat
 * index in its accessor, in integers, where a kernel's own j·d + t may be computed in f32 (the loop
 * counter t is f32 on webasm whatever the types say), exact only below 2^24.
 */
import type * as GpujsModule from 'gpu.js';
import type { GPU, IKernelRunShortcut, Input } from 'gpu.js';
import { UserError } from '../errors';
import type { GramBackend } from './backend';
import type { KernelImpl } from './kernelImpl';
import { checkBlock, columnMeans, gatherRows, packF32 } from './points';
import { installWebGPU } from './webgpuShim';

export type GpujsMode = 'cpu' | 'webasm' | 'gpu' | 'webgpu' | 'headlessgl';

/** The kernel classes each mode may run on: anything else is a silent fallback, which must fail. */
const EXPECTED_KERNELS: Record<GpujsMode, readonly string[]> = {
  cpu: ['CPUKernel'],
  webasm: ['WebAssemblyKernel'],
  webgpu: ['WebGPUKernel'],
  headlessgl: ['HeadlessGLKernel'],
  // gpu.js's own choice among the GL backends; its last resort (webasm) is not a GPU
  gpu: ['HeadlessGLKernel', 'WebGL2Kernel', 'WebGLKernel'],
};

/** Modes where X stays on the device between calls (on cpu/webasm a pipeline result is just an array). */
const DEVICE_MODES: readonly GpujsMode[] = ['gpu', 'webgpu', 'headlessgl'];

let loaded: typeof GpujsModule | null = null;
/** gpu.js, loaded on first use: it adds ~13 MB and ~0.1 s to a process, and most runs use wasm. */
export function gpujs(): typeof GpujsModule {
  return (loaded ??= require('gpu.js') as typeof GpujsModule);
}

/** exported by gpu.js but missing from its typings */
const webGPUContext = () => (gpujs() as unknown as { WebGPUContext: { destroy(): Promise<void> } }).WebGPUContext;

/** Most rows per kernel call. Kernels are built for 1, 2, 4, …, MAX_BLOCK rows (output size is fixed at build). */
const MAX_BLOCK = 64;

/** `rows` points of dimension d as a gpu.js [d, rows] input (its typings want number[], any array works) */
const asInput = (a: Float32Array, d: number, rows: number): Input =>
  new (gpujs().Input)(a as unknown as number[], [d, rows]);

/** An uploaded X: a texture or buffer handle on device modes, else the array itself as a [d, l] input. */
type XArgument = Input | { delete(): void };

/** The class gpu.js really runs a kernel on: what a silent fallback changes. */
function kernelClassName(kernel: IKernelRunShortcut): string {
  return kernel.kernel.constructor.name;
}

export class GpujsBackend implements GramBackend {
  readonly precision = 'f32';
  private readonly kernels = new Map<number, IKernelRunShortcut>();

  private constructor(
    readonly name: GpujsMode,
    private readonly gpu: GPU,
    private readonly X: Float64Array,
    readonly l: number,
    readonly d: number,
    private readonly impl: KernelImpl,
    /** output row width: webasm runs SIMD on its worker threads only when it is a multiple of 4 */
    private readonly lPad: number,
    private readonly xArg: XArgument,
    /** subtracted from every point before rounding to f32 when k is translation invariant */
    private readonly shift: Float64Array | null,
  ) {}

  /** Builds the backend and runs its smallest kernel once, so that an unavailable mode fails here, not mid-run. */
  static async create(mode: GpujsMode, impl: KernelImpl, X: Float64Array, l: number, d: number): Promise<GpujsBackend> {
    const sizeProblem = gpujsSizeProblem(mode, paddedRows(mode, l), d);
    if (sizeProblem) throw new UserError(sizeProblem);
    let gpu: GPU | null = null;
    let backend: GpujsBackend | null = null;
    try {
      if (mode === 'webgpu') installWebGPU();
      gpu = new (gpujs().GPU)({ mode });
      backend = await GpujsBackend.upload(gpu, mode, impl, X, l, d);
      await backend.cross(gatherRows(X, d, [0]), 1, new Float64Array(l));
      return backend;
    } catch (e) {
      await (backend ? backend.dispose() : gpu?.destroy())?.catch(() => undefined);
      if (e instanceof UserError) throw e;
      // gpu.js says "not supported" / "no adapter" with plain Errors
      throw new UserError(`gpu.js backend '${mode}' is not available here: ${(e as Error).message}`);
    }
  }

  private static async upload(
    gpu: GPU,
    mode: GpujsMode,
    impl: KernelImpl,
    X: Float64Array,
    l: number,
    d: number,
  ): Promise<GpujsBackend> {
    const lPad = paddedRows(mode, l);
    const shift = impl.translationInvariant ? columnMeans(X, l, d) : null;
    const xF32 = new Float32Array(lPad * d); // padding rows stay zero; their outputs are dropped
    packF32(X, l, d, shift, xF32, d);
    let xArg: XArgument = asInput(xF32, d, lPad);
    if (DEVICE_MODES.includes(mode)) {
      // upload X once: an identity kernel's pipeline result stays on the device and feeds every call
      const upload = gpu.createKernel(`function (a) { return a[this.thread.y][this.thread.x]; }`, {
        output: [d, lPad],
        pipeline: true,
        immutable: true,
        precision: 'single',
      });
      xArg = await (upload(xArg) as unknown as Promise<XArgument> | XArgument); // a Promise on webgpu
      assertKernelClass(mode, upload);
    }
    return new GpujsBackend(mode, gpu, X, l, d, impl, lPad, xArg, shift);
  }

  async cross(Z: Float64Array, m: number, out: Float64Array): Promise<void> {
    checkBlock(out, m, this.l);
    for (let b0 = 0; b0 < m; b0 += MAX_BLOCK) await this.crossBlock(Z, b0, Math.min(MAX_BLOCK, m - b0), out);
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.cross(gatherRows(this.X, this.d, indices), indices.length, out);
  }

  /** The gpu.js kernel classes that ran so far (a silent fallback would show here). */
  kernelClasses(): string[] {
    return [...this.kernels.values()].map(kernelClassName);
  }

  async dispose(): Promise<void> {
    if ('delete' in this.xArg) this.xArg.delete();
    await this.gpu.destroy();
    if (this.name === 'webgpu') {
      // gpu.destroy() leaves the shared device alive, and a live device keeps Node from exiting
      await webGPUContext().destroy();
    }
  }

  /** Rows b0 .. b0+count of Z (count ≤ MAX_BLOCK) into the same rows of out. */
  private async crossBlock(Z: Float64Array, b0: number, count: number, out: Float64Array): Promise<void> {
    const { l, d } = this;
    const size = 2 ** Math.ceil(Math.log2(count)); // the smallest built size that holds the block
    const zF32 = new Float32Array(size * d);
    packF32(Z.subarray(b0 * d, (b0 + count) * d), count, d, this.shift, zF32, d);
    const kernel = this.kernel(size);
    const zArg = asInput(zF32, d, size);
    // a Promise on webgpu
    const result = await (kernel(this.xArg, zArg) as unknown as Promise<Float32Array[]> | Float32Array[]);
    assertKernelClass(this.name, kernel); // after the call: gpu.js swaps in a fallback when it builds
    for (let b = 0; b < count; b++) out.set(result[b].subarray(0, l), (b0 + b) * l);
  }

  private kernel(rows: number): IKernelRunShortcut {
    let kernel = this.kernels.get(rows);
    if (!kernel) {
      const settings = gramKernelSettings(this.name, this.impl, this.d, this.lPad, rows);
      kernel = this.gpu.createKernel(this.impl.gpuSource, settings);
      this.kernels.set(rows, kernel);
    }
    return kernel;
  }
}

/** Output row width: webasm runs SIMD on its worker threads only when it is a multiple of 4. */
const paddedRows = (mode: GpujsMode, l: number): number => (mode === 'webasm' ? Math.ceil(l / 4) * 4 : l);

/** gpu.js settings of the Gram kernel for `rows` rows against lPad points (exported for the shader-source tests). */
export function gramKernelSettings(mode: GpujsMode, impl: KernelImpl, d: number, lPad: number, rows: number) {
  return {
    output: [lPad, rows],
    // l and d reach the kernel as constants, never as loop bounds from arguments:
    // gpu.js silently stops a loop bounded by an argument after loopMaxIterations (1000)
    constants: { d, ...impl.constants },
    // gpu.js computes in f32 whatever it is not told is an integer (the loop bound d included)
    constantTypes: { d: 'Integer' as const, ...impl.gpuConstantTypes },
    // webasm: spreads calls with ≥ 4096 output cells over a worker pool
    asyncMode: mode === 'webasm',
    ...(DEVICE_MODES.includes(mode) ? { precision: 'single' as const } : {}),
  };
}

/**
 * Why `mode` cannot compute an lPad × d problem exactly, or null. Indices into X are 32-bit integers in
 * every compiled mode; gpu.js's GL modes read X through GLSL ES shaders, which nothing here checks at
 * 2^24 values or more (the f32 limit). cpu indexes with JS numbers.
 */
export function gpujsSizeProblem(mode: GpujsMode, lPad: number, d: number): string | null {
  if (mode === 'cpu') return null;
  const gl = mode === 'gpu' || mode === 'headlessgl';
  const log2Limit = gl ? 24 : 31;
  const cells = lPad * d;
  if (cells < 2 ** log2Limit) return null;
  const why = gl ? 'its GL shaders are not verified exact' : 'its indices are 32-bit integers';
  return (
    `gpu.js backend '${mode}' cannot index ${lPad} × ${d} = ${cells} values exactly: ${why} ` +
    `at l·d ≥ 2^${log2Limit}; use --backend wasm or reference`
  );
}

function assertKernelClass(mode: GpujsMode, kernel: IKernelRunShortcut): void {
  const actual = kernelClassName(kernel);
  if (!EXPECTED_KERNELS[mode].includes(actual)) {
    throw new UserError(
      `gpu.js backend '${mode}' is not available here: gpu.js fell back to ${actual} ` +
        `(expected ${EXPECTED_KERNELS[mode].join(' or ')})`,
    );
  }
}
