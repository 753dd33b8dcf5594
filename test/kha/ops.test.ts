/**
 * Every update form (src/kha/ops: each form with its sweeps and products in JS and in WebAssembly) ×
 * gain schedule against the literal O(r²·l) update (the naive form, the oracle):
 * A, A K′, SMD's B and ρ and the row norms the gains read agree to 1e-10 relative over several
 * passes, for several block sizes, l not a multiple of the block size, and across a snapshot taken
 * mid-pass and restored into a fresh engine (which then ends bit-identical to a straight run).
 */
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine, type EngineOptions, type EngineSnapshot } from '../../src/kha/engine';
import { createGainSchedule, GAIN_NAMES, type GainName } from '../../src/kha/gains';
import { blockedColumns, jsBlockProducts } from '../../src/kha/ops/blocked';
import { factoredOps, jsFactoredSweeps } from '../../src/kha/ops/factored';
import { UPDATE_FORMS, type UpdateOps } from '../../src/kha/ops';
import { wasmFactoredSweeps } from '../../src/kha/wasm/wasmUpdate';
import { relativeMaxError, smallProblem } from '../helpers/problems';
import { expectSnapshotsClose } from '../helpers/snapshots';

const params: Record<GainName, object> = {
  constant: { eta0: 0.02 },
  annealed: { eta0: 0.1 },
  'kha-et': { eta0: 0.1 },
  smd: { eta0: 0.1, mu: 2 },
};

/** The forms under test, each as the ops for (r, l, blockSize). */
const FORMS: Record<string, (r: number, l: number, blockSize: number) => Pick<EngineOptions, 'update' | 'ops'>> = {
  'factored (engine default sweeps)': () => ({ update: 'factored' }),
  'factored, JS sweeps': (r, l) => ({ ops: factoredOps(r, l, jsFactoredSweeps(r, l)) }),
  'blocked (engine default)': () => ({ update: 'blocked' }),
  'blocked, JS sweeps and products': (r, l, blockSize): { ops: UpdateOps } => {
    const sweeps = jsFactoredSweeps(r, l);
    return { ops: factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, jsBlockProducts(l))) };
  },
  'blocked, wasm sweeps, JS products': (r, l, blockSize): { ops: UpdateOps } => {
    const sweeps = wasmFactoredSweeps(r, l, blockSize);
    return { ops: factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, jsBlockProducts(l))) };
  },
  'blocked, wasm sweeps and products': (r, l, blockSize): { ops: UpdateOps } => {
    const sweeps = wasmFactoredSweeps(r, l, blockSize);
    return { ops: factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, sweeps.products)) };
  },
};

test('every form of the registry is under test here (the naive one is the oracle)', () => {
  const covered = new Set(Object.values(FORMS).map((form) => form(2, 3, 1).update));
  expect(UPDATE_FORMS.filter((form) => form !== 'naive' && !covered.has(form))).toEqual([]);
});

function expectClose(fast: EngineSnapshot, slow: EngineSnapshot, tolerance: number): void {
  expect(fast.t).toBe(slow.t);
  expectSnapshotsClose(fast, slow, tolerance);
}

const problem = smallProblem(61, 11, 2.5); // l = 61: prime, so no block size divides it
const r = 5;
const make = (form: string, gain: GainName, blockSize: number, seed = 4) =>
  KhaEngine.create(new DenseRowSource(problem.Kc, problem.l), {
    components: r,
    schedule: createGainSchedule(gain, params[gain]),
    seed,
    blockSize,
    ...FORMS[form](r, problem.l, blockSize),
  });

describe.each(Object.keys(FORMS))('%s equals the literal O(r²·l) update', (form) => {
  test.each(GAIN_NAMES)('%s: to 1e-10 over 4 passes, blocks of 1, 7, 16 and 61 rows', async (gain) => {
    for (const blockSize of [1, 7, 16, 61]) {
      const fast = await make(form, gain, blockSize);
      const oracle = await KhaEngine.create(new DenseRowSource(problem.Kc, problem.l), {
        components: r,
        schedule: createGainSchedule(gain, params[gain]),
        seed: 4,
        blockSize,
        update: 'naive',
      });
      for (const engine of [fast, oracle]) await engine.run({ passes: 4 });
      expectClose(fast.snapshot(), oracle.snapshot(), 1e-10);
      // the iteration moved: SMD's log-gains left 0
      if (gain === 'smd') expect(Math.max(...fast.snapshot().schedule.rho.map(Math.abs))).toBeGreaterThan(1e-3);
    }
  });

  test.each(GAIN_NAMES)(
    '%s: a snapshot mid-pass restored into a fresh engine ends bit-identical to a straight run',
    async (gain) => {
      const blockSize = 7;
      const straight = await make(form, gain, blockSize);
      await straight.run({ passes: 3 });
      const stopped = await make(form, gain, blockSize);
      const controller = new AbortController();
      let blocks = 0;
      await stopped.run({
        passes: 3,
        signal: controller.signal,
        onProgress: () => void (++blocks === 12 && controller.abort()),
      });
      const saved = stopped.snapshot();
      expect(saved.pass).toBe(1);
      expect(saved.position).toBeGreaterThan(0);
      const resumed = await make(form, gain, blockSize, 99);
      resumed.restore(saved);
      await resumed.run({ passes: 3 });
      const [a, b] = [resumed.snapshot(), straight.snapshot()];
      expect(a.A).toEqual(b.A);
      expect(a.AK).toEqual(b.AK);
      expect(a.schedule).toEqual(b.schedule);
    },
  );
});

