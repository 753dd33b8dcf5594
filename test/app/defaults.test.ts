import { fit } from '../../src/app/fit';
import { loadDataset } from '../../src/data/load';
import type { Dataset } from '../../src/data/dataset';
import type { GainName } from '../../src/kha/gains';
import type { KernelSpec } from '../../src/kernels/kernel';
import type { KpcaModel } from '../../src/model/model';
import { exactEigen, iterativeEigen, type TopEigenpairs } from '../../src/eval/referenceSolver';
import { denseMultiply } from '../../src/eval/blockMultiply';
import { join } from 'path';

// The grid of issue 13: every built-in kernel × every gain schedule, from defaults (--passes auto),
// on generated blobs and on mnist:1000:14. Each run must be certified converged, and the
// certificate must hold against the float64 eigensolver of src/eval/referenceSolver.ts on the same
// centered Gram matrix: λ_i ≥ the Krylov lower bound, |θ_i − λ_i| within the tolerance, and each
// component's RKHS angle to the exact top-r subspace within ‖r_i‖/(θ_i − λ_{r+1}).
const kernels: Array<[string, KernelSpec | undefined]> = [
  ['gaussian', undefined],
  ['polynomial', { type: 'polynomial', degree: 3, coef0: 1 }],
  ['linear', { type: 'linear' }],
];
const gains: GainName[] = ['constant', 'annealed', 'kha-et', 'smd'];
const grid = kernels.flatMap(([name, kernel]) => gains.map((gain) => [name, gain, kernel] as const));
const r = 4;
const tol = 1e-2;

/** The centered Gram matrix K′ of the model's kernel, in float64. */
function centeredGram(data: Dataset, kernel: KernelSpec): Float64Array {
  const { l, d, X } = data;
  const K = new Float64Array(l * l);
  for (let i = 0; i < l; i++)
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      let dist2 = 0;
      for (let c = 0; c < d; c++) {
        dot += X[i * d + c] * X[j * d + c];
        dist2 += (X[i * d + c] - X[j * d + c]) ** 2;
      }
      const k =
        kernel.type === 'gaussian'
          ? Math.exp(-kernel.gamma * dist2)
          : kernel.type === 'linear'
            ? dot
            : (dot + kernel.coef0) ** kernel.degree;
      K[i * l + j] = K[j * l + i] = k;
    }
  const m = new Float64Array(l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) m[i] += K[i * l + j] / l;
  const mean = m.reduce((a, b) => a + b, 0) / l;
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) K[i * l + j] += mean - m[i] - m[j];
  return K;
}

/** sin of the RKHS angle from w = Φ′a to span{exact eigenfunctions 1..r}: cos² = Σ_j λ_j (a·u_j)² / aᵀK′a. */
function sinToSubspace(a: Float64Array, K: Float64Array, exact: TopEigenpairs): number {
  const { l } = exact;
  let aKa = 0;
  for (let p = 0; p < l; p++) {
    let s = 0;
    for (let q = 0; q < l; q++) s += K[p * l + q] * a[q];
    aKa += a[p] * s;
  }
  let inside = 0;
  for (let j = 0; j < r; j++) {
    let au = 0;
    for (let p = 0; p < l; p++) au += a[p] * exact.vectors[j * l + p];
    inside += exact.values[j] * au * au;
  }
  return Math.sqrt(Math.max(0, 1 - inside / aKa));
}

/**
 * The certificate against the exact pairs: λ_i ≥ its Krylov lower bound and θ_i ≤ λ_i (Ritz values),
 * both rigorous (to the f32 Gram cache's rounding); and, as it says converged, |θ_i − λ_i| within the
 * tolerance and, where θ_i > λ_{r+1}, the angle from w_i to the exact top-r subspace within
 * ‖r_i‖/(θ_i − λ_{r+1}) (Davis–Kahan with the exact gap).
 */
function checkAgainstExact(model: KpcaModel, K: Float64Array, exact: TopEigenpairs): void {
  const cert = model.certificate!;
  const { l } = model;
  const lambda = exact.values;
  for (let i = 0; i < r; i++) {
    const c = cert.components[i];
    expect(c.lowerBound).toBeLessThanOrEqual(lambda[i] + 1e-5 * lambda[0]);
    expect(c.eigenvalue).toBeLessThanOrEqual(lambda[i] + 1e-5 * lambda[0]);
    expect(lambda[i] - c.eigenvalue).toBeLessThanOrEqual(tol * lambda[0]);
    const gap = c.eigenvalue - lambda[r];
    if (gap > 0)
      expect(sinToSubspace(model.A.subarray(i * l, (i + 1) * l), K, exact)).toBeLessThanOrEqual(
        c.residual / gap + 1e-5,
      );
  }
}

describe.each([
  ['blobs5d', () => loadDataset(join(__dirname, '../../data/blobs5d.csv')), 'reference' as const],
  ['mnist:1000:14', () => loadDataset('mnist:1000:14'), 'wasm' as const],
])('defaults converge on %s (--passes auto), checked against the exact eigensolver', (_set, load, backend) => {
  let data: Dataset;
  const exact = new Map<string, { K: Float64Array; pairs: TopEigenpairs }>();
  beforeAll(async () => {
    data = await load();
  });

  test.each(grid)('%s, %s', async (name, gain, kernel) => {
    const { model, stoppedBy } = await fit(data, { components: r, kernel, gain, backend });
    const cert = model.certificate!;
    if (!exact.has(name)) {
      const K = centeredGram(data, model.kernel);
      const pairs =
        data.l <= 400
          ? exactEigen(K, data.l, r + 1)
          : await iterativeEigen(denseMultiply(K, data.l), data.l, r + 1, { tol: 1e-10 });
      exact.set(name, { K, pairs });
    }
    const { K, pairs } = exact.get(name)!;
    expect(cert.converged).toBe(true);
    expect(stoppedBy).toBe('certificate');
    checkAgainstExact(model, K, pairs);
  });
});
