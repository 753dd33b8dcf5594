/**
 * Micro-benchmark of the per-step update kernels on the USPS shape (l = 7291, r = 16): JS prefix-sum
 * (src/kha/update.ts) against WebAssembly f64x2 SIMD (src/kha/wasm), for kha without and with A K',
 * smd, and y = A k. Not a jest test. Synthetic iterates with USPS-like magnitudes (the cost does not
 * depend on the values as long as nothing is denormal); gains small enough that nothing drifts.
 *
 *   npx tsc --outDir /tmp/bench-update --rootDir . --module commonjs --target ES2022 --esModuleInterop \
 *     --skipLibCheck --types node --resolveJsonModule bench/update.ts && node /tmp/bench-update/bench/update.js [--l N] [--r N] [--steps N]
 *     [--reps N] [--ops smd,khaAK] [--no-js]   (--no-js: wasm only, JS columns show '-')
 */
import { createState, type KhaState } from '../src/kha/state';
import { prefixSumKernels, UpdateScratch, type SmdIterate, type UpdateKernels } from '../src/kha/update';
import { wasmUpdateKernels, type WasmUpdateKernels } from '../src/kha/wasm/wasmUpdate';
import { dotFromOffset } from '../src/linalg/dense';
import { Rng } from '../src/linalg/rng';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const l = arg('l', 7291);
const r = arg('r', 16);
const steps = arg('steps', 400);
const reps = arg('reps', 5);
const blockSize = 64;
const opsArg = process.argv.indexOf('--ops');
const noJs = process.argv.includes('--no-js');

interface Setup {
  kernels: UpdateKernels;
  stateA: KhaState; // without A K'
  stateAK: KhaState; // with A K'
  smd: SmdIterate;
  block: Float64Array;
  y: Float64Array;
}

function setup(kernels: UpdateKernels): Setup {
  const rng = new Rng(7);
  const stateAK = createState(r, l, true, kernels.allocate);
  // the same A without A K' (the arena holds exactly what an SMD engine allocates: three r × l matrices)
  const stateA: KhaState = { ...stateAK, AK: null, normA2: new Float64Array(r), normAK2: new Float64Array(r) };
  const block = kernels.allocate(blockSize * l);
  const y = kernels.allocate(r);
  const smd = { B: kernels.allocate(r * l), rho: kernels.allocate(r) };
  const scale = 1 / Math.sqrt(r * l);
  for (let i = 0; i < r * l; i++) {
    stateAK.A[i] = rng.normal() * scale;
    (stateAK.AK as Float64Array)[i] = rng.normal() * 0.1;
    smd.B[i] = rng.normal() * 1e-3;
  }
  for (let i = 0; i < block.length; i++) block[i] = rng.normal() * 0.05;
  for (let i = 0; i < r; i++) y[i] = rng.normal() * 0.1;
  return { kernels, stateA, stateAK, smd, block, y };
}

/** the engine's y = A k in JS */
function jsDotRows(A: Float64Array, k: Float64Array, y: Float64Array): void {
  for (let i = 0; i < r; i++) y[i] = dotFromOffset(A, i * l, k, l);
}

type Op = 'y' | 'kha' | 'khaAK' | 'smd' | 'y+kha' | 'y+khaAK' | 'y+smd';
const OPS: Op[] = ['y', 'kha', 'khaAK', 'smd', 'y+kha', 'y+khaAK', 'y+smd'];

/** ms per step, the best of reps */
function measure(s: Setup, dot: (A: Float64Array, k: Float64Array, y: Float64Array) => void, op: Op): number {
  const eta = new Float64Array(r).fill(1e-7);
  const yFixed = Float64Array.from(s.y);
  const run = (n: number): number => {
    const t0 = process.hrtime.bigint();
    for (let t = 0; t < n; t++) {
      const b = t % blockSize;
      const k = s.block.subarray(b * l, (b + 1) * l);
      const p = (t * 7919) % l;
      const state = op === 'kha' || op === 'y+kha' ? s.stateA : s.stateAK;
      if (op.startsWith('y')) dot(state.A, k, s.y);
      if (op !== 'y') s.y.set(yFixed); // the same magnitudes every step: nothing drifts
      if (op === 'kha' || op === 'y+kha' || op === 'khaAK' || op === 'y+khaAK') s.kernels.kha(state, p, k, s.y, eta);
      else if (op === 'smd' || op === 'y+smd') s.kernels.smd(state, s.smd, p, k, s.y, eta, 1e-9, 0.99);
    }
    return Number(process.hrtime.bigint() - t0) / 1e6 / n;
  };
  run(Math.max(20, steps / 4)); // warm-up (tier-up)
  // the minimum over reps: the machine is shared, and interference only ever adds time
  return Math.min(...Array.from({ length: reps }, () => run(steps)));
}

function main(): void {
  const js = setup(prefixSumKernels(new UpdateScratch(r, l)));
  const wasmKernels = wasmUpdateKernels(r, l, blockSize);
  const wasm = setup(wasmKernels);
  console.log(`update kernels, l = ${l}, r = ${r}, ${steps} steps × ${reps} reps (min); Node ${process.version}`);
  console.log('| op | JS ms/step | JS s/pass | wasm ms/step | wasm s/pass | speed-up |');
  console.log('|---|---|---|---|---|---|');
  const ops = opsArg >= 0 ? (process.argv[opsArg + 1].split(',') as Op[]) : OPS;
  for (const op of ops) {
    const a = noJs ? NaN : measure(js, jsDotRows, op);
    const b = measure(wasm, (A, k, y) => (wasmKernels as WasmUpdateKernels).dotRows(A, k, y), op);
    const jsCols = noJs ? '- | - ' : `${a.toFixed(3)} | ${((a * l) / 1000).toFixed(2)} `;
    const ratio = noJs ? '-' : `${(a / b).toFixed(2)}×`;
    console.log(`| ${op} | ${jsCols}| ${b.toFixed(3)} | ${((b * l) / 1000).toFixed(2)} | ${ratio} |`);
  }
}

main();
