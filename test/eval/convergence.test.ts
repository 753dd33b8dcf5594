import {
  eigenvalueError,
  optimalReconstructionError,
  orthonormalityError,
  reconstructionError,
  relativeExcessError,
  subspaceError,
  subspaceSines,
} from '../../src/eval/convergence';
import { exactEigen, ReferenceSpectrum } from '../../src/eval/referenceSolver';
import { matmul } from '../../src/linalg/dense';
import { Rng } from '../../src/linalg/rng';
import { matrixWithSpectrum } from './spectra';

/**
 * A small explicit feature space: l centered points x_j ∈ R^d, linear kernel, so Φ'(x_j) = x_j and
 * K' = X Xᵀ. Everything the measures claim can then be checked in R^d directly.
 */
function linearKernelProblem(
  l: number,
  d: number,
  seed: number,
): { X: Float64Array; K: Float64Array; reference: ReferenceSpectrum } {
  const rng = new Rng(seed);
  const X = new Float64Array(l * d);
  for (let k = 0; k < d; k++) {
    // decreasing scales per feature, so the spectrum is well spread
    for (let j = 0; j < l; j++) X[j * d + k] = rng.normal() * (1 + 3 / (k + 1));
    let mean = 0;
    for (let j = 0; j < l; j++) mean += X[j * d + k] / l;
    for (let j = 0; j < l; j++) X[j * d + k] -= mean;
  }
  const K = new Float64Array(l * l);
  for (let i = 0; i < l; i++)
    for (let j = 0; j < l; j++) for (let k = 0; k < d; k++) K[i * l + j] += X[i * d + k] * X[j * d + k];
  let trace = 0;
  for (let i = 0; i < l; i++) trace += K[i * l + i];
  return { X, K, reference: { ...exactEigen(K, l, l), trace } };
}

/** A with rows u_i/√λ_i (the converged KHA coefficients). */
function exactCoefficients(reference: ReferenceSpectrum, r: number): Float64Array {
  const { l } = reference;
  const A = new Float64Array(r * l);
  for (let i = 0; i < r; i++)
    for (let j = 0; j < l; j++) A[i * l + j] = reference.vectors[i * l + j] / Math.sqrt(reference.values[i]);
  return A;
}

/** Σ_j ‖x_j − Wᵀ W x_j‖² with W = A X (r×d): the reconstruction error computed in feature space. */
function featureSpaceError(A: Float64Array, X: Float64Array, r: number, l: number, d: number): number {
  const W = matmul(A, X, r, l, d);
  let E = 0;
  for (let j = 0; j < l; j++) {
    const x = X.subarray(j * d, (j + 1) * d);
    const y = new Float64Array(r);
    for (let i = 0; i < r; i++) for (let k = 0; k < d; k++) y[i] += W[i * d + k] * x[k];
    for (let k = 0; k < d; k++) {
      let rec = 0;
      for (let i = 0; i < r; i++) rec += W[i * d + k] * y[i];
      E += (x[k] - rec) ** 2;
    }
  }
  return E;
}

