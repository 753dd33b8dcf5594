/**
 * The blocked update with its rows, products and CK resident on a WebGPU device (webgpuResident.ts,
 * residentBlock.ts) against the same engine on the float64 centered Gram matrix: every schedule over
 * several passes, l not a multiple of the block size, folds inside a block, a checkpoint and resume,
 * and only r × B and B × B values read back per block.
 */
import { UserError } from '../../src/errors';
import * as shim from '../../src/kernels/webgpuShim';
import { WebGPUResident } from '../../src/kernels/webgpuResident';
import { blockedColumns } from '../../src/kha/ops/blocked';
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine, type EngineSnapshot } from '../../src/kha/engine';
import { factoredOps, jsFactoredSweeps } from '../../src/kha/ops/factored';
import { createGainSchedule, GAIN_NAMES, type GainName } from '../../src/kha/gains';
import { describeBackend } from '../kernels/backendAvailability';
import { relativeMaxError, smallProblem } from '../helpers/problems';

const params: Record<GainName, object> = {
  constant: { eta0: 0.02 },
  annealed: { eta0: 0.1 },
  'kha-et': { eta0: 0.1 },
  smd: { eta0: 0.1, mu: 2 },
};
/** f32 rows and products against float64 ones, over a few passes */
const TOLERANCE = 1e-4;

const sigma = 2.5;
const problem = smallProblem(203, 11, sigma); // l = 203 = 7 · 29: no power-of-two block divides it
const { l, d, X, Kc } = problem;
const r = 4;
const kernel = { type: 'gaussian', gamma: 1 / (2 * sigma * sigma) } as const;
const needs = (gain: GainName) => ({ withCK: gain !== 'constant' && gain !== 'annealed', withD: gain === 'smd' });
const options = (gain: GainName, blockSize: number, seed = 4) => ({
  components: r,
  schedule: createGainSchedule(gain, params[gain]),
  seed,
  blockSize,
});
const resident = (gain: GainName, blockSize: number) =>
  WebGPUResident.create(kernel, X, l, d, { components: r, blockSize, ...needs(gain) });
const cpu = (gain: GainName, blockSize: number) =>
  KhaEngine.create(new DenseRowSource(Kc, l), { ...options(gain, blockSize), update: 'blocked' });

function expectClose(gpu: EngineSnapshot, exact: EngineSnapshot): number {
  expect(gpu.t).toBe(exact.t);
  const errors = [relativeMaxError(gpu.A, exact.A), relativeMaxError(gpu.normA2, exact.normA2)];
  if (exact.AK) errors.push(relativeMaxError(gpu.AK!, exact.AK), relativeMaxError(gpu.normAK2, exact.normAK2));
  for (const key of Object.keys(exact.schedule)) errors.push(relativeMaxError(gpu.schedule[key], exact.schedule[key]));
  const worst = Math.max(...errors);
  expect(worst).toBeLessThan(TOLERANCE);
  return worst;
}

test('no WebGPU adapter: refused with a message, nothing falls back', async () => {
  const spy = jest.spyOn(shim, 'installWebGPU').mockReturnValue({ requestAdapter: async () => null });
  try {
    await expect(resident('smd', 16)).rejects.toThrow(
      new UserError('webgpu resident path: no WebGPU adapter (no GPU, or no Vulkan driver)'),
    );
  } finally {
    spy.mockRestore();
  }
});

test('a resident source refuses every update form but the blocked one', async () => {
  const fake = { resident: true, l, rows: async () => undefined } as never;
  await expect(KhaEngine.create(fake, { ...options('constant', 16), update: 'factored' })).rejects.toThrow(
    /resident on a device need the blocked update, not 'factored'/,
  );
});

