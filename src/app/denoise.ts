/**
 * Use-case: pre-images and denoising (Mika, Schölkopf, Smola, Müller, Scholz & Rätsch, "Kernel PCA
 * and De-Noising in Feature Spaces", NIPS 1998). A point x is projected onto the top-r centered
 * kernel principal subspace, and a point z of input space is sought whose image Φ(z) is closest to
 * that projection P Φ(x). docs/ALGORITHMS.md ("Pre-images and denoising") derives the coefficients:
 *
 *     P Φ(x) = Σ_j γ_j Φ(x_j),   γ = Aᵀy + (1 − 1ᵀAᵀy)/l · 1,   y = A k'(x)
 *
 * Gaussian kernel: the fixed-point iteration z ← Σ_j γ_j k(z, x_j) x_j / Σ_j γ_j k(z, x_j), run on a
 * block of points at a time (one Gram-backend call per block and iteration). Linear kernel: Φ is the
 * identity, so the pre-image is Σ_j γ_j x_j exactly. Polynomial kernels are refused.
 */
import { UserError } from '../errors';
import { createGramBackend } from '../kernels';
import type { BackendRequest, GramBackend } from '../kernels/backend';
import type { KpcaModel } from '../model/model';
import { transform } from './transform';

export interface PreimageOptions {
  backend?: BackendRequest;
  /** points per backend call (default 64) */
  blockSize?: number;
  /** fixed-point iterations per start (default 100) */
  maxIterations?: number;
  /** converged when a step moves z by at most tol·‖z‖ (default 1e-5; the f32 backends resolve ~1e-7) */
  tol?: number;
  /** training points averaged for the nearest-neighbour start (default 10) */
  neighbours?: number;
  /** m × d starting points (denoise passes the noisy points); default: the nearest-neighbour start */
  start?: Float64Array;
}

export interface PreimageResult {
  /** m × d pre-images, row-major */
  Z: Float64Array;
  /** fixed-point iterations done (all points and starts together) */
  iterations: number;
  /**
   * points whose first start stalled or collapsed (denominator → 0) and were started again from their nearest training
   * neighbours
   */
  restarted: number;
  /** points whose every start collapsed: Z holds their nearest-neighbour estimate */
  failed: number;
  /** points that had not converged to tol after maxIterations: Z holds the last iterate */
  unconverged: number;
}

export const PREIMAGE_DEFAULTS = { blockSize: 64, maxIterations: 100, tol: 1e-5, neighbours: 10 };

/** A denominator below this fraction of Σ_j |γ_j| k(z, x_j) has cancelled: z has left the data (collapse). */
const COLLAPSE = 1e-8;

/** Kernels with a pre-image method: the refusal names them. */
export const PREIMAGE_KERNELS = ['gaussian', 'linear'] as const;

/**
 * γ (m × l) of P Φ(x) = Σ_j γ_j Φ(x_j) from projections Y (m × r): the component part Aᵀy plus the
 * training mean's share (1 − Σ_j (Aᵀy)_j)/l, which the centering puts back.
 */
export function preimageCoefficients(model: KpcaModel, Y: Float64Array, m: number): Float64Array {
  const { l, components: r, A } = model;
  const G = new Float64Array(m * l);
  for (let b = 0; b < m; b++) {
    const g = G.subarray(b * l, (b + 1) * l);
    for (let i = 0; i < r; i++) {
      const y = Y[b * r + i];
      for (let j = 0; j < l; j++) g[j] += y * A[i * l + j];
    }
    let s = 0;
    for (let j = 0; j < l; j++) s += g[j];
    const c = (1 - s) / l;
    for (let j = 0; j < l; j++) g[j] += c;
  }
  return G;
}

