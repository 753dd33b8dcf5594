/**
 * The wasm backend on worker threads: the same values as on this thread, bit for bit, whatever the
 * split of a block between threads; failures reject instead of hanging; Node is never kept alive.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync } from 'fs';
import * as os from 'os';
import { join } from 'path';
import { CenteredGram, createGramBackend, type GramBackend, type KernelSpec } from '../../src/kernels';
import { defaultWasmThreads } from '../../src/kernels/wasmBackend';
import { KhaEngine } from '../../src/kha/engine';
import { createGainSchedule } from '../../src/kha/gains';
import { kpca, writeCloudCsv } from '../helpers/cli';
import { gaussianCloud } from '../helpers/problems';
import { randomPoints } from './naiveKernel';

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const KERNELS: KernelSpec[] = [
  { type: 'gaussian', gamma: 0.3 },
  { type: 'polynomial', degree: 3, coef0: 1 },
  { type: 'linear' },
];

/** blocks of 1 row, not a multiple of 4 nor of the thread count, one round of 64, and several rounds */
const BLOCK_SIZES = [1, 7, 64, 70, 130];

describe.each([
  { l: 5, d: 3 },
  { l: 1000, d: 37 },
])('l=$l, d=$d', ({ l, d }) => {
  const X = randomPoints(l + d, l, d, 0.5);
  const Z = randomPoints(2 * l + d, 130, d, 0.5);

  describe.each(KERNELS)('$type kernel', (kernel) => {
    const backends = new Map<number, GramBackend>();
    beforeAll(async () => {
      for (const threads of [1, 2, 3])
        backends.set(threads, await createGramBackend('wasm', kernel, X, l, d, { threads }));
    });
    afterAll(async () => {
      for (const backend of backends.values()) await backend.dispose();
    });

    /** what each backend computes, which must be the same bytes */
    async function compute(
      call: (backend: GramBackend, out: Float64Array) => Promise<void>,
      m: number,
    ): Promise<Buffer[]> {
      const outs: Buffer[] = [];
      for (const backend of backends.values()) {
        const out = new Float64Array(m * l).fill(NaN);
        await call(backend, out);
        outs.push(bits(out));
      }
      return outs;
    }

    test.each(BLOCK_SIZES)('rows of %i training points: 2 and 3 threads equal 1 thread bit for bit', async (m) => {
      const indices = Array.from({ length: m }, (_, b) => (b * 37 + 11) % l);
      const [one, ...more] = await compute((backend, out) => backend.rows(indices, out), m);
      expect(one.equals(bits(new Float64Array(m * l).fill(NaN)))).toBe(false);
      for (const other of more) expect(other.equals(one)).toBe(true);
    });

    test.each(BLOCK_SIZES)('cross of %i new points: 2 and 3 threads equal 1 thread bit for bit', async (m) => {
      const [one, ...more] = await compute((backend, out) => backend.cross(Z, m, out), m);
      for (const other of more) expect(other.equals(one)).toBe(true);
    });
  });
});