describe('convergence measures on an explicit linear-kernel problem', () => {
  const l = 40;
  const d = 8;
  const r = 3;
  const { X, K, reference } = linearKernelProblem(l, d, 17);

  test('at the exact eigen-coefficients: excess, orthonormality and subspace errors vanish', () => {
    const A = exactCoefficients(reference, r);
    const AK = matmul(A, K, r, l, l);
    const E = reconstructionError(A, AK, r, l, reference.trace);
    expect(Math.abs(E - optimalReconstructionError(reference, r))).toBeLessThan(1e-10 * reference.trace);
    expect(Math.abs(relativeExcessError(E, reference, r))).toBeLessThan(1e-12);
    expect(orthonormalityError(A, AK, r, l)).toBeLessThan(1e-12);
    expect(subspaceError(A, AK, r, l, reference)).toBeLessThan(1e-7);
    expect(eigenvalueError(reference.values.slice(0, r), reference)).toBe(0);
  });

  test('E* is the sum of the discarded eigenvalues', () => {
    let tail = 0;
    for (let i = r; i < l; i++) tail += reference.values[i];
    expect(optimalReconstructionError(reference, r)).toBeCloseTo(tail, 9);
  });

  test('perturbed A: E(A) equals the feature-space error ‖Φ′ − WᵀWΦ′‖² and exceeds E*', () => {
    const rng = new Rng(3);
    const A = exactCoefficients(reference, r).map((v) => v + (0.05 * rng.normal()) / Math.sqrt(l));
    const AK = matmul(A, K, r, l, l);
    const E = reconstructionError(A, AK, r, l, reference.trace);
    const direct = featureSpaceError(A, X, r, l, d);
    expect(Math.abs(E - direct)).toBeLessThan(1e-10 * reference.trace);
    expect(relativeExcessError(E, reference, r)).toBeGreaterThan(1e-4);
    expect(orthonormalityError(A, AK, r, l)).toBeGreaterThan(1e-3);
  });

  test('orthonormality: A scaled by 2 gives A K′ Aᵀ = 4 I, error 3', () => {
    const A = exactCoefficients(reference, r).map((v) => 2 * v);
    expect(orthonormalityError(A, matmul(A, K, r, l, l), r, l)).toBeCloseTo(3, 10);
  });

  test('eigenvalue error: max |λ̃ − λ| / λ1', () => {
    const est = Float64Array.from(reference.values.slice(0, r));
    est[1] += 0.25 * reference.values[0];
    est[2] -= 0.125 * reference.values[0];
    expect(eigenvalueError(est, reference)).toBeCloseTo(0.25, 12);
  });

  test('shape and size mismatches are RangeErrors', () => {
    const A = exactCoefficients(reference, r);
    expect(() => reconstructionError(A, A.subarray(1), r, l, 1)).toThrow(RangeError);
    expect(() => eigenvalueError(new Float64Array(l + 1), reference)).toThrow(RangeError);
  });
});

describe('subspace error: principal angles with a known answer', () => {
  // K′ = Σ λ_i q_i q_iᵀ with λ = 4, 1, 1/4 and random orthonormal q_i in R^5.
  const l = 5;
  const spectrum = [4, 1, 0.25];
  const { M: K, U: Q } = matrixWithSpectrum(spectrum, l, 23);
  const reference: ReferenceSpectrum = { ...exactEigen(K, l, 3), trace: 5.25 };
  const q = (i: number, j: number): number => Q[i * l + j];

  /** row a = Σ_i c_i q_i/√λ_i, i.e. w = Σ_i c_i v_i in the RKHS */
  function row(c: number[]): Float64Array {
    return Float64Array.from({ length: l }, (_, j) =>
      c.reduce((s, ci, i) => s + (ci * q(i, j)) / Math.sqrt(spectrum[i]), 0),
    );
  }

  test.each([0.3, 1e-3, Math.PI / 2 - 0.1])(
    'r = 1: w = cos θ v1 + sin θ v2 has sin θ as its error (θ = %p)',
    (theta) => {
      const A = row([Math.cos(theta), Math.sin(theta)]);
      expect(subspaceError(A, matmul(A, K, 1, l, l), 1, l, reference)).toBeCloseTo(Math.sin(theta), 10);
    },
  );

  test('r = 2: w1 = v1, w2 = cos θ v2 + sin θ v3: sines (sin θ, 0), unchanged by mixing and scaling rows', () => {
    const theta = 0.2;
    const A = new Float64Array(2 * l);
    A.set(row([1]), 0);
    A.set(row([0, Math.cos(theta), Math.sin(theta)]), l);
    const sines = subspaceSines(A, matmul(A, K, 2, l, l), 2, l, reference);
    expect(sines[0]).toBeCloseTo(Math.sin(theta), 10);
    expect(sines[1]).toBeLessThan(1e-7);
    // B·A with B = [2 1; −1 3] spans the same functions.
    const B = Float64Array.of(2, 1, -1, 3);
    const BA = matmul(B, A, 2, 2, l);
    expect(subspaceError(BA, matmul(BA, K, 2, l, l), 2, l, reference)).toBeCloseTo(Math.sin(theta), 10);
  });

  test('a direction orthogonal to the eigenspace has sine 1', () => {
    const A = row([0, 0, 1]);
    expect(subspaceError(A, matmul(A, K, 1, l, l), 1, l, reference)).toBeCloseTo(1, 12);
  });
});
