/**
 * Pre-images and denoising against independent float64 references written here with plain loops:
 * exact kernel PCA of a small cloud (ml-matrix eigenvectors), the projection, the coefficients γ
 * and the fixed-point iteration of Mika et al. (1998); linear PCA by ml-matrix's SVD.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { denoise, denoisingError, preimage, preimageCoefficients } from '../../src/app/denoise';
import { transform } from '../../src/app/transform';
import type { KernelSpec } from '../../src/kernels/kernel';
import type { KpcaModel } from '../../src/model/model';
import { Rng } from '../../src/linalg/rng';
import {
  exactEigen,
  gaussianCloud,
  gaussianGram,
  relativeMaxError,
  smallProblem,
  type SmallProblem,
} from '../helpers/problems';

const SIGMA = 2;

/**
 * A model holding the exact top-r eigenvectors of K' (K: the uncentered Gram matrix of X), scaled so that A K' Aᵀ = I.
 */
function exactModel(X: Float64Array, d: number, K: Float64Array, kernel: KernelSpec, r: number): KpcaModel {
  const l = X.length / d;
  const rowMeans = new Float64Array(l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) rowMeans[i] += K[i * l + j] / l;
  const grandMean = rowMeans.reduce((a, b) => a + b, 0) / l;
  const Kc = K.map((v, ij) => v - rowMeans[Math.floor(ij / l)] - rowMeans[ij % l] + grandMean);
  const { values, vectors } = exactEigen(Kc, l);
  const A = new Float64Array(r * l);
  for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) A[i * l + j] = vectors[i][j] / Math.sqrt(values[i]);
  return {
    kernel,
    components: r,
    X,
    l,
    d,
    featureNames: Array.from({ length: d }, (_, c) => `x${c}`),
    rowMeans,
    grandMean,
    trace: 0,
    A,
    eigenvalues: Float64Array.from(values.slice(0, r)),
    gain: { name: 'smd', parameters: {} },
    seed: 1,
    passes: 0,
    steps: 0,
    dataHash: '',
    backend: 'reference',
    stoppedBy: 'passes',
    softwareVersion: 'test',
  };
}

const gaussianModel = (p: SmallProblem, r: number) =>
  exactModel(p.X, p.d, gaussianGram(p.X, p.X, p.d, p.sigma), { type: 'gaussian', gamma: 1 / (2 * p.sigma ** 2) }, r);

/** The float64 reference: projection, γ, and the fixed-point iteration to tight convergence, point by point. */
function referenceDenoise(p: SmallProblem, r: number, Z0: Float64Array, iterations = 2000): Float64Array {
  const { l, d, X, sigma } = p;
  const K = gaussianGram(X, X, d, sigma);
  const rowMean = (i: number) => K.subarray(i * l, (i + 1) * l).reduce((a, b) => a + b, 0) / l;
  const m = Array.from({ length: l }, (_, i) => rowMean(i));
  const mbar = m.reduce((a, b) => a + b, 0) / l;
  const out = new Float64Array(Z0.length);
  for (let b = 0; b < Z0.length / d; b++) {
    const x = Z0.subarray(b * d, (b + 1) * d);
    const k = gaussianGram(X, x, d, sigma);
    const kbar = k.reduce((a, v) => a + v, 0) / l;
    const kc = Array.from(k, (v, j) => v - m[j] - kbar + mbar);
    // P Φ(x) − μ = Σ_i y_i v_i with v_i = Σ_j α_ij Φ̃(x_j), α_i = u_i/√λ_i
    const beta = new Array<number>(l).fill(0);
    for (let i = 0; i < r; i++) {
      const alpha = Array.from(p.eigenvectors[i], (u) => u / Math.sqrt(p.eigenvalues[i]));
      const y = alpha.reduce((s, a, j) => s + a * kc[j], 0);
      for (let j = 0; j < l; j++) beta[j] += y * alpha[j];
    }
    const sumBeta = beta.reduce((a, v) => a + v, 0);
    const gamma = beta.map((v) => v + (1 - sumBeta) / l);
    const z = Array.from(x);
    for (let it = 0; it < iterations; it++) {
      const kz = gaussianGram(X, Float64Array.from(z), d, sigma);
      let den = 0;
      const num = new Array<number>(d).fill(0);
      for (let j = 0; j < l; j++) {
        den += gamma[j] * kz[j];
        for (let c = 0; c < d; c++) num[c] += gamma[j] * kz[j] * X[j * d + c];
      }
      for (let c = 0; c < d; c++) z[c] = num[c] / den;
    }
    out.set(z, b * d);
  }
  return out;
}

function noisy(X: Float64Array, scale: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return X.map((v) => v + scale * rng.normal());
}

const p = smallProblem(40, 5, SIGMA);
const tight = { backend: 'reference' as const, tol: 1e-12, maxIterations: 2000 };

