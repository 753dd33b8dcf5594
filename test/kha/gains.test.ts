/**
 * Each gain schedule owns what is specific to it: the arrays of its own iterate (what it allocates,
 * snapshots, and what memory plans count), and what --tune varies besides η0.
 */
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine } from '../../src/kha/engine';
import { createGainSchedule, GAIN_NAMES, keptValues, TUNE_MU, TUNE_TAU_FACTORS } from '../../src/kha/gains';
import { smallProblem } from '../helpers/problems';

const problem = smallProblem(40, 3, 5);
const r = 3;

test.each(GAIN_NAMES)(
  '%s: the snapshot has the lengths iterateLengths names; keptValues counts A K′ and them',
  async (gain) => {
    const schedule = createGainSchedule(gain);
    const engine = await KhaEngine.create(new DenseRowSource(problem.Kc, problem.l), {
      components: r,
      schedule,
      seed: 3,
    });
    await engine.run({ passes: 1 });
    const lengths = Object.fromEntries(Object.entries(schedule.snapshot()).map(([k, v]) => [k, v.length]));
    expect(lengths).toEqual(schedule.iterateLengths(r, problem.l));
    const own = Object.values(lengths).reduce((sum, n) => sum + n, 0);
    expect(keptValues(schedule, r, problem.l)).toBe((engine.state.AK ? engine.state.AK.length : 0) + own);
  },
);

test('SMD keeps an iterate of its own (B and ρ), constant its average Ā; kha-et and smd keep A K′', () => {
  const kept = Object.fromEntries(GAIN_NAMES.map((g) => [g, keptValues(createGainSchedule(g), 4, 10)]));
  expect(kept).toEqual({ constant: 40, annealed: 0, 'kha-et': 40, smd: 40 + 40 + 4 });
});

test('--tune varies τ for annealed and μ for smd, nothing else besides η0', () => {
  const values = Object.fromEntries(GAIN_NAMES.map((g) => [g, createGainSchedule(g).tuningValues(100)]));
  expect(values).toEqual({
    constant: [{}],
    annealed: TUNE_TAU_FACTORS.map((f) => ({ tau: Math.round(f * 100) })),
    'kha-et': [{}],
    smd: TUNE_MU.map((mu) => ({ mu })),
  });
});
