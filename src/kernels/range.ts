/**
 * The data range of the f32 backends. wasm and gpu.js round points to f32 and accumulate dot
 * products in f32: values beyond about 2^64 overflow when squared, values below about 2^-63
 * underflow, and either gives a wrong kernel without a word. So before an f32 backend sees the
 * training points they are scaled by a power of two s to a maximum magnitude near 1, and the kernel
 * absorbs the factor exactly (powers of two multiply exactly in binary floating point):
 *
 *     gaussian    exp(−γ‖x − z‖²)  = exp(−(γ/s²)‖sx − sz‖²)
 *     polynomial  (x·z + c)^p      = (sx·sz + s²c)^p · s^(−2p)
 *     linear      x·z              = (sx·sz) · s^(−2)
 *
 * Points of later calls (`cross`) are scaled by the same s; those still out of range relative to
 * the training points are refused with advice rather than computed wrong.
 */
import { UserError } from '../errors';
import type { BackendName, GramBackend } from './backend';
import type { KernelSpec } from './kernel';

/** max |x| in [2^-SAFE, 2^SAFE] needs no scaling: f32 dot products of d ≤ 2^20 terms stay in range */
const SAFE_EXPONENT = 20;
/** `cross` points may be this many binary orders larger (or, for dot-product kernels, smaller) than X */
const CROSS_EXPONENT = 40;

/** x · 2^e, exact unless the result over- or underflows (2^e alone may not be representable). */
export function timesPowerOfTwo(x: number, e: number): number {
  const half = Math.trunc(e / 2);
  return x * 2 ** half * 2 ** (e - half);
}

export function maxAbs(values: ArrayLike<number>, n = values.length): number {
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

/** Whether values up to `largest` in magnitude keep f32's relative precision (normal, not overflowing, with room below). */
export function fitsF32(largest: number): boolean {
  return largest === 0 || (largest < 2 ** 120 && largest > 2 ** -100);
}

/** The binary exponent of a positive finite number (−Infinity for 0). */
const exponentOf = (x: number): number => (x > 0 ? Math.floor(Math.log2(x)) : -Infinity);

/** The exponent e such that X · 2^e needs no more scaling: 0 when X is within the safe range (or all zero). */
export function rangeExponent(X: ArrayLike<number>, n = X.length): number {
  const e = exponentOf(maxAbs(X, n));
  return Number.isFinite(e) && Math.abs(e) > SAFE_EXPONENT ? -e : 0;
}

/** The kernel on points scaled by 2^e, and the exponent of the factor its values are multiplied by afterwards. */
export function scaledKernel(kernel: KernelSpec, e: number): { kernel: KernelSpec; outputExponent: number } {
  switch (kernel.type) {
    case 'gaussian':
      return { kernel: { type: 'gaussian', gamma: timesPowerOfTwo(kernel.gamma, -2 * e) }, outputExponent: 0 };
    case 'polynomial':
      return {
        kernel: { ...kernel, coef0: timesPowerOfTwo(kernel.coef0, 2 * e) },
        outputExponent: -2 * e * kernel.degree,
      };
    case 'linear':
      return { kernel, outputExponent: -2 * e };
  }
}

const advice = (name: string) => `the f32 backend ${name} cannot represent them; use --backend reference (float64)`;

/**
 * Create an f32 backend with `create` over X scaled into its range (see above), wrapped so that
 * `cross` scales its points alike and refuses those still out of range.
 */
export async function createInF32Range(
  name: BackendName,
  kernel: KernelSpec,
  X: Float64Array,
  l: number,
  d: number,
  create: (kernel: KernelSpec, X: Float64Array) => Promise<GramBackend>,
): Promise<GramBackend> {
  const e = rangeExponent(X, l * d);
  const scaled = scaledKernel(kernel, e);
  if (scaled.kernel.type === 'gaussian' && !(Number.isFinite(scaled.kernel.gamma) && scaled.kernel.gamma > 0))
    throw new UserError(
      `gamma ${JSON.stringify(kernel)} at the data's scale (max |x| = ${maxAbs(X, l * d)}) is out of float range: ${advice(name)}`,
    );
  const inner = await create(scaled.kernel, e === 0 ? X : X.map((x) => timesPowerOfTwo(x, e)));
  return new RangeGuardedBackend(inner, kernel.type !== 'gaussian', e, scaled.outputExponent);
}

class RangeGuardedBackend implements GramBackend {
  readonly name: BackendName;
  readonly precision: 'f32' | 'f64';
  readonly l: number;
  readonly d: number;

  constructor(
    private readonly inner: GramBackend,
    /** dot-product kernels lose points much smaller than X too; the Gaussian only needs distances */
    private readonly smallMatters: boolean,
    private readonly e: number,
    private readonly outputExponent: number,
  ) {
    ({ name: this.name, precision: this.precision, l: this.l, d: this.d } = inner);
  }

  async cross(Z: Float64Array, m: number, out: Float64Array): Promise<void> {
    const zs = this.e === 0 ? Z : Z.map((z) => timesPowerOfTwo(z, this.e));
    const e = exponentOf(maxAbs(zs, m * this.d));
    if (e > CROSS_EXPONENT || (this.smallMatters && e < -CROSS_EXPONENT - SAFE_EXPONENT))
      throw new UserError(
        `points of magnitude ${maxAbs(Z, m * this.d).toPrecision(3)} are 2^${e} times ` +
          `the training points' scale: ${advice(this.name)}`,
      );
    await this.inner.cross(zs, m, out);
    this.rescale(out, m);
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.inner.rows(indices, out);
    this.rescale(out, indices.length);
  }

  private rescale(out: Float64Array, m: number): void {
    if (this.outputExponent === 0) return;
    for (let i = 0; i < m * this.l; i++) out[i] = timesPowerOfTwo(out[i], this.outputExponent);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
