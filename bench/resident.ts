/**
 * One KHA pass with the rows computed on the fly: the blocked update on the wasm backend against the
 * blocked update resident on a WebGPU device (src/kernels/webgpuResident.ts), on a synthetic Gaussian
 * mixture (l × d, 10 clusters). For each: the centering pass, the initial exact A K′, one pass, the
 * final A K′ (seconds), the bytes read back from the device, and the pass's eigenvalue estimates of
 * both (they must agree to f32 rounding). Not a jest test; docs/GPU.md gives the command for a GPU machine.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/resident.js [--l N] [--d N] [--r N] [--block B]
 *     [--gain smd|kha-et|annealed|constant] [--passes N] [--skip-wasm]
 */
import * as os from 'os';
import { CenteredGram, createGramBackend, type KernelSpec } from '../src/kernels';
import { WebGPUResident } from '../src/kernels/webgpuResident';
import { KhaEngine } from '../src/kha/engine';
import { createGainSchedule, type GainName } from '../src/kha/gains';
import { Rng } from '../src/linalg/rng';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const l = arg('l', 4000);
const d = arg('d', 784);
const r = arg('r', 16);
const blockSize = arg('block', 64);
const passes = arg('passes', 1);
const gainAt = process.argv.indexOf('--gain');
const gain = (gainAt >= 0 ? process.argv[gainAt + 1] : 'smd') as GainName;
const skipWasm = process.argv.includes('--skip-wasm');

/** 10 Gaussian clusters in [0, 1]^d, pixel-like */
function mixture(): Float64Array {
  const rng = new Rng(1);
  const centres = Array.from({ length: 10 }, () => Float64Array.from({ length: d }, () => rng.uniform()));
  const X = new Float64Array(l * d);
  for (let i = 0; i < l; i++) {
    const c = centres[i % 10];
    for (let t = 0; t < d; t++) X[i * d + t] = c[t] + 0.1 * rng.normal();
  }
  return X;
}

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

async function main(): Promise<void> {
  const X = mixture();
  const kernel: KernelSpec = { type: 'gaussian', gamma: 1 / (2 * 0.5 * d * 0.02) }; // σ² ≈ mean squared distance / 2
  const schedule = () => createGainSchedule(gain, { eta0: 0.05 });
  const engineOptions = { components: r, seed: 1, blockSize, update: 'blocked' as const };
  console.log(
    `l = ${l}, d = ${d}, r = ${r}, B = ${blockSize}, gain ${gain}, ${passes} pass(es), ${os.cpus().length} CPUs`,
  );
  const rows: string[][] = [];
  const estimates: Float64Array[] = [];

  if (!skipWasm) {
    let t = process.hrtime.bigint();
    const backend = await createGramBackend('wasm', kernel, X, l, d);
    const gram = await CenteredGram.create(backend, { blockSize, cacheBudgetMB: 0 });
    const centering = seconds(t);
    t = process.hrtime.bigint();
    const engine = await KhaEngine.create(gram, { ...engineOptions, schedule: schedule() });
    const initial = seconds(t);
    const run = await engine.run({ passes, onPass: (p) => void estimates.push(Float64Array.from(p.passEigenvalues)) });
    t = process.hrtime.bigint();
    await engine.refreshAK();
    rows.push(['wasm blocked', centering, initial, run.seconds / passes, seconds(t), 0].map(String));
    await backend.dispose();
  }

  let t = process.hrtime.bigint();
  const device = await WebGPUResident.create(kernel, X, l, d, {
    components: r,
    blockSize,
    withCK: gain !== 'constant' && gain !== 'annealed',
    withD: gain === 'smd',
  });
  const centering = seconds(t);
  try {
    t = process.hrtime.bigint();
    const engine = await KhaEngine.create(device, { ...engineOptions, schedule: schedule() });
    const initial = seconds(t);
    const before = device.bytesRead;
    const run = await engine.run({ passes, onPass: (p) => void estimates.push(Float64Array.from(p.passEigenvalues)) });
    const perBlock = (device.bytesRead - before) / (passes * Math.ceil(l / blockSize));
    t = process.hrtime.bigint();
    await engine.refreshAK();
    rows.push(['webgpu resident', centering, initial, run.seconds / passes, seconds(t), perBlock].map(String));
  } finally {
    await device.dispose();
  }

  const gramFlops = 3 * l * l * d; // a difference, a multiply and an add per term
  console.log('| path | centering s | initial A K′ s | pass s | final A K′ s | bytes read back per block |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, ...v] of rows)
    console.log(
      `| ${name} | ${v
        .slice(0, 4)
        .map((x) => Number(x).toFixed(3))
        .join(' | ')} | ${Math.round(Number(v[4]))} |`,
    );
  const [, c] = rows[rows.length - 1];
  console.log(
    `webgpu Gram pass (centering): ${(gramFlops / Number(c) / 1e9).toFixed(1)} GFlop/s; B × l rows would be ${4 * blockSize * l} bytes a block`,
  );
  if (estimates.length === 2 * passes) {
    let worst = 0;
    for (let p = 0; p < passes; p++)
      for (let i = 0; i < r; i++)
        worst = Math.max(worst, Math.abs(estimates[p][i] - estimates[passes + p][i]) / Math.abs(estimates[p][0]));
    console.log(`pass eigenvalue estimates, wasm vs webgpu resident: max difference ${worst.toExponential(2)} of λ1`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