describeBackend('webgpu', 'the blocked update resident on WebGPU equals it on the float64 rows', () => {
  test.each(GAIN_NAMES)('%s: 3 passes, blocks of 16 rows', async (gain) => {
    const source = await resident(gain, 16);
    try {
      const gpu = await KhaEngine.create(source, options(gain, 16));
      const exact = await cpu(gain, 16);
      for (const engine of [gpu, exact]) await engine.run({ passes: 3 });
      const worst = expectClose(gpu.snapshot(), exact.snapshot());
      console.log(`${gain}: max relative difference ${worst.toExponential(2)}`);
      if (gain === 'smd') expect(Math.max(...gpu.snapshot().schedule.rho.map(Math.abs))).toBeGreaterThan(1e-3);
    } finally {
      await source.dispose();
    }
  });

  test('smd, one block per pass: folds inside the block', async () => {
    const source = await resident('smd', l);
    try {
      const sweeps = jsFactoredSweeps(r, l);
      let folds = 0;
      const counted = {
        ...sweeps,
        fold: (...args: Parameters<typeof sweeps.fold>) => void (folds++, sweeps.fold(...args)),
      };
      const ops = factoredOps(r, l, counted, blockedColumns(r, l, l, counted, counted.products, source));
      const gpu = await KhaEngine.create(source, { ...options('smd', l), ops });
      const exact = await cpu('smd', l);
      for (const engine of [gpu, exact]) await engine.run({ passes: 3 });
      // E shrinks by ξ = 0.99 a step: folded at least every 138 steps, so inside each 203-step block
      expect(folds).toBeGreaterThan(3 * 2);
      const worst = expectClose(gpu.snapshot(), exact.snapshot());
      console.log(`smd, folds inside blocks (${folds} folds): max relative difference ${worst.toExponential(2)}`);
    } finally {
      await source.dispose();
    }
  });

  test.each(['kha-et', 'smd'] as const)('%s: a checkpoint mid-pass resumed in a fresh engine', async (gain) => {
    const source = await resident(gain, 16);
    try {
      const stopped = await KhaEngine.create(source, options(gain, 16));
      const controller = new AbortController();
      let blocks = 0;
      await stopped.run({
        passes: 3,
        signal: controller.signal,
        onProgress: () => void (++blocks === 17 && controller.abort()),
      });
      const saved = stopped.snapshot();
      expect([saved.pass, saved.position]).toEqual([1, 64]);
      const resumed = await KhaEngine.create(source, options(gain, 16, 99));
      resumed.restore(saved);
      await resumed.run({ passes: 3 });
      const exact = await cpu(gain, 16);
      await exact.run({ passes: 3 });
      expectClose(resumed.snapshot(), exact.snapshot());
    } finally {
      await source.dispose();
    }
  });

  test('a snapshot between blocks without sync() is refused, not stale', async () => {
    const source = await resident('kha-et', 16);
    try {
      const engine = await KhaEngine.create(source, options('kha-et', 16));
      let error: unknown = null;
      await engine.run({ passes: 1, onBlock: () => void (error ??= catching(() => engine.snapshot())) });
      expect(String(error)).toMatch(/await engine.sync\(\) first/);
    } finally {
      await source.dispose();
    }
  });

  test.each(GAIN_NAMES)(
    '%s: a pass reads back only the corner, R Rᵀ and r × B products per block (and CK once), and writes r × B columns',
    async (gain) => {
      const B = 16;
      const source = await resident(gain, B);
      try {
        const engine = await KhaEngine.create(source, options(gain, B));
        const [before, writtenBefore] = [source.bytesRead, source.bytesWritten];
        await engine.run({ passes: 1 });
        // written: C, D and CK whole once (the pass's start), then per block its indices and r × B, r × r values
        const blocks = Math.ceil(l / B);
        const written = source.bytesWritten - writtenBefore;
        expect(written).toBeLessThan(4 * (3 * r * l + blocks * (B + 4 * r * r + 6 * r * B)));
        const { withCK, withD } = needs(gain);
        const m = r * (1 + (withCK ? 1 : 0) + (withD ? 1 : 0)); // C Rᵀ, CK Rᵀ, D Rᵀ
        let values = 0;
        for (let first = 0; first < l; first += B) {
          const n = Math.min(B, l - first);
          values += n * n + m * n + n * n + (withCK ? r * n : 0); // corner; products, R Rᵀ, CK's columns
        }
        if (withCK) values += r * l; // A K′ brought back once, at the pass's end
        expect(source.bytesRead - before).toBe(4 * values);
        console.log(
          `${gain}: read ${(4 * values) / blocks}, written ${written / blocks} bytes a block on average (B × l rows: ${4 * B * l})`,
        );
      } finally {
        await source.dispose();
      }
    },
  );
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (e) {
    return e;
  }
}
