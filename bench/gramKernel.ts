/**
 * The wasm Gram backend's dot-product kernel (src/kernels/wasm/dots.wat: 4 × 8 register tiles over
 * panels of X) against the row-wise kernel it replaced (bench/baseline/dotsRowwise.wat: four block
 * rows share each x_j, one f32x4 accumulator per row, a horizontal sum per value), in the same
 * process on the same thread: GFlop/s of the dot products alone (2·m·l·d per call), best of `reps`,
 * per second of this process's CPU time, so that time slices taken by other jobs on shared cores
 * do not count (the wall clock measured anything from 9 to 36 GFlop/s for the same call at load 10).
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/gramKernel.js [--l 8192] [--d 784] [--reps 5]
 */
import * as path from 'path';
import { DOTS_WASM_HEX } from '../src/kernels/wasm/dotsWasm.generated';
import type { DotsExports } from '../src/kernels/wasmWorker';
import { pagesFor, webAssembly } from '../src/webAssembly';

// plain JavaScript without type declarations (the devDependency wabt assembles the baseline)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assemble } = require(path.resolve(__dirname, '..', '..', 'scripts', 'build-wasm.js')) as {
  assemble: (name: string, wat: string) => Promise<Uint8Array>;
};
const BASELINE_WAT = path.resolve(__dirname, '..', '..', 'bench', 'baseline', 'dotsRowwise.wat');

interface RowwiseExports {
  dots(x: number, l: number, z: number, m: number, dv: number, out: number): void;
}

/** Rows per call: the slot of one of two threads (wasmBackend.ts splits 64 rows a round). */
const M = 32;

export async function compareDotsKernels(
  l: number,
  d: number,
  reps: number,
): Promise<{ rowwise: number; blocked: number }> {
  const lp = Math.ceil(l / 8) * 8;
  const dp = Math.ceil(d / 4) * 4;
  const x = 0;
  const z = x + lp * dp * 4;
  const out = z + M * dp * 4;
  const pages = pagesFor(out + M * lp * 4)!;
  const memory = new webAssembly!.Memory({ initial: pages, maximum: pages, shared: true });
  const f32 = new Float32Array(memory.buffer, 0, (out + M * lp * 4) / 4);
  for (let i = 0; i < f32.length; i++) f32[i] = Math.sin(i); // the cost does not depend on the values
  const instance = (bytes: Uint8Array) =>
    new webAssembly!.Instance(new webAssembly!.Module(bytes), { env: { memory } }).exports;
  const rowwise = instance(await assemble('dots', BASELINE_WAT)) as RowwiseExports;
  const blocked = instance(Buffer.from(DOTS_WASM_HEX, 'hex')) as DotsExports;
  const calls: Record<'rowwise' | 'blocked', () => void> = {
    rowwise: () => rowwise.dots(x, l, z, M, dp / 4, out),
    blocked: () => blocked.dots(x, lp / 8, z, M / 4, d, out, lp * 4),
  };
  const best = { rowwise: Infinity, blocked: Infinity };
  for (const call of Object.values(calls)) call(); // compiled by the optimizing tier before timing
  // alternating, so that a burst of load on the machine hits both
  for (let rep = 0; rep < reps; rep++)
    for (const name of ['rowwise', 'blocked'] as const) {
      const start = process.cpuUsage();
      calls[name]();
      const { user, system } = process.cpuUsage(start);
      best[name] = Math.min(best[name], (user + system) / 1e6);
    }
  const gflops = (s: number) => (2 * M * l * d) / s / 1e9;
  return { rowwise: gflops(best.rowwise), blocked: gflops(best.blocked) };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) =>
    args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback;
  const [l, d, reps] = [option('l', 8192), option('d', 784), option('reps', 5)];
  compareDotsKernels(l, d, reps).then(
    ({ rowwise, blocked }) =>
      console.log(
        `dots ${M} × ${l} × ${d}, 1 thread: row-wise ${rowwise.toFixed(1)} GFlop/s, register-blocked ${blocked.toFixed(1)} GFlop/s (${(blocked / rowwise).toFixed(2)}×)`,
      ),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