describe('threads', () => {
  const l = 40,
    d = 6;
  const X = randomPoints(3, l, d);
  const kernel: KernelSpec = { type: 'gaussian', gamma: 0.2 };
  const indices = Array.from({ length: l }, (_, i) => i);

  test('default: the available cores, and --verbose says how many', async () => {
    const messages: string[] = [];
    const backend = await createGramBackend('wasm', kernel, X, l, d, { verbose: (m) => messages.push(m) });
    const threads = os.availableParallelism();
    expect(defaultWasmThreads()).toBe(threads);
    expect(messages.join('\n')).toContain(`${threads} thread`);
    await backend.dispose();
    await expect(createGramBackend('wasm', kernel, X, l, d, { threads: 0 })).rejects.toThrow(
      /threads must be a positive integer/,
    );
  });

  test('concurrent calls are served one at a time, each with its own values', async () => {
    const backend = await createGramBackend('wasm', kernel, X, l, d, { threads: 2 });
    const expected = new Float64Array(l * l);
    await backend.rows(indices, expected);
    const outs = [0, 1, 2].map(() => new Float64Array(l * l));
    const reversed = [...indices].reverse();
    await Promise.all([
      backend.rows(indices, outs[0]),
      backend.rows(reversed, outs[1]),
      backend.rows(indices, outs[2]),
    ]);
    expect(bits(outs[0]).equals(bits(expected))).toBe(true);
    expect(bits(outs[2]).equals(bits(expected))).toBe(true);
    expect(outs[1][0]).toBe(expected[(l - 1) * l]);
    await backend.dispose();
  });

  test('a call after dispose(), or in flight during it, rejects with a clear error', async () => {
    for (const threads of [1, 2]) {
      const backend = await createGramBackend('wasm', kernel, X, l, d, { threads });
      const inFlight = backend.rows(indices, new Float64Array(l * l));
      // on this thread the rows are computed at call time, before dispose()
      const outcome =
        threads > 1 ? expect(inFlight).rejects.toThrow(/wasm Gram backend.*disposed during a call/) : inFlight;
      await backend.dispose();
      await outcome;
      await expect(backend.rows([0], new Float64Array(l))).rejects.toThrow(
        /wasm Gram backend: called after dispose\(\)/,
      );
    }
  });

  test('CenteredGram calls the backend when asked for rows, before its caller awaits', async () => {
    const backend = await createGramBackend('wasm', kernel, X, l, d, { threads: 2 });
    const gram = await CenteredGram.create(backend, { cacheBudgetMB: 0 });
    const calls: number[][] = [];
    const rows = backend.rows.bind(backend);
    backend.rows = (i, out) => (calls.push(Array.from(i)), rows(i, out));
    const pending = gram.rows([3, 1], new Float64Array(2 * l));
    expect(calls).toEqual([[3, 1]]);
    await pending;
    await backend.dispose();
  });
});

test('KHA on centered rows computed on the fly, fetched ahead: 2 threads end bit-identical to 1', async () => {
  const l = 300,
    d = 5;
  const X = gaussianCloud(l, 7);
  const fitted: Buffer[] = [];
  for (const threads of [1, 2]) {
    const backend = await createGramBackend('wasm', { type: 'gaussian', gamma: 1 / 18 }, X, l, d, { threads });
    const gram = await CenteredGram.create(backend, { cacheBudgetMB: 0, blockSize: 32 });
    const engine = await KhaEngine.create(gram, {
      components: 3,
      schedule: createGainSchedule('smd', { eta0: 0.02 }),
      seed: 2,
      blockSize: 32,
    });
    await engine.run({ passes: 2 });
    fitted.push(bits(await engine.refreshAK()), bits(engine.state.A));
    await backend.dispose();
  }
  expect(fitted[2].equals(fitted[0])).toBe(true);
  expect(fitted[3].equals(fitted[1])).toBe(true);
});

describe('Node is never kept alive by the worker threads', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'kpca-threads-'));

  test('a script that forgets dispose() exits once its rows are in', () => {
    const script = `
      const { createGramBackend } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'kernels'))});
      const X = Float64Array.from({ length: 200 * 8 }, (_, i) => Math.sin(i));
      createGramBackend('wasm', { type: 'gaussian', gamma: 0.5 }, X, 200, 8, { threads: 2 })
        .then((backend) => backend.rows([0, 1, 2], new Float64Array(600)))
        .then(() => console.log('rows in'));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('rows in\n');
    expect(run.status).toBe(0);
  });

  test('kpca fit with rows computed on the fly by worker threads exits promptly', () => {
    const csv = writeCloudCsv(join(dir, 'cloud.csv'), 300);
    const fit = kpca(
      ['fit', csv, '--backend', 'wasm', '--gram-cache', '0', '-r', '3', '--passes', '2', '-o', join(dir, 'cloud.kpca')],
      { timeout: 30_000 },
    );
    expect(fit.signal).toBeNull();
    expect(fit.code).toBe(0);
  });
});