describe('pre-images of points in the span (all l − 1 components)', () => {
  const full = gaussianModel(p, p.l - 1);

  it('γ of a training point is its unit vector', async () => {
    const Y = await transform(full, p.X, p.l, { backend: 'reference' });
    const G = preimageCoefficients(full, Y, p.l);
    const I = new Float64Array(p.l * p.l);
    for (let i = 0; i < p.l; i++) I[i * p.l + i] = 1;
    expect(relativeMaxError(G, I)).toBeLessThan(1e-8);
  });

  it('denoising a training point with all components returns it', async () => {
    const res = await denoise(full, p.X, p.l, tight);
    expect(relativeMaxError(res.Z, p.X)).toBeLessThan(1e-8);
    expect(res).toMatchObject({ restarted: 0, failed: 0, unconverged: 0 });
  });

  it('the pre-image from the nearest-neighbour start (no start given) returns the point too', async () => {
    const Y = await transform(full, p.X, p.l, { backend: 'reference' });
    const res = await preimage(full, Y, p.l, tight);
    expect(relativeMaxError(res.Z, p.X)).toBeLessThan(1e-8);
  });

  it('restarts a point whose start collapses (no training point within reach) and counts it', async () => {
    const far = p.X.slice(0, 2 * p.d);
    far.fill(1e3, 0, p.d); // k(z, x_j) underflows to 0: the denominator vanishes
    const Y = await transform(full, p.X.subarray(0, 2 * p.d), 2, { backend: 'reference' });
    const res = await preimage(full, Y, 2, { ...tight, start: far });
    expect(res.restarted).toBe(1);
    expect(res.failed).toBe(0);
    expect(relativeMaxError(res.Z, p.X.subarray(0, 2 * p.d))).toBeLessThan(1e-8);
  });
});

describe('a point whose every start collapses', () => {
  it('is counted as failed and gets its nearest-neighbour estimate (finite), never NaN', async () => {
    // 1-D points at j²: with σ = 0.01 every kernel value between distinct points underflows to 0,
    // so K = I, and the mean of 10 training points (the nearest-neighbour start) is far from all of them.
    const l = 12;
    const X = Float64Array.from({ length: l }, (_, j) => j * j);
    const sigma = 0.01;
    const model = exactModel(
      X,
      1,
      gaussianGram(X, X, 1, sigma),
      { type: 'gaussian', gamma: 1 / (2 * sigma ** 2) },
      l - 1,
    );
    const Y = await transform(model, X.subarray(l - 1), 1, { backend: 'reference' });
    const res = await preimage(model, Y, 1, { backend: 'reference' });
    expect(res).toMatchObject({ failed: 1, restarted: 0 });
    expect(Number.isFinite(res.Z[0])).toBe(true);
    // the estimate is the mean of 10 of the points: 10·z is a sum of 10 distinct squares, one of them 121
    expect(Number.isInteger(Math.round(10 * res.Z[0] * 1e6) / 1e6)).toBe(true);
    expect(Math.abs(res.Z[0] - 121)).toBeGreaterThan(1);
  });
});

describe('denoising new points with r < l components', () => {
  const r = 4;
  const model = gaussianModel(p, r);
  const clean = gaussianCloud(12, 9);
  const Xn = noisy(clean, 0.3, 2);

  it('equals the float64 reference implementation', async () => {
    const res = await denoise(model, Xn, 12, { ...tight, blockSize: 5 });
    expect(res.unconverged).toBe(0);
    expect(relativeMaxError(res.Z, referenceDenoise(p, r, Xn))).toBeLessThan(1e-7);
  });

  it('agrees with the float64 reference on the wasm backend to f32 accuracy', async () => {
    const res = await denoise(model, Xn, 12, { backend: 'wasm', tol: 1e-6 });
    expect(relativeMaxError(res.Z, referenceDenoise(p, r, Xn))).toBeLessThan(1e-4);
  });

  it('a linear-kernel model denoises exactly as linear PCA (mean + top-r projection)', async () => {
    const { l, d, X } = p;
    const Kl = new Float64Array(l * l);
    for (let i = 0; i < l; i++)
      for (let j = 0; j < l; j++) for (let c = 0; c < d; c++) Kl[i * l + j] += X[i * d + c] * X[j * d + c];
    const linear = exactModel(X, d, Kl, { type: 'linear' }, 2);
    const res = await denoise(linear, Xn, 12, { backend: 'reference' });
    // reference: linear PCA by the SVD of the centered data
    const mean = Array.from(
      { length: d },
      (_, c) => Array.from({ length: l }, (_, i) => X[i * d + c]).reduce((a, b) => a + b, 0) / l,
    );
    const centered = new Matrix(
      Array.from({ length: l }, (_, i) => Array.from({ length: d }, (_, c) => X[i * d + c] - mean[c])),
    );
    const V = new SingularValueDecomposition(centered).rightSingularVectors;
    const expected = new Float64Array(12 * d);
    for (let b = 0; b < 12; b++)
      for (let k = 0; k < 2; k++) {
        let y = 0;
        for (let c = 0; c < d; c++) y += (Xn[b * d + c] - mean[c]) * V.get(c, k);
        for (let c = 0; c < d; c++) expected[b * d + c] += y * V.get(c, k);
      }
    for (let b = 0; b < 12; b++) for (let c = 0; c < d; c++) expected[b * d + c] += mean[c];
    expect(relativeMaxError(res.Z, expected)).toBeLessThan(1e-9);
  });

  it('refuses a polynomial kernel, naming the kernels it supports', async () => {
    const poly = { ...model, kernel: { type: 'polynomial' as const, degree: 2, coef0: 1 } };
    await expect(preimage(poly, new Float64Array(r), 1)).rejects.toThrow(
      /gaussian and linear kernels; this model's kernel is polynomial/,
    );
  });

  it('measures MSE and SNR against the clean points', () => {
    const { mse, snr } = denoisingError(Float64Array.of(1, 2, 0, 0), Float64Array.of(1, 1, 1, 0));
    expect(mse).toBe(0.5);
    expect(snr).toBeCloseTo(10 * Math.log10(5 / 2), 12);
  });
});
