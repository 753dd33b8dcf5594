/**
 * compare() on a small problem with a known, well separated leading spectrum (the anisotropic
 * Gaussian cloud of test/helpers/problems.ts, l = 300, σ = 6, r = 4), against the independent
 * ml-matrix eigendecomposition. σ = 6 gives a clear gap λ4/λ5 ≈ 2 (σ = 3 has λ2 ≈ λ3 and a smaller
 * gap), so the adaptive schedules get below 1e-4 in 40 passes. Gains as in test/kha/engine.test.ts:
 * on this small problem kha-et and smd need other η0 than the USPS defaults.
 */
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { compare, tuningGrid, type CompareOptions, type CompareResult } from '../../src/app/compare';
import type { Dataset } from '../../src/data/dataset';
import { sigmaToGamma } from '../../src/kernels/kernel';
import { smallProblem } from '../helpers/problems';

const problem = smallProblem(300, 3, 6);
const data: Dataset = {
  X: problem.X,
  l: problem.l,
  d: problem.d,
  featureNames: ['a', 'b', 'c', 'd', 'e'],
  source: 'cloud',
};
const r = 4;
const PASSES = 40;
let cacheDir: string;

const options = (): CompareOptions => ({
  components: r,
  passes: PASSES,
  kernel: { type: 'gaussian', gamma: sigmaToGamma(problem.sigma) },
  scheduleParameters: { 'kha-et': { eta0: 0.2 }, smd: { eta0: 0.05 } },
  // float64 rows, no f32 cache: the reference then agrees with ml-matrix to rounding
  backend: 'reference',
  gramCacheMB: 0,
  cacheDir,
});