/** Pre-images of the m projections Y (m × r, as `transform` returns them). */
export async function preimage(
  model: KpcaModel,
  Y: Float64Array,
  m: number,
  options: PreimageOptions = {},
): Promise<PreimageResult> {
  const { l, d, components: r } = model;
  if (Y.length !== m * r)
    throw new UserError(
      `pre-images need ${r} projections per point (the model's components), got ${m > 0 ? Y.length / m : 0}`,
    );
  if (options.start && options.start.length !== m * d)
    throw new UserError(`the starting points have ${m > 0 ? options.start.length / m : 0} features, the model ${d}`);
  const kernel = model.kernel;
  if (kernel.type === 'linear')
    return {
      Z: combine(preimageCoefficients(model, Y, m), model.X, m, l, d),
      iterations: 0,
      restarted: 0,
      failed: 0,
      unconverged: 0,
    };
  if (kernel.type !== 'gaussian')
    throw new UserError(
      `pre-images are computed for the ${PREIMAGE_KERNELS.join(' and ')} kernels; this model's kernel is ${kernel.type}`,
    );
  const o = { ...PREIMAGE_DEFAULTS, ...options };
  const backend = await createGramBackend(o.backend ?? 'auto', kernel, model.X, l, d);
  try {
    return await gaussianFixedPoint(model, backend, Y, m, o);
  } finally {
    await backend.dispose();
  }
}

/**
 * Denoised points: each point of X (m × d) projected onto the model's r components and mapped back, starting at
 * itself.
 */
export async function denoise(
  model: KpcaModel,
  X: Float64Array,
  m: number,
  options: PreimageOptions = {},
): Promise<PreimageResult> {
  const Y = await transform(model, X, m, { backend: options.backend, blockSize: options.blockSize });
  return preimage(model, Y, m, { start: X, ...options });
}

/** Mean squared error per value, and SNR = 10 log10(Σ clean² / Σ (z − clean)²) in dB, against the clean points. */
export function denoisingError(clean: Float64Array, Z: Float64Array): { mse: number; snr: number } {
  if (clean.length !== Z.length)
    throw new RangeError(`denoisingError: ${clean.length} clean values, ${Z.length} denoised`);
  let err = 0;
  let signal = 0;
  for (let i = 0; i < clean.length; i++) {
    err += (Z[i] - clean[i]) ** 2;
    signal += clean[i] ** 2;
  }
  return { mse: err / clean.length, snr: 10 * Math.log10(signal / err) };
}

/** G (m × l) times X (l × d). */
function combine(G: Float64Array, X: Float64Array, m: number, l: number, d: number): Float64Array {
  const Z = new Float64Array(m * d);
  for (let b = 0; b < m; b++) {
    const z = Z.subarray(b * d, (b + 1) * d);
    for (let j = 0; j < l; j++) {
      const g = G[b * l + j];
      if (g === 0) continue;
      for (let c = 0; c < d; c++) z[c] += g * X[j * d + c];
    }
  }
  return Z;
}

type Options = typeof PREIMAGE_DEFAULTS & PreimageOptions;

/** Block by block: γ of the block (count × l, so that memory stays O(blockSize·l)), then the iteration. */
async function gaussianFixedPoint(
  model: KpcaModel,
  backend: GramBackend,
  Y: Float64Array,
  m: number,
  o: Options,
): Promise<PreimageResult> {
  const { d, X, components: r } = model;
  const Z = new Float64Array(m * d);
  const result: PreimageResult = { Z, iterations: 0, restarted: 0, failed: 0, unconverged: 0 };
  for (let b0 = 0; b0 < m; b0 += o.blockSize) {
    const count = Math.min(o.blockSize, m - b0);
    const g = preimageCoefficients(model, Y.subarray(b0 * r, (b0 + count) * r), count);
    const z = Z.subarray(b0 * d, (b0 + count) * d);
    const all = Array.from({ length: count }, (_, b) => b);
    let collapsed = all;
    if (o.start) {
      z.set(o.start.subarray(b0 * d, (b0 + count) * d));
      collapsed = await iterate(backend, X, g, z, all, o, result);
      result.restarted += collapsed.length;
    }
    if (collapsed.length === 0) continue;
    const fallback = await neighbourStart(backend, X, g, collapsed, o.neighbours);
    const restart = (b: number) => {
      const s = collapsed.indexOf(b);
      z.set(fallback.subarray(s * d, (s + 1) * d), b * d);
    };
    collapsed.forEach(restart);
    const failed = await iterate(backend, X, g, z, collapsed, o, result);
    failed.forEach(restart); // their estimate is the nearest-neighbour start itself
    result.failed += failed.length;
  }
  return result;
}

