/**
 * The initial A K′ taken in the centering pass (src/kha/initialAK.ts) equals the engine's exact pass
 * over the rows of K′ (the old path) to 1e-10, with and without the f32 Gram cache, for blocks that
 * do not divide l; an engine started from it runs as one started from that pass; and a fit of kha-et
 * or smd then computes no more Gram rows than one of annealed (one pass fewer than before).
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { compare } from '../../src/app/compare';
import { fit } from '../../src/app/fit';
import { scaledSource } from '../../src/app/gainScale';
import type { Dataset } from '../../src/data/dataset';
import { CenteredGram, createGramBackend } from '../../src/kernels';
import { ReferenceBackend } from '../../src/kernels/referenceBackend';
import { sigmaToGamma, type KernelSpec } from '../../src/kernels/kernel';
import { KhaEngine } from '../../src/kha/engine';
import { createGainSchedule, type GainName } from '../../src/kha/gains';
import { initialA, InitialProduct } from '../../src/kha/initialAK';
import { gaussianCloud } from '../helpers/problems';

const l = 61;
const d = 5;
const r = 4;
const X = gaussianCloud(l, 7);
const kernel: KernelSpec = { type: 'gaussian', gamma: sigmaToGamma(2) };

/** max |a − b| / max |b| */
const relative = (a: Float64Array, b: Float64Array) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
};

async function centered(X: Float64Array, spec: KernelSpec, cacheBudgetMB: number, blockSize: number, seed: number) {
  const backend = await createGramBackend('reference', spec, X, l, d);
  const initial = new InitialProduct(r, l, seed, blockSize);
  const gram = await CenteredGram.create(backend, { blockSize, cacheBudgetMB, onServedRows: initial.visit });
  return { gram, initial };
}

describe.each([
  ['cached (f32 rows)', 1024],
  ['on the fly (f64 rows)', 0],
])('%s', (_, cacheBudgetMB) => {
  test.each([1, 7, 16, 64])(
    'block %i: A₀ K′ from the centering pass equals the exact pass to 1e-10',
    async (blockSize) => {
      const { gram, initial } = await centered(X, kernel, cacheBudgetMB, blockSize, 11);
      expect(gram.cached).toBe(cacheBudgetMB > 0);
      expect(gram.servedAsScanned).toBe(true);
      const engine = await KhaEngine.create(gram, {
        components: r,
        schedule: createGainSchedule('annealed'),
        seed: 11,
      });
      const exact = await engine.multiplyBySource(initialA(r, l, 11));
      const free = initial.result(gram.rowMeans, gram.grandMean);
      expect(relative(free, exact)).toBeLessThan(1e-10);
      expect(relative(free, exact)).toBeGreaterThan(0); // another summation order: a check that can fail
    },
  );
});

test('the engine draws initialA(r, l, seed); given A₀ (K′/s) it makes no pass and runs as from the exact pass to 1e-10', async () => {
  const { gram, initial } = await centered(X, kernel, 1024, 16, 5);
  const scale = 2.5;
  const source = scaledSource(gram, scale);
  const initialAK = initial.result(gram.rowMeans, gram.grandMean, scale);
  let fetched = 0;
  const counting = {
    l,
    rows: (indices: ArrayLike<number>, out: Float64Array) => ((fetched += indices.length), source.rows(indices, out)),
  };
  const options = (gain: GainName) => ({
    components: r,
    schedule: createGainSchedule(gain, { eta0: 0.05 }),
    seed: 5,
    blockSize: 16,
  });
  for (const gain of ['kha-et', 'smd'] as const) {
    fetched = 0;
    const old = await KhaEngine.create(source, options(gain));
    const free = await KhaEngine.create(counting, { ...options(gain), initialAK });
    expect(fetched).toBe(0);
    expect(free.state.A).toEqual(initialA(r, l, 5));
    expect(free.state.A).toEqual(old.state.A);
    expect(relative(free.state.AK as Float64Array, old.state.AK as Float64Array)).toBeLessThan(1e-10);
    await old.run({ passes: 3 });
    await free.run({ passes: 3 });
    expect(fetched).toBe(3 * l);
    expect(relative(free.state.A, old.state.A)).toBeLessThan(1e-10);
  }
  await expect(KhaEngine.create(source, { ...options('smd'), initialAK: initialAK.subarray(1) })).rejects.toThrow(
    /initialAK has/,
  );
});

