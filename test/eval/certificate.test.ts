import { certificate, certifyRkhs, l2Residuals } from '../../src/eval/certificate';
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { rayleighRitz } from '../../src/kha/rayleighRitz';
import { matmul } from '../../src/linalg/dense';
import { Rng } from '../../src/linalg/rng';
import { exactEigen, smallProblem } from '../helpers/problems';

// The bounds are checked against ml-matrix's exact eigendecomposition of an explicit K′: perturbed
// exact eigenfunctions (several perturbation sizes) → Rayleigh–Ritz → certificate.
const problem = smallProblem(120, 5, 3);
const { l, Kc, eigenvalues: lambda, eigenvectors: U } = problem;
const source = new DenseRowSource(Kc, l);
const r = 4;

/** A: rows u_i/√λ_i (exact, A K′ Aᵀ = I) plus noise of relative size `noise`. */
function perturbed(noise: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const A = new Float64Array(r * l);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < l; j++)
      A[i * l + j] = U[i][j] / Math.sqrt(lambda[i]) + (noise * rng.normal()) / Math.sqrt(l * lambda[i]);
  return A;
}

/** sin of the RKHS angle between w = Φ′a and the eigenfunction Φ′u_i: cos = √λ_i (a·u_i) / √(aᵀK′a). */
function sinAngle(a: Float64Array, i: number): number {
  const Ka = matmul(Kc, Float64Array.from(a), l, l, 1);
  let aKa = 0;
  let au = 0;
  for (let j = 0; j < l; j++) {
    aKa += a[j] * Ka[j];
    au += a[j] * U[i][j];
  }
  const cos = Math.min(1, (Math.sqrt(lambda[i]) * Math.abs(au)) / Math.sqrt(aKa));
  return Math.sqrt(1 - cos * cos);
}

describe('certificate against the exact eigenpairs', () => {
  test.each([1e-6, 1e-3, 1e-2, 0.1, 0.5])('RKHS bounds hold with noise %s', async (noise) => {
    const A0 = perturbed(noise, 7);
    const AK0 = matmul(A0, Kc, r, l, l);
    const ritz = rayleighRitz(A0, AK0, r, l);
    const cert = await certifyRkhs(source, ritz.A, ritz.AK, ritz.eigenvalues, 1e-2);
    // the tail bound bounds λ_{r+1}, …
    expect(cert.tailBound).toBeGreaterThanOrEqual(lambda[r] * (1 - 1e-12));
    for (let i = 0; i < r; i++) {
      const c = cert.components[i];
      expect(c.lowerBound).toBeLessThanOrEqual(lambda[i] * (1 + 1e-9));
      expect(Math.abs(c.eigenvalue - lambda[i])).toBeLessThanOrEqual(
        c.eigenvalueBound * (1 + 1e-9) + 1e-12 * lambda[0],
      );
      expect(c.eigenvalueBound).toBeLessThanOrEqual(c.residual);
      if (c.angleBound !== null)
        expect(sinAngle(ritz.A.subarray(i * l, (i + 1) * l), i)).toBeLessThanOrEqual(c.angleBound * (1 + 1e-9) + 1e-7);
    }
    // bounds that can fail: not trivially loose for small noise
    if (noise <= 1e-3) {
      expect(cert.converged).toBe(true);
      // the last one needs a gap to λ5, which only the (loose) tail bound shows here
      for (const c of cert.components.slice(0, r - 1)) expect(c.angleBound).toBeLessThan(0.05);
    }
    if (noise >= 0.1) expect(cert.converged).toBe(false);
  });

  test('the residual of an exact eigenpair is at rounding level, of a mixed vector the mixing', async () => {
    const A = perturbed(0, 1);
    const AK = matmul(A, Kc, r, l, l);
    const cert = await certifyRkhs(source, A, AK, lambda.slice(0, r), 1e-2);
    for (const c of cert.components) expect(c.residual).toBeLessThan(1e-9 * lambda[0]);
    // w = (e_1 + e_2)/√2 in the RKHS: residual (λ1 − λ2)/2 at θ = (λ1 + λ2)/2
    const a = new Float64Array(l).map(
      (_, j) => (U[0][j] / Math.sqrt(lambda[0]) + U[1][j] / Math.sqrt(lambda[1])) / Math.SQRT2,
    );
    const mixed = await certifyRkhs(source, a, matmul(a, Kc, 1, l, l), [(lambda[0] + lambda[1]) / 2], 1e-2);
    expect(mixed.components[0].residual).toBeCloseTo((lambda[0] - lambda[1]) / 2, 10);
  });

  test('an iterate near a saddle (u5 in place of u4) has small residuals but is flagged; lower bounds hold', async () => {
    const eps = 0.05;
    const A = perturbed(0, 1);
    for (let j = 0; j < l; j++) A[3 * l + j] = U[4][j] / Math.sqrt(lambda[4]) + (eps * U[3][j]) / Math.sqrt(lambda[3]);
    const ritz = rayleighRitz(A, matmul(A, Kc, r, l, l), r, l);
    const cert = await certifyRkhs(source, ritz.A, ritz.AK, ritz.eigenvalues, 1e-2);
    // the residual alone would pass it: θ4 is near λ5, not λ4
    expect(cert.components[3].residual).toBeLessThan(1e-2 * lambda[0]);
    expect(Math.abs(cert.components[3].eigenvalue - lambda[4])).toBeLessThan(0.05 * lambda[4]);
    expect(cert.converged).toBe(false);
    expect(cert.warnings).toEqual([expect.stringMatching(/^λ4: not converged, a direction is missing/)]);
    for (let i = 0; i < r; i++) expect(cert.components[i].lowerBound).toBeLessThanOrEqual(lambda[i] * (1 + 1e-9));
    expect(cert.components[3].lowerBound).toBeGreaterThan(0.99 * lambda[3]);
  });

  test('ℓ2 residuals of exact eigenvectors vanish; of an indefinite matrix too', () => {
    // an indefinite symmetric matrix (negative eigenvalues, like K̃): K′ − λ3 I
    const M = Kc.map((v, ij) => (Math.floor(ij / l) === ij % l ? v - lambda[2] : v));
    const { values, vectors } = exactEigen(M, l);
    const Y = new Float64Array(r * l);
    for (let i = 0; i < r; i++) Y.set(vectors[i], i * l);
    const res = l2Residuals(Y, matmul(Y, M, r, l, l), values.slice(0, r), r, l);
    for (const v of res) expect(v).toBeLessThan(1e-9 * values[0]);
  });

  test('negative, non-finite and unconverged estimates are named', () => {
    const cert = certificate('rkhs', [2, 1, -0.001, NaN], [1e-6, 0.5, 1e-6, 0], 10, 1e-2);
    expect(cert.converged).toBe(false);
    expect(cert.warnings).toEqual([
      expect.stringMatching(/^λ2: not converged, residual 0\.50 exceeds 0\.01·λ1 = 0\.020/),
      expect.stringMatching(/^λ3: estimate -0\.001000 is not positive/),
      expect.stringMatching(/^λ4: estimate NaN is not finite/),
    ]);
  });
});
