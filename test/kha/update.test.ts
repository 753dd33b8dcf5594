import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine } from '../../src/kha/engine';
import { createGainSchedule, GAIN_NAMES, type GainName } from '../../src/kha/gains';
import { gammaDerivative, gammaFunction } from '../../src/kha/naiveUpdate';
import { Rng } from '../../src/linalg/rng';
import { relativeMaxError, smallProblem } from '../helpers/problems';

const problem = smallProblem(60, 11, 2.5);
const params: Record<GainName, object> = {
  constant: { eta0: 0.02 },
  annealed: { eta0: 0.1 },
  'kha-et': { eta0: 0.1 },
  smd: { eta0: 0.1, mu: 2 },
};

describe('prefix-sum update equals the literal O(r²·l) update', () => {
  test.each(GAIN_NAMES)('%s: A, A K′ and the schedule iterate agree to 1e-10 over 5 passes', async (gain) => {
    const engines = await Promise.all(
      (['prefix-sum', 'naive'] as const).map((update) =>
        KhaEngine.create(new DenseRowSource(problem.Kc, problem.l), {
          components: 5,
          schedule: createGainSchedule(gain, params[gain]),
          seed: 4,
          blockSize: 7,
          update,
        }),
      ),
    );
    for (const engine of engines) await engine.run({ passes: 5 });
    const [fast, naive] = engines.map((e) => e.snapshot());
    expect(relativeMaxError(fast.A, naive.A)).toBeLessThan(1e-10);
    if (fast.AK && naive.AK) expect(relativeMaxError(fast.AK, naive.AK)).toBeLessThan(1e-10);
    for (const key of Object.keys(naive.schedule))
      expect(relativeMaxError(fast.schedule[key], naive.schedule[key])).toBeLessThan(1e-10);
    // The iteration moved: the comparison is not between two untouched initial states.
    expect(fast.t).toBe(5 * problem.l);
    if (gain === 'smd') expect(Math.max(...fast.schedule.rho.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe("SMD's Jacobian-vector product DΓ(A)[B]", () => {
  test('equals central finite differences of Γ(A) to 1e-6 relative', () => {
    const { l, Kc } = problem;
    const r = 4;
    const rng = new Rng(9);
    const A = Float64Array.from({ length: r * l }, () => rng.normal() * 0.05);
    const B = Float64Array.from({ length: r * l }, () => rng.normal());
    for (const p of [0, 17, l - 1]) {
      const k = Kc.subarray(p * l, (p + 1) * l);
      const y = new Float64Array(r);
      for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) y[i] += A[i * l + j] * k[j];
      const analytic = gammaDerivative(A, B, k, y, p, r, l);
      const h = 1e-5;
      const plus = gammaFunction(
        A.map((a, i) => a + h * B[i]),
        k,
        p,
        r,
        l,
      );
      const minus = gammaFunction(
        A.map((a, i) => a - h * B[i]),
        k,
        p,
        r,
        l,
      );
      const numeric = plus.map((v, i) => (v - minus[i]) / (2 * h));
      expect(relativeMaxError(analytic, numeric)).toBeLessThan(1e-6);
      expect(Math.max(...analytic.map(Math.abs))).toBeGreaterThan(1e-3);
    }
  });
});
