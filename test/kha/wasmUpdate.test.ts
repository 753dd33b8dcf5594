/** The WebAssembly SIMD update kernels compute what the literal O(r²·l) update computes. */
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine } from '../../src/kha/engine';
import { createGainSchedule, GAIN_NAMES, type GainName } from '../../src/kha/gains';
import { createState } from '../../src/kha/state';
import { prefixSumKernels, UpdateScratch } from '../../src/kha/update';
import { UPDATE_WASM_BASE64 } from '../../src/kha/wasm/updateWasm.generated';
import { arenaDoubles, isWasmUpdateSupported, wasmUpdateKernels } from '../../src/kha/wasm/wasmUpdate';
import { Rng } from '../../src/linalg/rng';
import { relativeMaxError, smallProblem, type SmallProblem } from '../helpers/problems';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assemble } = require('../../scripts/build-wasm.js') as { assemble(name: string): Promise<Uint8Array> };

const params: Record<GainName, object> = {
  constant: { eta0: 0.02 },
  annealed: { eta0: 0.1 },
  'kha-et': { eta0: 0.1 },
  smd: { eta0: 0.1, mu: 2 },
};

test('updateWasm.generated.ts is up to date with update.wat (else run node scripts/build-wasm.js)', async () => {
  expect(Buffer.from(await assemble('update')).toString('base64')).toBe(UPDATE_WASM_BASE64);
});

test('the update module validates on this runtime (WebAssembly SIMD)', () => {
  expect(isWasmUpdateSupported()).toBe(true);
});

async function compareWithNaive(problem: SmallProblem, gain: GainName, r: number, blockSize: number, passes: number): Promise<void> {
  const source = () => new DenseRowSource(problem.Kc, problem.l);
  const options = (gainName: GainName) => ({ components: r, schedule: createGainSchedule(gainName, params[gainName]), seed: 4, blockSize });
  const wasm = await KhaEngine.create(source(), { ...options(gain), kernels: wasmUpdateKernels(r, problem.l, blockSize) });
  const naive = await KhaEngine.create(source(), { ...options(gain), update: 'naive' });
  for (const engine of [wasm, naive]) await engine.run({ passes });
  const [fast, slow] = [wasm, naive].map((e) => e.snapshot());
  expect(relativeMaxError(fast.A, slow.A)).toBeLessThan(1e-10);
  if (slow.AK) expect(relativeMaxError(fast.AK as Float64Array, slow.AK)).toBeLessThan(1e-10);
  expect(Object.keys(fast.schedule).sort()).toEqual(Object.keys(slow.schedule).sort());
  for (const key of Object.keys(slow.schedule)) expect(relativeMaxError(fast.schedule[key], slow.schedule[key])).toBeLessThan(1e-10);
  // the running row norms the gains read agree too
  expect(relativeMaxError(fast.normA2, slow.normA2)).toBeLessThan(1e-10);
  if (slow.AK) expect(relativeMaxError(fast.normAK2, slow.normAK2)).toBeLessThan(1e-10);
  // the iteration moved
  expect(fast.t).toBe(passes * problem.l);
  if (gain === 'smd') expect(Math.max(...fast.schedule.rho.map(Math.abs))).toBeGreaterThan(1e-3);
}

describe('wasm update equals the literal O(r²·l) update', () => {
  const even = smallProblem(60, 11, 2.5);
  test.each(GAIN_NAMES)('%s: A, A K′, B, ρ and the norms agree to 1e-10 over 5 passes (l = 60, r = 5)', (gain) =>
    compareWithNaive(even, gain, 5, 7, 5),
  );
  const odd = smallProblem(41, 12, 2.5);
  test.each(GAIN_NAMES)('%s: odd l (l = 41, r = 4, blockSize 6)', (gain) => compareWithNaive(odd, gain, 4, 6, 5));
});

describe('wasm kernels, direct calls', () => {
  const r = 3;
  test.each([1, 2, 3, 9])('dotRows and a kha step agree with the JS kernels for l = %i', (l) => {
    const rng = new Rng(l);
    const kernels = wasmUpdateKernels(r, l, 2);
    const wasmState = createState(r, l, true, kernels.allocate);
    const jsState = createState(r, l, true, (n) => new Float64Array(n));
    const k = kernels.allocate(2 * l).subarray(l);
    for (let j = 0; j < l; j++) k[j] = rng.normal();
    for (let i = 0; i < r * l; i++) {
      wasmState.A[i] = jsState.A[i] = rng.normal();
      (wasmState.AK as Float64Array)[i] = (jsState.AK as Float64Array)[i] = rng.normal();
    }
    const y = new Float64Array(r);
    kernels.dotRows(wasmState.A, k, y);
    for (let i = 0; i < r; i++) {
      let acc = 0;
      for (let j = 0; j < l; j++) acc += jsState.A[i * l + j] * k[j];
      expect(y[i]).toBeCloseTo(acc, 12);
    }
    const eta = Float64Array.from({ length: r }, () => 0.1 * Math.abs(rng.normal()));
    const js = prefixSumKernels(new UpdateScratch(r, l));
    const p = l - 1;
    kernels.kha(wasmState, p, k, y, eta);
    js.kha(jsState, p, Float64Array.from(k), y, eta);
    expect(relativeMaxError(wasmState.A, jsState.A)).toBeLessThan(1e-14);
    expect(relativeMaxError(wasmState.AK as Float64Array, jsState.AK as Float64Array)).toBeLessThan(1e-14);
    expect(relativeMaxError(wasmState.normA2, jsState.normA2)).toBeLessThan(1e-14);
    expect(relativeMaxError(wasmState.normAK2, jsState.normAK2)).toBeLessThan(1e-14);
  });

  test('allocate beyond the arena throws, and the views already handed out stay valid', () => {
    const [rr, l, blockSize] = [4, 11, 3];
    const kernels = wasmUpdateKernels(rr, l, blockSize);
    expect(kernels.remaining).toBe(arenaDoubles(rr, l, blockSize));
    const A = kernels.allocate(rr * l);
    A.fill(2);
    kernels.allocate(rr * l);
    kernels.allocate(rr * l);
    kernels.allocate(blockSize * l);
    kernels.allocate(blockSize * l);
    kernels.allocate(rr);
    kernels.allocate(rr);
    expect(() => kernels.allocate(kernels.remaining + 1)).toThrow(/exceeds the arena/);
    expect(() => kernels.allocate(rr * l)).toThrow(/exceeds the arena/);
    expect(A.length).toBe(rr * l);
    expect(A.every((x) => x === 2)).toBe(true);
  });

  test('views that are not in the kernels memory are refused', () => {
    const l = 8;
    const kernels = wasmUpdateKernels(r, l, 1);
    const foreign = createState(r, l, false, (n) => new Float64Array(n));
    const k = kernels.allocate(l);
    expect(() => kernels.kha(foreign, 0, k, new Float64Array(r), new Float64Array(r))).toThrow(/not a view into/);
    const own = createState(r, l, false, kernels.allocate);
    expect(() => kernels.kha(own, 0, new Float64Array(l), new Float64Array(r), new Float64Array(r))).toThrow(/k is not a view/);
    expect(() => kernels.kha(own, l, k, new Float64Array(r), new Float64Array(r))).toThrow(/sample index/);
    expect(() => wasmUpdateKernels(2, 5, 0)).toThrow(RangeError);
  });
});
