/**
 * The factored update (src/kha/ops/factored) computes what the literal O(r²·l) update computes, with
 * its sweeps in JS and in WebAssembly, across block boundaries (folds), inside long blocks (folds
 * on a small diagonal of G or E) and across a snapshot and restore.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readCheckpoint, writeCheckpoint } from '../../src/app/checkpoint';
import { fitState } from '../../src/app/checkpointSchema';
import { readContainer, writeContainer } from '../../src/io/container';
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine, type EngineSnapshot } from '../../src/kha/engine';
import { factoredOps, FOLD_BELOW, jsFactoredSweeps, type FactoredSweeps } from '../../src/kha/ops/factored';
import { createGainSchedule, GAIN_NAMES, type GainName } from '../../src/kha/gains';
import { wasmFactoredSweeps } from '../../src/kha/wasm/wasmUpdate';
import { relativeMaxError, smallProblem, type SmallProblem } from '../helpers/problems';
import { expectSnapshotsClose } from '../helpers/snapshots';

const params: Record<GainName, object> = {
  constant: { eta0: 0.02 },
  annealed: { eta0: 0.1 },
  'kha-et': { eta0: 0.1 },
  smd: { eta0: 0.1, mu: 2 },
};

type SweepsKind = 'js' | 'wasm';
const sweepsOf = (kind: SweepsKind, r: number, l: number, blockSize: number): FactoredSweeps =>
  kind === 'js' ? jsFactoredSweeps(r, l) : wasmFactoredSweeps(r, l, blockSize);

/** The sweeps, counting folds. */
function counting(sweeps: FactoredSweeps): FactoredSweeps & { folds: number } {
  const counted = { ...sweeps, folds: 0 };
  counted.fold = (...args) => {
    counted.folds++;
    sweeps.fold(...args);
  };
  return counted;
}

async function compareWithNaive(
  problem: SmallProblem,
  gain: GainName,
  kind: SweepsKind,
  r: number,
  blockSize: number,
  passes: number,
  gainParameters = params[gain],
) {
  const source = () => new DenseRowSource(problem.Kc, problem.l);
  const options = { components: r, seed: 4, blockSize };
  const sweeps = counting(sweepsOf(kind, r, problem.l, blockSize));
  const factored = await KhaEngine.create(source(), {
    ...options,
    schedule: createGainSchedule(gain, gainParameters),
    ops: factoredOps(r, problem.l, sweeps),
  });
  const naive = await KhaEngine.create(source(), {
    ...options,
    schedule: createGainSchedule(gain, gainParameters),
    update: 'naive',
  });
  for (const engine of [factored, naive]) await engine.run({ passes });
  const [fast, slow] = [factored, naive].map((e) => e.snapshot());
  expectSnapshotsClose(fast, slow, 1e-10);
  // the iteration moved, and was folded at least at every block boundary
  expect(fast.t).toBe(passes * problem.l);
  if (gain === 'smd') expect(Math.max(...fast.schedule.rho.map(Math.abs))).toBeGreaterThan(1e-3);
  return sweeps.folds;
}

describe.each<SweepsKind>(['wasm', 'js'])(
  'factored update with %s sweeps equals the literal O(r²·l) update',
  (kind) => {
    // l mod 4 = 0, 1, 2, 3: the wasm fold takes four columns at a time, JS the rest
    const problems = [
      smallProblem(60, 11, 2.5),
      smallProblem(41, 12, 2.5),
      smallProblem(42, 13, 2.5),
      smallProblem(43, 14, 2.5),
    ];
    test.each(GAIN_NAMES)(
      '%s: A, A K′, B, ρ and the norms agree to 1e-10 over 5 passes (l = 60, r = 5, blocks of 7)',
      async (gain) => {
        const folds = await compareWithNaive(problems[0], gain, kind, 5, 7, 5);
        expect(folds).toBeGreaterThanOrEqual(5 * Math.ceil(60 / 7));
      },
    );
    test.each(GAIN_NAMES)('%s: l = 41, 42, 43 (r = 4, blocks of 6)', async (gain) => {
      for (const problem of problems.slice(1)) await compareWithNaive(problem, gain, kind, 4, 6, 3);
    });
  },
);