test('a fold inside a long block (small diagonal of E) applies the deferred product, takes the products again', async () => {
  const long = smallProblem(200, 21, 2.5);
  const blockSize = 200; // one block per pass: E shrinks by ξ = 0.99 a step, so it is folded at least every 138 steps
  const sweeps = jsFactoredSweeps(6, long.l);
  let folds = 0;
  const counted = {
    ...sweeps,
    fold: (...args: Parameters<typeof sweeps.fold>) => void (folds++, sweeps.fold(...args)),
  };
  const options = (seed: number) => ({
    components: 6,
    schedule: createGainSchedule('smd', { eta0: 0.1, mu: 0.5 }),
    seed,
    blockSize,
  });
  const blocked = await KhaEngine.create(new DenseRowSource(long.Kc, long.l), {
    ...options(4),
    ops: factoredOps(6, long.l, counted, blockedColumns(6, long.l, blockSize, counted, jsBlockProducts(long.l))),
  });
  const oracle = await KhaEngine.create(new DenseRowSource(long.Kc, long.l), { ...options(4), update: 'naive' });
  for (const engine of [blocked, oracle]) await engine.run({ passes: 4 });
  expectClose(blocked.snapshot(), oracle.snapshot(), 1e-10);
  expect(folds).toBeGreaterThan(4 * 2);
});

describe.each(['blocked, JS sweeps and products', 'blocked, wasm sweeps and products'])(
  '%s with a drifted A K′',
  (form) => {
    // Each step refreshes column p of A K′ (to y); later steps of the block must see that refresh. Exact
    // A K′ makes the refresh a rounding-level change, so drift it. The reference is the factored form
    // step by step: its gains read the norms after the refresh, the literal update's before it, which
    // differ by the drift itself.
    test.each(['kha-et', 'smd'] as const)('%s: agrees with the factored form step by step to 1e-10', async (gain) => {
      const blockSize = 7;
      const start = (await make(form, gain, blockSize)).snapshot();
      const AK = Float64Array.from(start.AK as Float64Array, (v, i) => v * (1 + 0.01 * Math.sin(i)));
      const normAK2 = Float64Array.from({ length: r }, (_, i) =>
        AK.subarray(i * problem.l, (i + 1) * problem.l).reduce((s, v) => s + v * v, 0),
      );
      const drifted: EngineSnapshot = { ...start, AK, normAK2, updateState: {} };
      const engines = [await make(form, gain, blockSize), await make('factored, JS sweeps', gain, blockSize)];
      for (const engine of engines) {
        engine.restore(drifted);
        await engine.run({ passes: 2 });
      }
      const [blocked, stepwise] = engines.map((e) => e.snapshot());
      expectClose(blocked, stepwise, 1e-10);
      expect(relativeMaxError(blocked.AK as Float64Array, start.AK as Float64Array)).toBeGreaterThan(1e-3);
    });
  },
);

test('the products on 1, 2 and 3 threads give the same iterate bit for bit (every schedule, exact A K′)', async () => {
  // large enough that the products are shared between threads (l·r·n above productThreads' threshold)
  const big = smallProblem(400, 5, 2.5);
  for (const gain of GAIN_NAMES) {
    const runs: EngineSnapshot[] = [];
    for (const threads of [1, 2, 3]) {
      const engine = await KhaEngine.create(new DenseRowSource(big.Kc, big.l), {
        components: 8,
        schedule: createGainSchedule(gain, { ...params[gain], ...(gain === 'smd' && { eta0: 0.05, mu: 0.5 }) }),
        seed: 4,
        blockSize: 48,
        update: 'blocked',
        threads,
      });
      await engine.run({ passes: 2 });
      if (engine.state.AK) await engine.refreshAK();
      runs.push(engine.snapshot());
    }
    for (const other of runs.slice(1)) {
      expect(other.A).toEqual(runs[0].A);
      expect(other.AK).toEqual(runs[0].AK);
      expect(other.schedule).toEqual(runs[0].schedule);
    }
    expect(runs[0].t).toBe(2 * big.l);
  }
});