test('values beyond f32 drop the cache: servedAsScanned is false (fit then takes the exact pass)', async () => {
  const { gram } = await centered(
    X.map((v) => v * 1e20),
    { type: 'linear' },
    1024,
    16,
    5,
  );
  expect(gram.cached).toBe(false);
  expect(gram.servedAsScanned).toBe(false);
});

describe('fit and compare compute as many Gram rows for kha-et and smd as for annealed (on the fly)', () => {
  const data: Dataset = { X, l, d, featureNames: ['a', 'b', 'c', 'd', 'e'], source: 'generated' };
  /** rows the reference backend computed during `run` */
  const rowsOf = async (run: () => Promise<unknown>) => {
    const spy = jest.spyOn(ReferenceBackend.prototype, 'rows');
    try {
      await run();
      return spy.mock.calls.reduce((sum, [indices]) => sum + indices.length, 0);
    } finally {
      spy.mockRestore();
    }
  };
  const fitRows = (gain: GainName) =>
    rowsOf(() =>
      fit(data, { components: r, gain, passes: 2, backend: 'reference', gramCacheMB: 0, kernel, blockSize: 16 }),
    );
  test.each(['kha-et', 'smd'] as const)('fit, %s', async (gain) => {
    const annealed = await fitRows('annealed');
    // centering, 2 passes, the final exact A K′ and the certificate: no pass for the initial A K′
    expect(annealed).toBe(5 * l);
    expect(await fitRows(gain)).toBe(annealed);
  });
  test('compare: smd and kha-et after annealed cost only their own passes and measurements', async () => {
    const compareRows = (gains: GainName[]) =>
      rowsOf(() =>
        compare(data, {
          components: r,
          gains,
          passes: 2,
          backend: 'reference',
          gramCacheMB: 0,
          kernel,
          blockSize: 16,
          cacheDir: mkdtempSync(join(tmpdir(), 'kpca-initial-')),
        }),
      );
    const one = await compareRows(['annealed']);
    // each schedule adds its passes and its measurements, the same for every schedule: no initial A K′ pass
    const perSchedule = (await compareRows(['annealed', 'constant'])) - one;
    expect(perSchedule).toBeGreaterThan(2 * l);
    expect(await compareRows(['annealed', 'constant', 'kha-et', 'smd'])).toBe(one + 3 * perSchedule);
  });
});

test('without WebAssembly the JS products give the same A₀ K′ to 1e-12', async () => {
  let JsProduct: typeof InitialProduct = InitialProduct;
  jest.isolateModules(() => {
    jest.doMock('../../src/kha/wasm/wasmUpdate', () => ({
      ...jest.requireActual('../../src/kha/wasm/wasmUpdate'),
      isWasmUpdateSupported: () => false,
    }));
    ({ InitialProduct: JsProduct } = jest.requireActual('../../src/kha/initialAK'));
  });
  expect(JsProduct).not.toBe(InitialProduct);
  const backend = await createGramBackend('reference', kernel, X, l, d);
  const wasm = new InitialProduct(r, l, 2, 16);
  const js = new JsProduct(r, l, 2, 16);
  const gram = await CenteredGram.create(backend, {
    blockSize: 16,
    onServedRows: (rows, i0, count) => {
      wasm.visit(rows, i0, count);
      js.visit(rows, i0, count);
    },
  });
  const [a, b] = [wasm, js].map((p) => p.result(gram.rowMeans, gram.grandMean));
  expect(relative(b, a)).toBeLessThan(1e-12);
});
