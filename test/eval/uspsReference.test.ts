import { readFileSync } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { iterativeEigenDense } from '../../src/eval/referenceSolver';

/**
 * The iterative reference solver on the real problem: USPS train (l = 7291), Gaussian kernel σ = 8,
 * centered, top 16 eigenvalues. Runs only when KPCA_USPS_DIR names the directory holding
 * zip.train.gz (e.g. KPCA_USPS_DIR=/work/shared/data/usps); it takes about a minute.
 */
const dir = process.env.KPCA_USPS_DIR;

/** scikit-learn KernelPCA(kernel='rbf', gamma=1/128).eigenvalues_ as quoted in ALGORITHMS.md (3 decimals). */
const SKLEARN_3DP = [
  585.822, 303.583, 188.099, 143.368, 129.311, 124.721, 108.867, 97.716, 85.777, 74.519, 65.667, 62.865, 54.042, 53.544,
  48.695, 45.259,
];
/**
 * The same eigenvalues to full precision from scikit-learn 1.2.1 itself (Debian python3-sklearn):
 * KernelPCA(n_components=16, kernel='rbf', gamma=1/128, eigen_solver='dense').fit(X).eigenvalues_ on the
 * same 7291×256 pixels. scipy.linalg.eigh on a NumPy-built K' agrees to 1e-14 relative (tr(K') = 5952.886875963593).
 */
const SKLEARN_FULL = [
  585.8222870567963, 303.5831424219696, 188.09874569122633, 143.36796817225184, 129.311154228477, 124.72053224358417,
  108.86651808362474, 97.7164172809083, 85.7768453477133, 74.51864549046756, 65.66740870018177, 62.86491601947067,
  54.041667498602834, 53.54425401184204, 48.69499938597917, 45.25877989671672,
];

/** Pixels of zip.train.gz: one line per image, a label then 256 values. */
function readUspsPixels(file: string): { X: Float64Array; l: number } {
  const lines = gunzipSync(readFileSync(file))
    .toString('latin1')
    .split('\n')
    .filter((s) => s.trim() !== '');
  const X = new Float64Array(lines.length * 256);
  lines.forEach((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 257) throw new Error(`${file}:${i + 1}: expected 257 fields, found ${fields.length}`);
    for (let j = 0; j < 256; j++) X[i * 256 + j] = Number(fields[j + 1]);
  });
  return { X, l: lines.length };
}

/** K'_ij = K_ij − m_i − m_j + m̄ for the Gaussian kernel K_ij = exp(−‖x_i − x_j‖²/(2σ²)). */
function centeredGaussianGram(X: Float64Array, l: number, d: number, sigma: number): Float64Array {
  const sq = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += X[i * d + k] ** 2;
    sq[i] = s;
  }
  const K = new Float64Array(l * l);
  const c = 1 / (2 * sigma * sigma);
  const set = (i: number, j: number, g: number): void => {
    const v = Math.exp(-Math.max(sq[i] + sq[j] - 2 * g, 0) * c);
    K[i * l + j] = v;
    K[j * l + i] = v;
  };
  for (let i = 0; i < l; i++) {
    const xi = i * d;
    let j = 0;
    // x_i · x_j for four j at a time (shares the loads of x_i: about 4× faster than one at a time)
    for (; j + 4 <= i + 1; j += 4) {
      const a = j * d;
      let g0 = 0;
      let g1 = 0;
      let g2 = 0;
      let g3 = 0;
      for (let k = 0; k < d; k++) {
        const x = X[xi + k];
        g0 += x * X[a + k];
        g1 += x * X[a + d + k];
        g2 += x * X[a + 2 * d + k];
        g3 += x * X[a + 3 * d + k];
      }
      set(i, j, g0);
      set(i, j + 1, g1);
      set(i, j + 2, g2);
      set(i, j + 3, g3);
    }
    for (; j <= i; j++) {
      let g = 0;
      for (let k = 0; k < d; k++) g += X[xi + k] * X[j * d + k];
      set(i, j, g);
    }
  }
  const m = new Float64Array(l);
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) m[j] += K[i * l + j] / l;
  const mBar = m.reduce((a, b) => a + b, 0) / l;
  for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) K[i * l + j] += mBar - m[i] - m[j];
  return K;
}

if (!dir) {
  // Visible on every run without the data, so a skipped check is not mistaken for a passed one.
  console.log('uspsReference: KPCA_USPS_DIR not set, USPS reference-solver check skipped');
}

(dir ? describe : describe.skip)('iterative reference solver on USPS (σ = 8, r = 16)', () => {
  test("reproduces scikit-learn's eigenvalues to 1e-8 relative, and tr(K′)", async () => {
    const t0 = performance.now();
    const { X, l } = readUspsPixels(path.join(dir as string, 'zip.train.gz'));
    expect(l).toBe(7291);
    const K = centeredGaussianGram(X, l, 256, 8);
    const t1 = performance.now();
    let trace = 0;
    for (let i = 0; i < l; i++) trace += K[i * l + i];
    expect(trace).toBeCloseTo(5952.887, 3);

    const res = await iterativeEigenDense(K, l, 16);
    const lines = Array.from(res.values, (v, i) => `λ${i + 1} = ${v.toPrecision(17)}`);
    console.log(
      [
        `USPS: Gram matrix ${((t1 - t0) / 1000).toFixed(1)} s; solver ${res.seconds.toFixed(1)} s,`,
        `${res.products} vector products, ${res.restarts} restarts, max residual/λ1 ${(Math.max(...res.residuals) / res.values[0]).toExponential(2)}`,
        `tr(K') = ${trace.toPrecision(17)}`,
        ...lines,
      ].join('\n'),
    );
    for (let i = 0; i < 16; i++) {
      expect(Math.abs(res.values[i] - SKLEARN_3DP[i])).toBeLessThan(5e-4);
      expect(Math.abs(res.values[i] - SKLEARN_FULL[i])).toBeLessThan(1e-8 * SKLEARN_FULL[i]);
    }
  }, 300_000);
});
