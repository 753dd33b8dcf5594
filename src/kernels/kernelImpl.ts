/**
 * What every Gram backend needs to know about one kernel, whatever its type. Each kernel type
 * provides one in its own file (gaussian.ts, polynomial.ts, linear.ts); `kernelImpl` picks it.
 */
import { blockDots } from './blockDots';
import { gaussian } from './gaussian';
import type { KernelSpec } from './kernel';
import { linear } from './linear';
import { polynomial } from './polynomial';

export interface KernelImpl {
  readonly spec: KernelSpec;
  /**
   * k depends on x − x' only, so an f32 backend may subtract the mean of X from every point
   * first: that shrinks the values it rounds to f32 (and the cancellation in the norm form)
   * without changing k.
   */
  readonly translationInvariant: boolean;
  /**
   * The float64 reference formula, applied in place to a block of dot products:
   * dots[b*l + j] = z_b·x_j becomes k(z_b, x_j). zNorms[b] = ‖z_b‖², xNorms[j] = ‖x_j‖².
   * Compiled from `fromDotsSource`.
   */
  readonly fromDots: FromDots;
  /**
   * `fromDots` as source text: a `function` expression that takes `constants` and returns fromDots.
   * Kept as text so that the wasm backend's worker threads compile the very code that runs here:
   * Gram values do not depend on the thread count.
   */
  readonly fromDotsSource: string;
  /**
   * gpu.js kernel source, a `function` expression in gpu.js's JS subset: arguments (X, Z) as 2-D
   * inputs of size [d, l] and [d, m], read as X[j][t] (never as a flat X[j * d + t]: gpu.js may
   * compute that index in f32), output [l, m], thread.x = j, thread.y = b; reads
   * this.constants.d and `constants`. Kept as text so that no transpiler or coverage
   * instrumentation can rewrite the body gpu.js parses.
   */
  readonly gpuSource: string;
  /** the kernel's parameters, for fromDotsSource and gpuSource */
  readonly constants: Readonly<Record<string, number>>;
  /**
   * gpu.js type of each constant. gpu.js computes in f32 whatever it is not told is an integer;
   * loop bounds (d, the polynomial degree) are 'Integer' so that loops count in integers.
   */
  readonly gpuConstantTypes: Readonly<Record<string, 'Integer' | 'Float'>>;
}

export type FromDots = (dots: Float64Array, m: number, l: number, zNorms: Float64Array, xNorms: Float64Array) => void;

/** `fromDots` from its source text (KernelImpl.fromDotsSource) and the kernel's constants. */
export function compileFromDots(source: string, constants: Readonly<Record<string, number>>): FromDots {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own source text, shared with the worker threads
  const make = (new Function(`return ${source}`) as () => (constants: Readonly<Record<string, number>>) => FromDots)();
  return make(constants);
}

export function kernelImpl(spec: KernelSpec): KernelImpl {
  switch (spec.type) {
    case 'gaussian':
      return gaussian(spec);
    case 'polynomial':
      return polynomial(spec);
    case 'linear':
      return linear(spec);
  }
}

/** Float64 reference block: out[b*l + j] = k(z_b, x_j). */
export function referenceBlock(
  impl: KernelImpl,
  X: Float64Array,
  xNorms: Float64Array,
  l: number,
  d: number,
  Z: Float64Array,
  zNorms: Float64Array,
  m: number,
  out: Float64Array,
): void {
  blockDots(X, l, d, Z, m, out);
  impl.fromDots(out, m, l, zNorms, xNorms);
}
