import { buildPlots } from '../../src/report/plotSpecs';
import { firstReaching, orderingByPasses, summarize } from '../../src/report/summary';
import { result, run } from './fixture';

const constant = run('constant', [1, 0.5, 0.2, 0.09, 0.05, 0.02, 0.011, 0.011, 0.011]); // 1e-1 at 3, never 1e-2
const annealed = run('annealed', [1, 0.3, 0.08, 0.03, 0.009, 0.004, 0.002, 0.0012, 0.0009]); // 2, 4, 8
const smd = run('smd', [1, 0.05, 0.008, 0.0009, 0.0002, 0.0001, 5e-5, 3e-5, 2e-5], 4); // 1, 2, 3

describe('report summary', () => {
  it('finds the first pass at or below a threshold, never pass 0', () => {
    expect(firstReaching(annealed.series, 1e-2)).toEqual({ threshold: 1e-2, passes: 4, seconds: 8 });
    expect(firstReaching(constant.series, 1e-2)).toEqual({ threshold: 1e-2, passes: null, seconds: null });
    expect(firstReaching(run('kha-et', [1e-9, 0.5]).series, 1e-3).passes).toBeNull();
  });

  it('computes speed-ups in passes and seconds, lower bounds when the baseline never got there', () => {
    const [, , s] = summarize(result([constant, annealed, smd]));
    const over = (b: string, t: number) => s.speedUps.find((u) => u.baseline === b && u.threshold === t);
    expect(over('annealed', 1e-2)).toEqual({
      baseline: 'annealed',
      threshold: 1e-2,
      passes: 4 / 2,
      seconds: 8 / 8,
      atLeast: false,
    });
    expect(over('annealed', 1e-3)).toEqual({
      baseline: 'annealed',
      threshold: 1e-3,
      passes: 8 / 3,
      seconds: 16 / 12,
      atLeast: false,
    });
    // constant never reached 1e-2 in its 8 passes (16 s): smd is at least 8/2 = 4× faster in passes
    expect(over('constant', 1e-2)).toEqual({
      baseline: 'constant',
      threshold: 1e-2,
      passes: 4,
      seconds: 16 / 8,
      atLeast: true,
    });
    expect(s.final?.relativeExcessError).toBe(2e-5);
    expect(s.secondsPerPass).toBe(4);
  });

  it('states the order of the schedules, ties and misses included', () => {
    const summary = summarize(result([constant, annealed, smd, run('kha-et', [1, 0.2, 0.005, 0.0008])]));
    expect(orderingByPasses(summary, 1e-3)).toBe('smd (3) = kha-et (3) < annealed (8) < constant (not in 8)');
    expect(orderingByPasses(summary, 1e-2)).toBe('smd (2) = kha-et (2) < annealed (4) < constant (not in 8)');
  });

  it('leaves values a log axis cannot show out of the plots', () => {
    const plots = buildPlots(result([run('smd', [1, 0.1, 0, -1e-9, 0.001])]));
    const values = (plots.find((p) => p.id === 'error-passes')!.spec.data as { values: { value: number }[] }).values;
    expect(values.map((v) => v.value)).toEqual([1, 0.1, 0.001]);
    expect(plots.map((p) => p.id)).toEqual([
      'error-passes',
      'error-seconds',
      'eigenvalue-error',
      'subspace',
      'gains',
      'eigenvalues',
    ]);
  });
});
