import { fit } from '../../src/app/fit';
import { loadDataset } from '../../src/data/load';
import type { Dataset } from '../../src/data/dataset';
import type { GainName } from '../../src/kha/gains';
import type { KernelSpec } from '../../src/kernels/kernel';
import { exactEigen } from '../helpers/problems';
import { join } from 'path';

// Every built-in kernel × every gain schedule from defaults (20 passes): the iteration never diverges,
// and on generated blobs the certificate says converged, with bounds that hold against ml-matrix.
const kernels: Array<[string, KernelSpec | undefined, (x: number) => number]> = [
  ['gaussian (median σ)', undefined, () => NaN],
  ['polynomial', { type: 'polynomial', degree: 3, coef0: 1 }, (dot) => (dot + 1) ** 3],
  ['linear', { type: 'linear' }, (dot) => dot],
];
const gains: GainName[] = ['constant', 'annealed', 'kha-et', 'smd'];
const grid = kernels.flatMap(([name, kernel, k]) => gains.map((gain) => [name, gain, kernel, k] as const));
const r = 4;

/** exact eigenvalues of the centered K′ of a polynomial or linear kernel (explicit float64) */
function exactValues(data: Dataset, k: (dot: number) => number): number[] {
  const { l, d, X } = data;
  const K = new Float64Array(l * l);
  for (let i = 0; i < l; i++)
    for (let j = 0; j < l; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += X[i * d + c] * X[j * d + c];
      K[i * l + j] = k(s);
    }
  const m = new Float64Array(l).map((_, i) => K.subarray(i * l, (i + 1) * l).reduce((a, b) => a + b, 0) / l);
  const mean = m.reduce((a, b) => a + b, 0) / l;
  return exactEigen(
    K.map((v, ij) => v - m[Math.floor(ij / l)] - m[ij % l] + mean),
    l,
  ).values;
}

/**
 * Runs that do not reach the certificate's tolerance (1e-2·λ1) in 20 passes from defaults: the
 * certificate must say so. Measured: blobs5d gaussian constant and annealed (λ4 bound 1.04e-2·λ1);
 * on mnist:1000:14 (r 4), only gaussian annealed, linear kha-et and linear smd converge.
 */
const SLOW = new Set(['blobs5d gaussian constant', 'blobs5d gaussian annealed']);

describe('defaults on blobs: no divergence, bounds that hold against ml-matrix', () => {
  let data: Dataset;
  const exact = new Map<string, number[]>();
  beforeAll(async () => {
    data = await loadDataset(join(__dirname, '../../data/blobs5d.csv'));
  });

  test.each(grid)('%s, %s', async (name, gain, kernel, k) => {
    const { model } = await fit(data, { components: r, kernel, gain, backend: 'reference' });
    const cert = model.certificate!;
    expect(cert.converged).toBe(!SLOW.has(`blobs5d ${name.split(' ')[0]} ${gain}`));
    if (!kernel) return; // the Gaussian's bounds are checked against ml-matrix in test/eval/certificate.test.ts
    if (!exact.has(name)) exact.set(name, exactValues(data, k));
    const lambda = exact.get(name)!;
    for (let i = 0; i < r; i++) {
      const c = cert.components[i];
      // rigorous: λ_i ≥ the Krylov lower bound, and some eigenvalue within ‖r_i‖ of θ_i
      expect(c.lowerBound).toBeLessThanOrEqual(lambda[i] * (1 + 1e-6));
      expect(Math.min(...lambda.map((v) => Math.abs(v - c.eigenvalue)))).toBeLessThanOrEqual(
        c.residual + 1e-6 * lambda[0],
      );
      // converged: within twice the tolerance of λ_i (an iterate near a saddle can read λ5 for λ4)
      expect(Math.abs(c.eigenvalue - lambda[i])).toBeLessThanOrEqual(2e-2 * lambda[0]);
    }
  });
});

describe('defaults on mnist:1000:14 never diverge, and what has not converged is flagged', () => {
  let data: Dataset;
  beforeAll(async () => {
    data = await loadDataset('mnist:1000:14');
  });
  test.each(grid)('%s, %s', async (_name, gain, kernel) => {
    const { model } = await fit(data, { components: r, kernel, gain, backend: 'wasm' });
    const cert = model.certificate!;
    for (const c of cert.components) {
      expect(Number.isFinite(c.residual) && c.eigenvalue > 0).toBe(true);
      expect(c.lowerBound).toBeGreaterThanOrEqual(c.eigenvalue);
    }
    const within = cert.components.every(
      (c) =>
        c.residual <= 1e-2 * cert.components[0].eigenvalue &&
        c.lowerBound - c.eigenvalue <= 1e-2 * cert.components[0].eigenvalue,
    );
    expect(cert.converged).toBe(within);
  });
});