/**
 * The fixed-point iteration for the points `which` of a block (z: count × d, updated in place;
 * g: their γ rows). Returns the points that collapsed; counts iterations and unconverged points.
 */
async function iterate(
  backend: GramBackend,
  X: Float64Array,
  g: Float64Array,
  z: Float64Array,
  which: number[],
  o: Options,
  result: PreimageResult,
): Promise<number[]> {
  const { l, d } = backend;
  const collapsed: number[] = [];
  let active = which;
  const Za = new Float64Array(which.length * d);
  const K = new Float64Array(which.length * l);
  const next = new Float64Array(d);
  for (let it = 0; it < o.maxIterations && active.length > 0; it++) {
    active.forEach((b, a) => Za.set(z.subarray(b * d, (b + 1) * d), a * d));
    await backend.cross(Za.subarray(0, active.length * d), active.length, K);
    result.iterations += active.length;
    const still: number[] = [];
    active.forEach((b, a) => {
      let den = 0;
      let mass = 0;
      next.fill(0);
      for (let j = 0; j < l; j++) {
        const w = g[b * l + j] * K[a * l + j];
        den += w;
        mass += Math.abs(w);
        if (w !== 0) for (let c = 0; c < d; c++) next[c] += w * X[j * d + c];
      }
      if (!(den > COLLAPSE * mass)) {
        collapsed.push(b);
        return;
      }
      let step = 0;
      let norm = 0;
      for (let c = 0; c < d; c++) {
        const v = next[c] / den;
        step += (v - z[b * d + c]) ** 2;
        norm += v * v;
        z[b * d + c] = v;
      }
      if (step > o.tol * o.tol * norm) still.push(b);
    });
    active = still;
  }
  result.unconverged += active.length;
  return collapsed;
}

/**
 * After Kwok & Tsang (ICML 2003): start from the training points nearest to P Φ(x) in feature space,
 * ‖P Φ(x) − Φ(x_j)‖² = k(x_j, x_j) − 2 (K γ)_j + const, whose Gaussian k(x_j, x_j) = 1: the n largest
 * (K γ)_j. Their mean is the start (count × d for the points `which`). K γ takes one pass over the
 * Gram rows, paid only for points whose own start collapsed (or when there is none).
 */
async function neighbourStart(
  backend: GramBackend,
  X: Float64Array,
  g: Float64Array,
  which: number[],
  n: number,
): Promise<Float64Array> {
  const { l, d } = backend;
  const s = which.length;
  const KG = new Float64Array(s * l);
  const rowsPerCall = 64;
  const rows = new Float64Array(rowsPerCall * l);
  for (let j0 = 0; j0 < l; j0 += rowsPerCall) {
    const count = Math.min(rowsPerCall, l - j0);
    await backend.rows(
      Array.from({ length: count }, (_, k) => j0 + k),
      rows,
    );
    which.forEach((b, a) => {
      for (let k = 0; k < count; k++) {
        let v = 0;
        for (let i = 0; i < l; i++) v += g[b * l + i] * rows[k * l + i];
        KG[a * l + j0 + k] = v;
      }
    });
  }
  const start = new Float64Array(s * d);
  const take = Math.min(n, l);
  for (let a = 0; a < s; a++) {
    const kg = KG.subarray(a * l, (a + 1) * l);
    const nearest = Array.from({ length: l }, (_, j) => j)
      .sort((i, j) => kg[j] - kg[i] || i - j)
      .slice(0, take);
    for (const j of nearest) for (let c = 0; c < d; c++) start[a * d + c] += X[j * d + c] / take;
  }
  return start;
}
