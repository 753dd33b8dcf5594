/**
 * A Gram backend computes blocks of kernel values k(z_b, x_j) between a block of points Z
 * (m × d, row-major) and the training points X (l × d) uploaded once at creation.
 * It computes nothing else: centering, y = A k' and the KHA update stay in float64 TypeScript.
 */
export type BackendName =
  | 'reference' // float64 TypeScript, the reference every other backend is tested against
  | 'wasm' // hand-written WebAssembly SIMD (f32x4 dot products, float64 exp) on worker threads, the fast CPU path
  | 'cpu' // gpu.js mode 'cpu'
  | 'webasm' // gpu.js mode 'webasm'
  | 'gpu' // gpu.js mode 'gpu': gpu.js's pick among its GL backends; its last resort, webasm, is refused
  | 'webgpu' // gpu.js mode 'webgpu' via the `webgpu` package (Dawn)
  | 'headlessgl'; // gpu.js mode 'headlessgl' (needs the optional `gl` package and an X display)

export type BackendRequest = BackendName | 'auto';

export interface GramBackend {
  /** the backend that really runs (never 'auto') */
  readonly name: BackendName;
  readonly precision: 'f32' | 'f64';
  /** l, the number of training points (columns of every block) */
  readonly l: number;
  /** d, the input dimension */
  readonly d: number;
  /** out[b*l + j] = k(z_b, x_j) for b < m, j < l. Z is m × d row-major. */
  cross(Z: Float64Array, m: number, out: Float64Array): Promise<void>;
  /** out[b*l + j] = k(x_{indices[b]}, x_j): Gram rows of training points. */
  rows(indices: ArrayLike<number>, out: Float64Array): Promise<void>;
  /** Release resources (webgpu: awaits WebGPUContext.destroy(), or Node never exits). */
  dispose(): Promise<void>;
}
