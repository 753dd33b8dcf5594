import { NumericalError } from '../../src/errors';
import { denseMultiply, rowSourceMultiply } from '../../src/eval/blockMultiply';
import { exactEigen, iterativeEigen, iterativeEigenDense, TopEigenpairs } from '../../src/eval/referenceSolver';
import type { RowSource } from '../../src/kernels/rowSource';
import { Rng } from '../../src/linalg/rng';
import { matrixWithSpectrum, spectrumWithTies } from './spectra';

/** ‖M u − λ u‖ for row i of a result. */
function residual(M: Float64Array, l: number, res: TopEigenpairs, i: number): number {
  const u = res.vectors.subarray(i * l, (i + 1) * l);
  let s = 0;
  for (let p = 0; p < l; p++) {
    let mu = 0;
    for (let q = 0; q < l; q++) mu += M[p * l + q] * u[q];
    s += (mu - res.values[i] * u[p]) ** 2;
  }
  return Math.sqrt(s);
}

/** Σ_j (u_i · v_j)² over j in group: 1 when u_i lies in span{v_j}. */
function captured(a: TopEigenpairs, i: number, b: TopEigenpairs, group: number[]): number {
  const l = a.l;
  let s = 0;
  for (const j of group) {
    let d = 0;
    for (let p = 0; p < l; p++) d += a.vectors[i * l + p] * b.vectors[j * l + p];
    s += d * d;
  }
  return s;
}

function wishart(l: number, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const X = new Float64Array(l * n);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const M = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += X[i * n + k] * X[j * n + k];
      M[i * l + j] = s;
      M[j * l + i] = s;
    }
  }
  return M;
}

describe('exactEigen', () => {
  test('recovers a constructed spectrum; rows are unit eigenvectors', () => {
    const l = 60;
    const spectrum = spectrumWithTies(l);
    const { M } = matrixWithSpectrum(spectrum, l, 3);
    const res = exactEigen(M, l, 12);
    expect(res.values.length).toBe(12);
    expect(res.vectors.length).toBe(12 * l);
    for (let i = 0; i < 12; i++) {
      expect(Math.abs(res.values[i] - spectrum[i])).toBeLessThan(1e-12 * 100);
      expect(residual(M, l, res, i)).toBeLessThan(1e-11);
    }
  });

  test('hand-checked 2×2', () => {
    const res = exactEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(res.values)).toEqual([expect.closeTo(3, 14), expect.closeTo(1, 14)]);
    expect(Array.from(res.vectors)).toEqual(
      [0.5, 0.5, 0.5, -0.5].map((v) => expect.closeTo(Math.sign(v) * Math.SQRT1_2, 14)),
    );
  });
});

describe('iterativeEigen (block Krylov) against exactEigen', () => {
  const l = 400;
  const r = 10;

  test('near-tied and repeated eigenvalues: values to 1e-9·λ1, vectors/subspaces to rounding', async () => {
    const { M } = matrixWithSpectrum(spectrumWithTies(l), l, 7);
    const exact = exactEigen(M, l, r + 1);
    const it = await iterativeEigenDense(M, l, r);
    expect(it.products).toBeGreaterThan(0);
    for (let i = 0; i < r; i++) {
      expect(Math.abs(it.values[i] - exact.values[i])).toBeLessThan(1e-9 * exact.values[0]);
      expect(it.residuals[i]).toBeLessThanOrEqual(1e-10 * it.values[0]);
      expect(residual(M, l, it, i)).toBeLessThan(2e-10 * it.values[0]);
    }
    // Spectrum 100, 60, 60(1−1e-7), 40, 30, 30, 20, 15, 15(1−1e-4), 12: the tied groups are
    // determined only as subspaces; the others are single vectors (up to sign, fixed by the rule).
    const groups = [[0], [1, 2], [3], [4, 5], [6], [7, 8], [9]];
    for (const group of groups) {
      for (const i of group) expect(captured(it, i, exact, group)).toBeCloseTo(1, 9);
    }
    for (const i of [0, 3, 6, 9]) {
      for (let p = 0; p < l; p++) expect(Math.abs(it.vectors[i * l + p] - exact.vectors[i * l + p])).toBeLessThan(1e-8);
    }
  });

  test.each([
    [11, 'Wishart B Bᵀ, 400×100'],
    [12, 'Wishart B Bᵀ, 400×100, other seed'],
  ])('random PSD matrix (seed %d, %s)', async (seed) => {
    const M = wishart(l, 100, seed);
    const exact = exactEigen(M, l, r);
    const it = await iterativeEigenDense(M, l, r, { seed });
    for (let i = 0; i < r; i++) {
      expect(Math.abs(it.values[i] - exact.values[i])).toBeLessThan(1e-9 * exact.values[0]);
      expect(captured(it, i, exact, [i])).toBeCloseTo(1, 9);
    }
  });

  test('thick restarts (small maxBasis) still converge to the same pairs', async () => {
    const { M } = matrixWithSpectrum(spectrumWithTies(l), l, 7);
    const exact = exactEigen(M, l, r);
    const it = await iterativeEigenDense(M, l, r, { blockSize: 4, maxBasis: 30 });
    expect(it.restarts).toBeGreaterThan(0);
    for (let i = 0; i < r; i++) expect(Math.abs(it.values[i] - exact.values[i])).toBeLessThan(1e-9 * exact.values[0]);
  });

  test('deterministic for a seed; float32 matrix and RowSource give the same answer', async () => {
    const { M } = matrixWithSpectrum(spectrumWithTies(l), l, 9);
    const a = await iterativeEigenDense(M, l, 6, { seed: 5 });
    const b = await iterativeEigenDense(M, l, 6, { seed: 5 });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(Array.from(b.vectors)).toEqual(Array.from(a.vectors));

    const M32 = Float32Array.from(M);
    const exact32 = exactEigen(Float64Array.from(M32), l, 6);
    const c = await iterativeEigenDense(M32, l, 6);
    for (let i = 0; i < 6; i++) expect(Math.abs(c.values[i] - exact32.values[i])).toBeLessThan(1e-9 * 100);

    let calls = 0;
    const source: RowSource = {
      l,
      rows: async (indices, out) => {
        calls++;
        for (let k = 0; k < indices.length; k++) out.set(M.subarray(indices[k] * l, (indices[k] + 1) * l), k * l);
      },
    };
    const d = await iterativeEigen(rowSourceMultiply(source, 64), l, 6, { seed: 5 });
    expect(calls).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) expect(d.values[i]).toBeCloseTo(a.values[i], 10);
  });

  test('small l: the basis fills the whole space and the answer is exact', async () => {
    const small = 20;
    const { M } = matrixWithSpectrum(spectrumWithTies(small), small, 4);
    const exact = exactEigen(M, small, 8);
    const it = await iterativeEigenDense(M, small, 8, { blockSize: 3 });
    for (let i = 0; i < 8; i++) expect(Math.abs(it.values[i] - exact.values[i])).toBeLessThan(1e-12 * 100);
  });

  test('too few products is a NumericalError, bad options a RangeError', async () => {
    const { M } = matrixWithSpectrum(spectrumWithTies(l), l, 7);
    await expect(iterativeEigenDense(M, l, r, { maxProducts: 20 })).rejects.toThrow(NumericalError);
    await expect(iterativeEigenDense(M, l, r, { maxBasis: 15 })).rejects.toThrow(RangeError);
    await expect(iterativeEigenDense(M, l, 0)).rejects.toThrow(RangeError);
    expect(() => denseMultiply(M, l + 1)).toThrow(RangeError);
  });
});
