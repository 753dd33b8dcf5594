/** Gram backends: choose, create, and the kernels they compute. */
import { UserError } from '../errors';
import type { BackendName, BackendRequest, GramBackend } from './backend';
import { GpujsBackend, gpujs, type GpujsMode } from './gpujsBackend';
import type { KernelSpec } from './kernel';
import { kernelImpl } from './kernelImpl';
import { createInF32Range } from './range';
import { ReferenceBackend } from './referenceBackend';
import { defaultWasmThreads, describeWasm, isWasmSimdSupported, WasmBackend } from './wasmBackend';
import { hasVulkanLoader, installWebGPU, webgpuUnsuitability } from './webgpuShim';

export type { BackendName, BackendRequest, GramBackend } from './backend';
export * from './kernel';
export { type KernelImpl, kernelImpl, referenceBlock } from './kernelImpl';
export { gaussian } from './gaussian';
export { polynomial } from './polynomial';
export { linear } from './linear';
export { CenteredGram, centerCrossRows, gramCacheBytes } from './centeredGram';
export { NormalizedAffinity } from './normalizedAffinity';

export const BACKEND_NAMES: readonly BackendName[] = [
  'reference',
  'wasm',
  'cpu',
  'webasm',
  'gpu',
  'webgpu',
  'headlessgl',
];

export interface CreateBackendOptions {
  /** told which backend was chosen and why */
  verbose?: (msg: string) => void;
  /** threads computing wasm rows (default: the available cores; 1 computes on this thread, no workers) */
  threads?: number;
}

/**
 * Backends that can run here, by cheap probes (gpu.js modes are confirmed only when a kernel is
 * built: createGramBackend does that). webgpu is listed when an adapter answers, software or not.
 */
export async function availableBackends(): Promise<BackendName[]> {
  const names: BackendName[] = ['reference'];
  if (isWasmSimdSupported()) names.push('wasm');
  names.push('cpu');
  const { GPU } = gpujs();
  if (GPU.isWebAssemblySupported) names.push('webasm');
  if (GPU.isHeadlessGLSupported) names.push('gpu', 'headlessgl');
  try {
    if (hasVulkanLoader()) {
      installWebGPU();
      if (await GPU.isWebGPUAvailable()) names.push('webgpu');
    }
  } catch {
    // the binding did not load: no webgpu
  }
  return names;
}

/**
 * A Gram backend over the training points X (l × d, row-major float64, kept by reference).
 * `auto` picks the fastest that works correctly here: webgpu on a hardware adapter, else the
 * wasm SIMD kernel when WebAssembly SIMD validates, else the float64 reference.
 */
export async function createGramBackend(
  request: BackendRequest,
  kernel: KernelSpec,
  X: Float64Array,
  l: number,
  d: number,
  opts: CreateBackendOptions = {},
): Promise<GramBackend> {
  if (!(Number.isInteger(l) && l > 0 && Number.isInteger(d) && d > 0) || X.length < l * d) {
    throw new UserError(`Gram backend: X must hold l × d values with l, d ≥ 1 (l=${l}, d=${d}, ${X.length} values)`);
  }
  const threads = opts.threads ?? defaultWasmThreads();
  const name = request === 'auto' ? await chooseAuto(threads, opts.verbose) : request;
  // f32 backends see X scaled into their range, with the kernel adjusted exactly (range.ts)
  const make = (k: KernelSpec, Xs: Float64Array) => createNamed(name, request, kernelImpl(k), Xs, l, d, threads, opts);
  try {
    if (name === 'reference') return await make(kernel, X);
    return await createInF32Range(name, kernel, X, l, d, make);
  } catch (e) {
    if (!(e instanceof UserError) || request === 'auto') throw e;
    throw new UserError(
      `${e.message.replace(/\.+$/, '')}. Backends available here: ${(await availableBackends()).join(', ')}`,
    );
  }
}

async function createNamed(
  name: BackendName,
  request: BackendRequest,
  impl: ReturnType<typeof kernelImpl>,
  X: Float64Array,
  l: number,
  d: number,
  threads: number,
  opts: CreateBackendOptions,
): Promise<GramBackend> {
  switch (name) {
    case 'reference':
      return new ReferenceBackend(impl, X, l, d);
    case 'wasm':
      if (!isWasmSimdSupported()) throw new UserError('WebAssembly SIMD is not supported by this runtime');
      if (request === 'wasm') opts.verbose?.(`backend wasm (${describeWasm(threads)})`);
      return await WasmBackend.create(impl, X, l, d, threads);
    case 'cpu':
    case 'webasm':
    case 'gpu':
    case 'webgpu':
    case 'headlessgl':
      return await GpujsBackend.create(name satisfies GpujsMode, impl, X, l, d);
    default:
      throw new UserError(`unknown backend '${name as string}'`);
  }
}

async function chooseAuto(wasmThreads: number, verbose?: (msg: string) => void): Promise<BackendName> {
  const webgpuProblem = await webgpuUnsuitability();
  if (webgpuProblem === null) {
    verbose?.('backend auto → webgpu: a hardware WebGPU adapter answered');
    return 'webgpu';
  }
  if (isWasmSimdSupported()) {
    verbose?.(`backend auto → wasm (${describeWasm(wasmThreads)}); not webgpu: ${webgpuProblem}`);
    return 'wasm';
  }
  verbose?.(
    `backend auto → reference (float64 TypeScript): WebAssembly SIMD does not validate; not webgpu: ${webgpuProblem}`,
  );
  return 'reference';
}
