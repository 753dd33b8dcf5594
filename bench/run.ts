/**
 * `npm run bench`: measurements on USPS train (7291 × 256, σ = 8, r = 16), printed as a markdown table
 * and written as JSON with the machine they ran on. Ratios are taken within this one run.
 *
 *   npm run bench                 # everything we can run here
 *   npm run bench -- --quick      # fewer repetitions
 *   npm run bench -- --peers      # also scikit-learn (arpack) and kernlab kha when installed
 *   npm run bench -- --out FILE   # JSON output (default bench/results/latest.json)
 */
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadDataset } from '../src/data/load';
import { KhaEngine } from '../src/kha/engine';
import { createGainSchedule, GAIN_NAMES } from '../src/kha/gains';
import { availableBackends, CenteredGram, createGramBackend } from '../src/kernels';
import type { BackendName } from '../src/kernels/backend';
import { defaultWasmThreads } from '../src/kernels/wasmBackend';
import { sigmaToGamma } from '../src/kernels/kernel';
import { loadModel } from '../src/model/modelFile';
import { writeFileAtomic } from '../src/io/atomicWrite';
import { reconstructionError } from '../src/eval/convergence';
import { matmulTransB } from '../src/linalg/dense';

const SIGMA = 8;
const R = 16;
/** Σ_{i>16} λ_i of K' for USPS train, σ = 8 (tr K' − Σ top 16; ALGORITHMS.md): the optimal error E*. */
const USPS_OPTIMAL_ERROR = 3781.033;