let result: CompareResult;
beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'kpca-compare-'));
  result = await compare(data, options());
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('compare', () => {
  it('computes the exact reference (r + 1 eigenpairs, trace, E*)', () => {
    expect(result.reference.solver).toBe('exact');
    expect(result.reference.fromCache).toBe(false);
    expect(result.reference.values).toHaveLength(r + 1);
    result.reference.values.forEach((v, i) =>
      expect(Math.abs(v - problem.eigenvalues[i]) / problem.eigenvalues[0]).toBeLessThan(1e-10),
    );
    const trace = problem.eigenvalues.reduce((s, v) => s + v, 0);
    expect(Math.abs(result.reference.trace - trace) / trace).toBeLessThan(1e-10);
    const Estar = problem.eigenvalues.slice(r).reduce((s, v) => s + v, 0);
    expect(Math.abs(result.reference.optimalError - Estar) / Estar).toBeLessThan(1e-8);
  });

  it('runs every schedule from the same initial A, one measurement per pass', () => {
    expect(result.schedules.map((s) => s.gain)).toEqual(['constant', 'annealed', 'kha-et', 'smd']);
    const first = result.schedules[0].series[0];
    for (const s of result.schedules) {
      expect(s.stoppedBy).toBe('passes');
      expect(s.series.map((m) => m.pass)).toEqual(Array.from({ length: PASSES + 1 }, (_, i) => i));
      // pass 0 is the shared initial iterate: identical measurements for every schedule
      expect(s.series[0].relativeExcessError).toBe(first.relativeExcessError);
      expect(s.series[0].rayleighQuotients).toEqual(first.rayleighQuotients);
      for (let i = 1; i < s.series.length; i++) {
        expect(s.series[i].seconds).toBeGreaterThanOrEqual(s.series[i - 1].seconds);
        expect(s.series[i].gains).toHaveLength(r);
        expect(s.series[i].rayleighQuotients).toHaveLength(r);
        expect(s.series[i].ritzValues).toHaveLength(r);
      }
    }
  });

  it('records the parameters in force, defaults and overrides', () => {
    const params = Object.fromEntries(result.schedules.map((s) => [s.gain, s.parameters]));
    expect(params).toEqual({
      constant: { eta0: 0.03 },
      annealed: { eta0: 0.3, tau: problem.l },
      'kha-et': { eta0: 0.2 },
      smd: { eta0: 0.05, mu: 1, xi: 0.99 },
    });
  });

  it.each(['kha-et', 'smd'])('%s decreases to below 1e-4 excess error, with the other measures', (gain) => {
    const s = result.schedules.find((x) => x.gain === gain)!;
    const series = s.series.map((m) => m.relativeExcessError);
    const last = s.series[s.series.length - 1];
    expect(last.relativeExcessError).toBeLessThan(1e-4);
    expect(last.relativeExcessError).toBeGreaterThan(-1e-12); // E ≥ E*: no iterate beats the optimum
    // decreasing: the best of each later quarter beats the previous quarter's best
    const q = Math.floor(series.length / 4);
    for (let k = 1; k < 4; k++)
      expect(Math.min(...series.slice(k * q, (k + 1) * q))).toBeLessThan(Math.min(...series.slice((k - 1) * q, k * q)));
    // excess error ≈ Σ sin²θ·gap: the subspace error is about its square root
    expect(last.subspaceError).toBeLessThan(3e-2);
    // the Rayleigh–Ritz step makes eigenvalues as accurate as the subspace (∝ sin²θ)
    expect(last.eigenvalueErrorRitz).toBeLessThan(1e-3);
    expect(last.eigenvalueErrorRitz).toBeLessThanOrEqual(last.eigenvalueErrorRayleigh);
  });

  it('reads the reference from the cache the second time and is deterministic', async () => {
    const again = await compare(data, { ...options(), gains: ['smd'], passes: 3 });
    expect(again.reference.fromCache).toBe(true);
    expect(again.reference.values).toEqual(result.reference.values);
    const smd = result.schedules.find((s) => s.gain === 'smd')!;
    const strip = (m: { seconds: number }) => ({ ...m, seconds: 0 });
    expect(again.schedules[0].series.map(strip)).toEqual(smd.series.slice(0, 4).map(strip));
  });

  it('reports a diverging schedule instead of failing the comparison', async () => {
    const diverging = await compare(data, {
      ...options(),
      gains: ['constant', 'smd'],
      passes: 3,
      scheduleParameters: { constant: { eta0: 50 } },
    });
    const [constant, smd] = diverging.schedules;
    expect(constant.stoppedBy).toBe('diverged');
    expect(constant.failure).toMatch(/--eta0/);
    expect(smd.stoppedBy).toBe('passes');
  });

  it('tunes on a small grid and runs the best setting', async () => {
    const events: string[] = [];
    const tuned = await compare(data, {
      ...options(),
      gains: ['annealed'],
      passes: 3,
      tune: { passes: 2 },
      onEvent: (e) => void events.push(e.type),
    });
    const t = tuned.tuning![0];
    expect(t.trials.map((x) => x.parameters)).toEqual(tuningGrid('annealed', problem.l));
    expect(t.trials).toHaveLength(12);
    const best = t.trials.filter((x) => x.error !== null).sort((a, b) => a.error! - b.error!)[0];
    expect(t.best).toEqual(best.parameters);
    expect(tuned.schedules[0].parameters).toEqual(best.parameters);
    expect(events.filter((e) => e === 'trial')).toHaveLength(12);
  });

  it('refuses bad options with a message naming the flag, before touching the cache', async () => {
    const cached = readdirSync(cacheDir).sort();
    await expect(compare(data, { ...options(), gains: [] })).rejects.toThrow(/--gains/);
    await expect(compare(data, { ...options(), gains: ['smd', 'smd'] })).rejects.toThrow(/--gains/);
    await expect(compare(data, { ...options(), passes: 0 })).rejects.toThrow(/--passes/);
    await expect(compare(data, { ...options(), components: 301 })).rejects.toThrow(/--components/);
    expect(readdirSync(cacheDir).sort()).toEqual(cached);
  });
});
