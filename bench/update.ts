/**
 * Micro-benchmark of the per-step update on the USPS shape (l = 7291, r = 16): the factored form
 * (src/kha/ops/factored) with its sweeps in JS and in WebAssembly f64x2 SIMD, and the blocked form
 * (src/kha/ops/blocked.ts) with its products in JS, in wasm,
 * and in wasm on `--threads` threads, for kha without and with A K' and for smd. A step is what the engine
 * does: project (y = A k') and the update, with the block's fold every `blockSize` steps. Not a jest
 * test. Synthetic iterates with USPS-like magnitudes and gains small enough that nothing drifts
 * (the cost does not depend on the values as long as nothing is denormal).
 *
 *   npx tsc --outDir /tmp/bench-update --rootDir . --module commonjs --target ES2022 --esModuleInterop \
 *     --skipLibCheck --types node --resolveJsonModule bench/update.ts && node /tmp/bench-update/bench/update.js [--l N] [--r N] [--steps N] [--reps N] [--block B] [--threads N]
 */
import * as os from 'os';
import { blockedColumns, jsBlockProducts } from '../src/kha/ops/blocked';
import { factoredOps, jsFactoredSweeps } from '../src/kha/ops/factored';
import type { SmdIterate, UpdateOps } from '../src/kha/ops';
import { createState, type KhaState } from '../src/kha/state';
import { wasmFactoredSweeps } from '../src/kha/wasm/wasmUpdate';
import { dotFromOffset } from '../src/linalg/dense';
import { Rng } from '../src/linalg/rng';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const l = arg('l', 7291);
const r = arg('r', 16);
const steps = arg('steps', 640);
const reps = arg('reps', 5);
const blockSize = arg('block', 64);
const threads = arg('threads', os.availableParallelism());

type Op = 'kha' | 'khaAK' | 'smd';
const OPS: Op[] = ['kha', 'khaAK', 'smd'];

interface Setup {
  ops: UpdateOps;
  state: KhaState;
  smd: SmdIterate | null;
  block: Float64Array;
}

function setup(ops: UpdateOps, op: Op): Setup {
  const rng = new Rng(7);
  const state = createState(r, l, op !== 'kha', ops.allocate);
  const block = ops.allocate(blockSize * l);
  const smd = op === 'smd' ? { B: ops.allocate(r * l), rho: ops.allocate(r) } : null;
  const scale = 1 / Math.sqrt(r * l);
  for (let i = 0; i < r * l; i++) {
    state.A[i] = rng.normal() * scale;
    if (state.AK) state.AK[i] = rng.normal() * 0.1;
    if (smd) smd.B[i] = rng.normal() * 1e-3;
  }
  for (let i = 0; i < block.length; i++) block[i] = rng.normal() * 0.05;
  return { ops, state, smd, block };
}

/** ms per step, the best of reps */
function measure(s: Setup): number {
  const eta = new Float64Array(r).fill(1e-7);
  // ‖k'_p‖² of each row of the block (the engine keeps them per sample)
  const squares = Array.from({ length: blockSize }, (_, b) =>
    dotFromOffset(s.block, b * l, s.block.subarray(b * l, (b + 1) * l), l),
  );
  const indices = new Int32Array(blockSize);
  const run = (n: number): number => {
    const t0 = process.hrtime.bigint();
    for (let t = 0; t < n; t++) {
      const b = t % blockSize;
      const k = s.block.subarray(b * l, (b + 1) * l);
      const p = (t * 7919) % l; // distinct within a block: gcd(7919 mod l, l) = 1 for the USPS l
      if (b === 0) {
        for (let q = 0; q < blockSize; q++) indices[q] = ((t + q) * 7919) % l;
        s.ops.beginBlock?.(s.state, s.smd, indices, s.block, blockSize);
      }
      const projected = s.ops.project(s.state, s.smd, p, k, squares[b]);
      if (s.smd) s.ops.smd(s.state, s.smd, projected, eta, 1e-9, 0.99);
      else s.ops.kha(s.state, projected, eta);
      if (b === blockSize - 1) s.ops.endBlock?.(s.state, s.smd, false);
    }
    return Number(process.hrtime.bigint() - t0) / 1e6 / n;
  };
  run(blockSize); // warm-up (tier-up)
  // the minimum over reps: the machine is shared, and interference only ever adds time
  return Math.min(...Array.from({ length: reps }, () => run(steps)));
}

function main(): void {
  const kinds: [string, () => UpdateOps][] = [
    ['factored, JS sweeps', () => factoredOps(r, l, jsFactoredSweeps(r, l))],
    ['factored, wasm sweeps', () => factoredOps(r, l, wasmFactoredSweeps(r, l, blockSize))],
    [
      'blocked, JS products',
      () => {
        const sweeps = wasmFactoredSweeps(r, l, blockSize);
        return factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, jsBlockProducts(l)));
      },
    ],
    [
      'blocked, wasm products',
      () => {
        const sweeps = wasmFactoredSweeps(r, l, blockSize);
        return factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, sweeps.products));
      },
    ],
    [
      `blocked, wasm products, ${threads} threads`,
      () => {
        const sweeps = wasmFactoredSweeps(r, l, blockSize, threads);
        return factoredOps(r, l, sweeps, blockedColumns(r, l, blockSize, sweeps, sweeps.products));
      },
    ],
  ];
  console.log(
    `update, l = ${l}, r = ${r}, ${steps} steps × ${reps} reps (min), fold every ${blockSize} steps; Node ${process.version}`,
  );
  console.log(
    `| op | ${kinds.map(([name]) => `${name} ms/step (s/pass)`).join(' | ')} | factored wasm / blocked wasm, ${threads} threads |`,
  );
  console.log(`|---|${kinds.map(() => '---|').join('')}---|`);
  for (const op of OPS) {
    const ms = kinds.map(([, make]) => measure(setup(make(), op)));
    const cells = ms.map((m) => `${m.toFixed(3)} (${((m * l) / 1000).toFixed(2)})`);
    console.log(`| ${op} | ${cells.join(' | ')} | ${(ms[1] / ms[4]).toFixed(1)}× |`);
  }
}

main();