interface Row {
  measure: string;
  value: number;
  unit: string;
  note?: string;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const peers = args.includes('--peers');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : path.join('bench', 'results', 'latest.json');
const root = path.resolve(__dirname, '..', '..');
const uspsDir = process.env.KPCA_USPS_DIR ?? path.resolve(root, '..', 'shared', 'data', 'usps');
const uspsTrain = path.join(uspsDir, 'zip.train.gz');
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const rows: Row[] = [];
const add = (row: Row) => {
  rows.push(row);
  process.stderr.write(`  ${row.measure}: ${row.value.toPrecision(4)} ${row.unit}${row.note ? ` (${row.note})` : ''}\n`);
};

async function gramThroughput(data: Awaited<ReturnType<typeof loadDataset>>) {
  const kernel = { type: 'gaussian' as const, gamma: sigmaToGamma(SIGMA) };
  const B = 64;
  const blocks = quick ? 2 : 6;
  for (const name of await availableBackends()) {
    // wasm on this thread alone as well: what its worker threads gain
    for (const threads of name === 'wasm' ? new Set([1, defaultWasmThreads()]) : [undefined]) {
      const backend = await createGramBackend(name, kernel, data.X, data.l, data.d, { threads });
      const out = new Float64Array(B * data.l);
      const indices = (b: number) => Array.from({ length: B }, (_, i) => (b * B + i) % data.l);
      await backend.rows(indices(0), out); // warm-up (compilation)
      const start = process.hrtime.bigint();
      for (let b = 1; b <= blocks; b++) await backend.rows(indices(b), out);
      const s = seconds(start);
      await backend.dispose();
      const flops = 2 * B * blocks * data.l * data.d;
      const measure = `Gram rows, ${name}${threads ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}`;
      add({ measure, value: flops / s / 1e9, unit: 'GFlop/s', note: `${((s / (B * blocks)) * 1e3).toFixed(3)} ms/row, B = ${B}` });
    }
  }
}

async function secondsPerPass(data: Awaited<ReturnType<typeof loadDataset>>, backendName: BackendName | 'auto') {
  const kernel = { type: 'gaussian' as const, gamma: sigmaToGamma(SIGMA) };
  for (const cached of [true, false]) {
    const backend = await createGramBackend(backendName, kernel, data.X, data.l, data.d);
    const gram = await CenteredGram.create(backend, { cacheBudgetMB: cached ? 1024 : 0 });
    for (const gain of GAIN_NAMES) {
      if (!cached && gain !== 'smd' && gain !== 'constant') continue; // rows on the fly: the Gram cost dominates
      const engine = await KhaEngine.create(gram, { components: R, schedule: createGainSchedule(gain), seed: 1 });
      // The second pass: the first one also pays for compiling the engine's JS for this schedule
      // (by 0.2–0.8 s, more when another schedule ran before it in the process).
      const ends: number[] = [];
      await engine.run({ passes: 2, onPass: (report) => void ends.push(report.seconds) });
      const note = `backend ${backend.name}; first pass ${ends[0].toFixed(2)} s`;
      add({ measure: `pass, ${gain}, ${cached ? 'Gram cached' : 'rows on the fly'}`, value: ends[1] - ends[0], unit: 's', note });
    }
    await backend.dispose();
  }
}

/** Wall time and peak RSS of `kpca fit` as a user runs it, and the excess error it reached. */
async function fitToTarget(passes: number, gramCache: number) {
  const model = path.join(os.tmpdir(), `kpca-bench-${process.pid}.kpca`);
  const cli = path.join(root, 'bin', 'kpca');
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, cli, 'fit', uspsTrain, '--sigma', String(SIGMA), '-r', String(R), '--gain', 'smd', '--passes', String(passes), '--gram-cache', String(gramCache), '--json', '-o', model], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kpca fit failed: ${run.stderr}`);
  const [wall, rssKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const excess = await excessError(model);
  const how = gramCache > 0 ? 'Gram cached' : 'rows on the fly';
  add({ measure: `fit ${passes} SMD passes from the file, ${how}: wall`, value: wall, unit: 's', note: `excess error ${excess.toExponential(2)}` });
  add({ measure: `fit ${passes} SMD passes from the file, ${how}: peak RSS`, value: rssKiB / 1024, unit: 'MiB' });
  return wall;
}

/** Relative excess RKHS reconstruction error of a saved USPS model against E* (ALGORITHMS.md). */
async function excessError(modelPath: string): Promise<number> {
  const model = await loadModel(modelPath);
  const backend = await createGramBackend('auto', model.kernel, model.X, model.l, model.d);
  const gram = await CenteredGram.create(backend, { cacheBudgetMB: 0 });
  const { l, components: r, A } = model;
  const AK = new Float64Array(r * l);
  const block = new Float64Array(64 * l);
  for (let start = 0; start < l; start += 64) {
    const count = Math.min(64, l - start);
    await gram.rows(Array.from({ length: count }, (_, b) => start + b), block);
    const products = matmulTransB(A, block.subarray(0, count * l), r, l, count);
    for (let i = 0; i < r; i++) for (let b = 0; b < count; b++) AK[i * l + start + b] = products[i * count + b];
  }
  await backend.dispose();
  return (reconstructionError(A, AK, r, l, gram.trace) - USPS_OPTIMAL_ERROR) / USPS_OPTIMAL_ERROR;
}

function peer(command: string, argv: string[], label: string): { wall: number; rss: number; json: Record<string, unknown> } | null {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...argv], { encoding: 'utf8', timeout: 30 * 60 * 1000 });
  if (run.status !== 0) {
    process.stderr.write(`  ${label}: not run (${(run.stderr || run.error?.message || '').trim().split('\n').slice(-2).join(' ')})\n`);
    return null;
  }
  const [wall, rssKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, rss: rssKiB / 1024, json: JSON.parse(run.stdout.trim().split('\n').pop() as string) as Record<string, unknown> };
}

async function main() {
  if (!existsSync(uspsTrain)) throw new Error(`USPS not found at ${uspsTrain}: set KPCA_USPS_DIR (or run kpca data fetch usps)`);
  const machine = {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit: (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })(),
    date: new Date().toISOString(),
  };
  process.stderr.write(`kpca-hebbian bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`);
  const data = await loadDataset(uspsTrain);

  await gramThroughput(data);
  await secondsPerPass(data, 'auto');
  const passes = 6; // SMD reaches 1e-3 excess error after 6 passes on USPS (ALGORITHMS.md, docs/results)
  const ours = await fitToTarget(passes, 1024);
  await fitToTarget(passes, 0);

  if (peers) {
    const sk = peer('/usr/bin/python3', [path.join(root, 'bench', 'peers', 'sklearn_kpca.py'), uspsTrain, String(SIGMA), String(R)], 'scikit-learn');
    if (sk) {
      add({ measure: 'scikit-learn KernelPCA (arpack): wall', value: sk.wall, unit: 's', note: `fit ${(sk.json.fit_s as number).toFixed(2)} s` });
      add({ measure: 'scikit-learn KernelPCA (arpack): peak RSS', value: sk.rss, unit: 'MiB' });
      add({ measure: 'our SMD fit to 1e-3 / scikit-learn wall', value: ours / sk.wall, unit: '×' });
    }
    const kl = peer('Rscript', [path.join(root, 'bench', 'peers', 'kernlab_kha.R'), uspsTrain, String(SIGMA), String(R)], 'kernlab');
    if (kl) {
      const smdPass = rows.find((r) => r.measure === 'pass, smd, Gram cached')?.value ?? NaN;
      add({ measure: 'kernlab kha, one pass', value: kl.json.fit_s as number, unit: 's', note: `wall ${kl.wall.toFixed(1)} s, RSS ${kl.rss.toFixed(0)} MiB` });
      add({ measure: 'kernlab pass / our SMD pass (cached)', value: (kl.json.fit_s as number) / smdPass, unit: '×' });
    }
  }

  const table = ['| measure | value | unit | note |', '|---|---|---|---|', ...rows.map((r) => `| ${r.measure} | ${r.value.toPrecision(4)} | ${r.unit} | ${r.note ?? ''} |`)].join('\n');
  process.stdout.write(`\n${table}\n\nmachine: ${JSON.stringify(machine)}\n`);
  mkdirSync(path.dirname(out), { recursive: true });
  await writeFileAtomic(out, JSON.stringify({ machine, rows }, null, 2) + '\n');
  process.stderr.write(`written to ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