test(`inside a long block the factors are folded whenever a diagonal of G or E falls below ${FOLD_BELOW}, and the result still agrees`, async () => {
  const problem = smallProblem(200, 21, 2.5);
  // one block per pass: every fold but the pass's last is one the conditioning asked for (E shrinks
  // by ξ = 0.99 a step, so at least once every 138 steps)
  const folds = await compareWithNaive(problem, 'smd', 'wasm', 6, 200, 4, { eta0: 0.1, mu: 0.5 });
  expect(folds).toBeGreaterThan(4 * 2);
});

describe('snapshots of the factored form', () => {
  const problem = smallProblem(90, 31, 2.5);
  const make = (seed: number) =>
    KhaEngine.create(new DenseRowSource(problem.Kc, problem.l), {
      components: 5,
      schedule: createGainSchedule('smd', { eta0: 0.05 }),
      seed,
      blockSize: 8,
    });

  async function stoppedMidPass(): Promise<EngineSnapshot> {
    const engine = await make(3);
    const controller = new AbortController();
    let blocks = 0;
    await engine.run({
      passes: 3,
      signal: controller.signal,
      onProgress: () => void (++blocks === 17 && controller.abort()),
    });
    expect(engine.pass).toBe(1);
    return engine.snapshot();
  }

  test('a snapshot carries the Gram matrices the ops keep, and they equal those of the plain iterate', async () => {
    const saved = await stoppedMidPass();
    expect(Object.keys(saved.updateState).sort()).toEqual(['AAt', 'AKAKt', 'AKAt', 'AKBt']);
    const { A, AK } = saved;
    const B = saved.schedule.B;
    const [r, l] = [5, problem.l];
    const gram = (X: Float64Array, Y: Float64Array) =>
      Float64Array.from({ length: r * r }, (_, at) => {
        let acc = 0;
        for (let j = 0; j < l; j++) acc += X[Math.floor(at / r) * l + j] * Y[(at % r) * l + j];
        return acc;
      });
    expect(relativeMaxError(saved.updateState.AAt, gram(A, A))).toBeLessThan(1e-10);
    expect(relativeMaxError(saved.updateState.AKAt, gram(AK as Float64Array, A))).toBeLessThan(1e-10);
    expect(relativeMaxError(saved.updateState.AKAKt, gram(AK as Float64Array, AK as Float64Array))).toBeLessThan(1e-10);
    expect(relativeMaxError(saved.updateState.AKBt, gram(AK as Float64Array, B))).toBeLessThan(1e-10);
  });

  test('a snapshot without them (a version-1 checkpoint) resumes: the factors are recomputed, and the run ends where a straight one does, to rounding', async () => {
    const straight = await make(3);
    await straight.run({ passes: 3 });
    const resumed = await make(77);
    resumed.restore({ ...(await stoppedMidPass()), updateState: {} });
    await resumed.run({ passes: 3 });
    expectSnapshotsClose(resumed.snapshot(), straight.snapshot(), 1e-10);
  });
});

test('a checkpoint written before the rename (arrays kernel.NAME, meta kernelKeys) still loads its update state', async () => {
  const problem = smallProblem(40, 31, 2.5);
  const engine = await KhaEngine.create(new DenseRowSource(problem.Kc, problem.l), {
    components: 3,
    schedule: createGainSchedule('smd'),
    seed: 3,
    blockSize: 8,
  });
  await engine.run({ passes: 1 });
  const saved = engine.snapshot();
  const identity = { dataHash: 'd', options: { seed: 3 } };
  const dir = mkdtempSync(join(tmpdir(), 'kpca-ckpt-'));
  await writeCheckpoint(join(dir, 'new.ckpt'), identity, saved);
  // the same checkpoint under the old names
  const { meta, arrays } = await readContainer<Record<string, unknown>>(join(dir, 'new.ckpt'), 'checkpoint', [2]);
  const keys = meta.updateKeys as string[];
  const old = Object.fromEntries(Object.entries(arrays).map(([name, v]) => [name.replace(/^update\./, 'kernel.'), v]));
  await writeContainer(
    join(dir, 'old.ckpt'),
    'checkpoint',
    2,
    { ...meta, updateKeys: undefined, kernelKeys: keys },
    old,
  );
  for (const file of ['new.ckpt', 'old.ckpt']) {
    const read = await readCheckpoint(join(dir, file), identity, problem.l, fitState(3));
    expect(Object.keys(read.updateState).sort()).toEqual(['AAt', 'AKAKt', 'AKAt', 'AKBt']);
    for (const key of keys) expect(read.updateState[key]).toEqual(saved.updateState[key]);
  }
});
