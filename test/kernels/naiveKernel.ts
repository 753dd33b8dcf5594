/** Independent float64 kernel values for the kernel tests: a plain double loop, Gaussian in difference form. */
import type { GramBackend, KernelSpec } from '../../src/kernels';
import { Rng } from '../../src/linalg/rng';

function naiveKernel(spec: KernelSpec, A: Float64Array, a: number, B: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    if (spec.type === 'gaussian') s += (A[a * d + t] - B[b * d + t]) ** 2;
    else s += A[a * d + t] * B[b * d + t];
  }
  switch (spec.type) {
    case 'gaussian':
      return Math.exp(-spec.gamma * s);
    case 'polynomial':
      return (s + spec.coef0) ** spec.degree;
    case 'linear':
      return s;
  }
}

/** out[b*l + j] = k(z_b, x_j) */
export function naiveBlock(
  spec: KernelSpec,
  X: Float64Array,
  l: number,
  Z: Float64Array,
  m: number,
  d: number,
): Float64Array {
  const out = new Float64Array(m * l);
  for (let b = 0; b < m; b++) for (let j = 0; j < l; j++) out[b * l + j] = naiveKernel(spec, Z, b, X, j, d);
  return out;
}

/** n × d points uniform in [offset − 1, offset + 1). */
export function randomPoints(seed: number, n: number, d: number, offset = 0): Float64Array {
  const rng = new Rng(seed);
  const points = new Float64Array(n * d); // a loop: Float64Array.from is slow for the 2^24-value tests
  for (let i = 0; i < points.length; i++) points[i] = offset + 2 * rng.uniform() - 1;
  return points;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

export function maxAbs(a: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]));
  return e;
}

/**
 * Allowed max |error| of a block. The scale of a dot product's rounding error is ‖x‖‖z‖ (not |x·z|),
 * so linear and polynomial tolerances are relative to it: ‖x‖‖z‖ for linear, and
 * degree·(‖x‖‖z‖ + |coef0|)^degree for polynomial (the derivative bound).
 */
export function tolerance(
  backend: GramBackend,
  kernel: KernelSpec,
  X: Float64Array,
  Z: Float64Array,
  d: number,
): number {
  const normProduct = Math.sqrt(maxSquaredNorm(X, d) * maxSquaredNorm(Z, d));
  const scale =
    kernel.type === 'gaussian'
      ? 1
      : kernel.type === 'linear'
        ? normProduct
        : kernel.degree * (normProduct + Math.abs(kernel.coef0)) ** kernel.degree;
  return (backend.precision === 'f64' ? 1e-12 : 1e-6) * scale;
}

function maxSquaredNorm(A: Float64Array, d: number): number {
  let best = 0;
  for (let i = 0; i < A.length / d; i++) {
    best = Math.max(
      best,
      A.subarray(i * d, (i + 1) * d).reduce((s, v) => s + v * v, 0),
    );
  }
  return best;
}
