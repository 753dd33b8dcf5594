/**
 * `npm run bench`: measurements on USPS train (7291 × 256, σ = 8, r = 16), printed as a markdown table
 * and written as JSON with the machine they ran on. Ratios are taken within this one run.
 *
 *   npm run bench                 # everything we can run here, scikit-learn (arpack) included when installed
 *   npm run bench -- --quick      # fewer repetitions
 *   npm run bench -- --peers      # also kernlab kha (R) when installed
 *   npm run bench -- --large      # also 60000 × 784 on the fly (SMD, 2 passes; many minutes) and --mixture
 *   npm run bench -- --mixture    # also 20000 × 784 (10-centre Gaussian mixture) against scikit-learn
 *                                 # (minutes; 6–7 GB for scikit-learn). --mixture-points N, --mixture-passes P
 *   npm run bench -- --out FILE   # JSON output (default bench/results/latest.json)
 *   npm run bench -- --only gram784|usps|mixture|large   # one part alone (machine and load recorded as ever)
 *
 * The rows answer the targets of the blocked-engine issue; the closing lines say which are met here.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadDataset } from '../src/data/load';
import { KhaEngine } from '../src/kha/engine';
import { createGainSchedule, GAIN_NAMES } from '../src/kha/gains';
import { availableBackends, CenteredGram, createGramBackend } from '../src/kernels';
import type { BackendName } from '../src/kernels/backend';
import { defaultWasmThreads } from '../src/kernels/wasmBackend';
import { compareDotsKernels } from './gramKernel';
import { sigmaToGamma } from '../src/kernels/kernel';
import { loadModel } from '../src/model/modelFile';
import { writeFileAtomic } from '../src/io/atomicWrite';
import { reconstructionError } from '../src/eval/convergence';
import { matmulTransB } from '../src/linalg/dense';
import { Rng } from '../src/linalg/rng';

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
const large = args.includes('--large');
const mixture = large || args.includes('--mixture');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const part = (name: 'gram784' | 'usps' | 'mixture' | 'large') => only === undefined || only === name;
const numberOption = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;
const mixturePoints = numberOption('--mixture-points', 20000);
/** SMD passes for the mixture fit: enough for 1e-3 (the row prints the excess error it reached) */
const mixturePasses = numberOption('--mixture-passes', 3);
const mixtureComponents = numberOption('--mixture-components', 9);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : path.join('bench', 'results', 'latest.json');
const root = path.resolve(__dirname, '..', '..');
const uspsDir = process.env.KPCA_USPS_DIR ?? path.resolve(root, '..', 'shared', 'data', 'usps');
const uspsTrain = path.join(uspsDir, 'zip.train.gz');
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const rows: Row[] = [];
const add = (row: Row) => {
  rows.push(row);
  process.stderr.write(
    `  ${row.measure}: ${row.value.toPrecision(4)} ${row.unit}${row.note ? ` (${row.note})` : ''}\n`,
  );
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
      add({
        measure,
        value: flops / s / 1e9,
        unit: 'GFlop/s',
        note: `${((s / (B * blocks)) * 1e3).toFixed(3)} ms/row, B = ${B}`,
      });
    }
  }
}

async function secondsPerPass(data: Awaited<ReturnType<typeof loadDataset>>, backendName: BackendName | 'auto') {
  const kernel = { type: 'gaussian' as const, gamma: sigmaToGamma(SIGMA) };
  for (const cached of [true, false]) {
    const backend = await createGramBackend(backendName, kernel, data.X, data.l, data.d);
    const gram = await CenteredGram.create(backend, { cacheBudgetMB: cached ? 1024 : 0 });
    for (const gain of GAIN_NAMES)
      for (const update of ['factored', 'blocked'] as const) {
        if (!cached && gain !== 'smd' && gain !== 'constant') continue; // rows on the fly: the Gram cost dominates
        const threads = update === 'blocked' ? defaultWasmThreads() : 1;
        const engine = await KhaEngine.create(gram, {
          components: R,
          schedule: createGainSchedule(gain),
          seed: 1,
          update,
          threads,
        });
        // The second pass: the first one also pays for compiling the engine's JS for this schedule
        // (by 0.2–0.8 s, more when another schedule ran before it in the process).
        const ends: number[] = [];
        await engine.run({ passes: 2, onPass: (report) => void ends.push(report.seconds) });
        const note = `backend ${backend.name}; first pass ${ends[0].toFixed(2)} s`;
        const form = update === 'blocked' ? `blocked, ${threads} thread${threads > 1 ? 's' : ''}` : 'factored';
        add({
          measure: `pass, ${gain}, ${cached ? 'Gram cached' : 'rows on the fly'}, ${form}`,
          value: ends[1] - ends[0],
          unit: 's',
          note,
        });
      }
    await backend.dispose();
  }
}

/** Wall time and peak RSS of `kpca fit` as a user runs it, and the excess error it reached. */
async function fitToTarget(passes: number, gramCache: number) {
  const model = path.join(os.tmpdir(), `kpca-bench-${process.pid}.kpca`);
  const cli = path.join(root, 'bin', 'kpca');
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      process.execPath,
      cli,
      'fit',
      uspsTrain,
      '--sigma',
      String(SIGMA),
      '-r',
      String(R),
      '--gain',
      'smd',
      '--passes',
      String(passes),
      '--gram-cache',
      String(gramCache),
      '--json',
      '-o',
      model,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (run.status !== 0) throw new Error(`kpca fit failed: ${run.stderr}`);
  const [wall, rssKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const excess = await excessError(model);
  const how = gramCache > 0 ? 'Gram cached' : 'rows on the fly';
  add({
    measure: `fit ${passes} SMD passes from the file, ${how}: wall`,
    value: wall,
    unit: 's',
    note: `excess error ${excess.toExponential(2)}`,
  });
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
    await gram.rows(
      Array.from({ length: count }, (_, b) => start + b),
      block,
    );
    const products = matmulTransB(A, block.subarray(0, count * l), r, l, count);
    for (let i = 0; i < r; i++) for (let b = 0; b < count; b++) AK[i * l + start + b] = products[i * count + b];
  }
  await backend.dispose();
  return (reconstructionError(A, AK, r, l, gram.trace) - USPS_OPTIMAL_ERROR) / USPS_OPTIMAL_ERROR;
}

/**
 * Gram rows of 784-dimensional points (MNIST's dimension; seeded uniform points: the cost does not
 * depend on the values) on the wasm backend, against the f32 roof of this machine: numpy's BLAS
 * sgemm on all cores, measured in the same run.
 */
async function gramThroughput784() {
  const [l, d, B] = [8192, 784, 64];
  const rng = new Rng(11);
  const X = Float64Array.from({ length: l * d }, () => rng.uniform());
  const kernel = { type: 'gaussian' as const, gamma: 1 / (2 * 64 * 64) };
  const backend = await createGramBackend('wasm', kernel, X, l, d);
  const out = new Float64Array(B * l);
  const indices = (b: number) => Array.from({ length: B }, (_, i) => (b * B + i) % l);
  await backend.rows(indices(0), out);
  const blocks = quick ? 4 : 12;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let b = 1; b <= blocks; b++) await backend.rows(indices(b), out);
  const s = seconds(start);
  const cpu = cpuSeconds(cpuStart);
  await backend.dispose();
  const flops = 2 * B * blocks * l * d;
  const cores = defaultWasmThreads();
  const roof = f32Roof();
  const share = (gflops: number, of: number | undefined) =>
    of
      ? ` = ${((100 * gflops) / of).toFixed(0)}% of the f32 roof ${of.toFixed(0)} GFlop/s`
      : ' (no roof: numpy not found)';
  add({
    measure: `Gram rows, 784 dims, wasm, ${cores} threads`,
    value: flops / s / 1e9,
    unit: 'GFlop/s',
    note: `${l} points, B = ${B}${share(flops / s / 1e9, roof?.wall)}`,
  });
  if (roof) add({ measure: 'f32 GEMM roof (numpy BLAS sgemm, all cores)', value: roof.wall, unit: 'GFlop/s' });
  // The same per second of CPU time, times the cores: what the cores give when they are not shared
  // with other jobs (the wall-clock figures above fall with the load; these much less).
  add({
    measure: `Gram rows, 784 dims, wasm, ${cores} threads, per CPU second × ${cores}`,
    value: (flops / cpu / 1e9) * cores,
    unit: 'GFlop/s',
    note: `CPU time of all threads${share((flops / cpu / 1e9) * cores, roof?.cpu)}`,
  });
  if (roof)
    add({ measure: `f32 GEMM roof per CPU second × ${cores} (numpy BLAS sgemm)`, value: roof.cpu, unit: 'GFlop/s' });
  // the dot products alone, this kernel against the one it replaced, alternating on one thread
  const kernels = await compareDotsKernels(l, d, quick ? 3 : 8);
  add({
    measure: 'dots kernel, 784 dims, 1 thread: row-wise (before)',
    value: kernels.rowwise,
    unit: 'GFlop/s',
    note: 'bench/baseline/dotsRowwise.wat, 32 rows a call',
  });
  add({
    measure: 'dots kernel, 784 dims, 1 thread: register-blocked 4 × 8',
    value: kernels.blocked,
    unit: 'GFlop/s',
    note: `${(kernels.blocked / kernels.rowwise).toFixed(2)}× the row-wise kernel, same run`,
  });
}

/** User + system CPU seconds of this process (all its threads) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

/**
 * GFlop/s of numpy's float32 matrix product (its BLAS, on all cores): this machine's practical f32
 * roof, by the wall clock and per second of CPU time × the cores (best of 5 each).
 */
function f32Roof(): { wall: number; cpu: number } | undefined {
  const script = [
    'import os, time, numpy as np',
    'a = np.random.rand(4096, 4096).astype(np.float32); b = np.random.rand(4096, 4096).astype(np.float32)',
    'a @ b',
    'wall, cpu = [], []',
    'for _ in range(5):',
    '    t, c = time.perf_counter(), time.process_time(); a @ b',
    '    wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)',
    'flops = 2 * 4096 ** 3 / 1e9',
    'print(flops / min(wall), flops / min(cpu) * len(os.sched_getaffinity(0)))',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) return undefined;
  const [wall, cpu] = run.stdout.trim().split(' ').map(Number);
  return { wall, cpu };
}

/** 60000 × 784 (mnist-shifted), rows on the fly, 2 SMD passes: wall, seconds per pass, peak RSS. */
async function largeOnTheFly() {
  const cli = path.join(root, 'bin', 'kpca');
  const model = path.join(os.tmpdir(), `kpca-bench-large-${process.pid}.kpca`);
  const argv = [
    cli,
    'fit',
    'mnist-shifted:60000',
    '--sigma',
    '8',
    '-r',
    String(R),
    '--gain',
    'smd',
    '--passes',
    '2',
    '--gram-cache',
    '0',
    '--json',
    '-o',
    model,
  ];
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 60 * 60 * 1000,
  });
  if (run.status !== 0)
    return void process.stderr.write(`  60000 × 784: not run (${run.stderr.trim().split('\n').slice(-2).join(' ')})\n`);
  const [wall, rssKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  add({ measure: '60000 × 784 SMD fit, 2 passes on the fly: wall', value: wall, unit: 's' });
  add({ measure: '60000 × 784 SMD fit, 2 passes on the fly: peak RSS', value: rssKiB / 1024, unit: 'MiB' });
}

/** The issue's targets, each met or not on this run's figures. */
function targetNotes(): string[] {
  const value = (prefix: string) => rows.find((r) => r.measure.startsWith(prefix))?.value;
  const line = (what: string, v: number | undefined, target: number, unit: string, below = true) =>
    v === undefined
      ? `- ${what}: not measured in this run`
      : `- ${what}: ${v.toPrecision(3)} ${unit} against ≤ ${target} ${unit}: ${(below ? v <= target : v >= target) ? 'met' : 'NOT met'}`;
  const bestSmd = Math.min(
    value('pass, smd, Gram cached, factored') ?? Infinity,
    value('pass, smd, Gram cached, blocked') ?? Infinity,
  );
  const roof = value('f32 GEMM roof (');
  const gram784 = value('Gram rows, 784 dims, wasm, ' + String(defaultWasmThreads()) + ' threads');
  const roofCpu = value('f32 GEMM roof per CPU');
  const gram784Cpu = value('Gram rows, 784 dims, wasm, ' + String(defaultWasmThreads()) + ' threads, per CPU');
  return [
    'Targets of the blocked-engine issue (this run):',
    line('USPS SMD pass, Gram cached (the faster form)', Number.isFinite(bestSmd) ? bestSmd : undefined, 0.35, 's'),
    line('USPS SMD fit to 1e-3 / scikit-learn arpack wall', value('our SMD fit to 1e-3 / scikit-learn wall'), 1.0, '×'),
    line('its peak RSS / scikit-learn (target 1/3)', value('our cached fit peak RSS'), 0.333, '×'),
    gram784 !== undefined && roof !== undefined
      ? `- Gram rows, 784 dims: ${gram784.toPrecision(3)} GFlop/s = ${((100 * gram784) / roof).toFixed(0)}% of the roof against ≥ 25%: ${gram784 >= 0.25 * roof ? 'met' : 'NOT met'}`
      : '- Gram rows, 784 dims, against the roof: not measured in this run',
    gram784Cpu !== undefined && roofCpu !== undefined
      ? `- the same per CPU second (contention left out): ${gram784Cpu.toPrecision(3)} GFlop/s = ${((100 * gram784Cpu) / roofCpu).toFixed(0)}% of ${roofCpu.toPrecision(3)}, and ≥ 47 GFlop/s: ${gram784Cpu >= 47 ? 'met' : 'NOT met'}`
      : '- Gram rows, 784 dims, per CPU second: not measured in this run',
    line(
      '60000 × 784 SMD 2-pass fit on the fly, wall',
      value('60000 × 784 SMD fit, 2 passes on the fly: wall'),
      480,
      's',
    ),
    line(
      `${mixturePoints} × 784 mixture fit / scikit-learn arpack wall`,
      value('mixture: our fit / scikit-learn wall'),
      1.0,
      '×',
    ),
    line('its peak RSS / scikit-learn (target 1/5)', value('mixture: our peak RSS / scikit-learn'), 0.2, '×'),
  ];
}

/** Wall seconds, peak RSS (MiB) and stdout of a command, or null (said on stderr) when it fails. */
function timed(command: string, argv: string[], label: string): { wall: number; rss: number; stdout: string } | null {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: 60 * 60 * 1000,
  });
  if (run.status !== 0) {
    process.stderr.write(
      `  ${label}: not run (${(run.stderr || run.error?.message || '').trim().split('\n').slice(-2).join(' ')})\n`,
    );
    return null;
  }
  const [wall, rssKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, rss: rssKiB / 1024, stdout: run.stdout };
}

/** A peer's wall, peak RSS and the JSON object on its last line of output. */
function peer(
  command: string,
  argv: string[],
  label: string,
): { wall: number; rss: number; json: Record<string, unknown> } | null {
  const run = timed(command, argv, label);
  return run && { ...run, json: JSON.parse(run.stdout.trim().split('\n').pop() as string) as Record<string, unknown> };
}

/** MIXTURE_CENTRES centres with N(0, 1) coordinates, points scattered about them by N(0, 0.5²) */
const MIXTURE_CENTRES = 10;
/** ≈ √d at d = 784: k ≈ 0.78 within a cluster, ≈ 0.29 between clusters */
const MIXTURE_SIGMA = 28;

/** Writes `points` seeded points of the 784-dimensional mixture as CSV (4 decimals), one per line. */
async function writeMixture(file: string, points: number, d = 784): Promise<void> {
  const rng = new Rng(20000);
  const centres = Float64Array.from({ length: MIXTURE_CENTRES * d }, () => rng.normal());
  const stream = createWriteStream(file);
  for (let i = 0; i < points; i++) {
    const c = rng.int(MIXTURE_CENTRES) * d;
    const line = Array.from({ length: d }, (_, t) => (centres[c + t] + 0.5 * rng.normal()).toFixed(4)).join(',');
    if (!stream.write(line + '\n')) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/**
 * The issue's 20000 × 784 row: our SMD fit with rows on the fly (the user's command) against
 * scikit-learn KernelPCA (arpack) on the same CSV file, wall and peak RSS of both. Our excess
 * error is measured against scikit-learn's spectrum: the fit ends with Rayleigh–Ritz, so its
 * subspace leaves tr K′ − Σθ of K′ unexplained, against E* = tr K′ − Σλ (the model stores tr K′).
 */
async function mixtureAgainstSklearn() {
  const label = `${mixturePoints} × 784 mixture`;
  const file = path.join(os.tmpdir(), `kpca-bench-mixture-${process.pid}.csv`);
  const model = path.join(os.tmpdir(), `kpca-bench-mixture-${process.pid}.kpca`);
  try {
    await writeMixture(file, mixturePoints);
    const ours = timed(
      process.execPath,
      [
        path.join(root, 'bin', 'kpca'),
        'fit',
        file,
        '--no-label-column',
        '--sigma',
        String(MIXTURE_SIGMA),
        '-r',
        String(mixtureComponents),
        '--gain',
        'smd',
        '--passes',
        String(mixturePasses),
        '--gram-cache',
        '0',
        '--json',
        '-o',
        model,
      ],
      `${label}, ours`,
    );
    const sk = peer(
      '/usr/bin/python3',
      [path.join(root, 'bench', 'peers', 'sklearn_kpca.py'), file, String(MIXTURE_SIGMA), String(mixtureComponents)],
      `${label}, scikit-learn`,
    );
    if (!ours || !sk) return;
    const { eigenvalues, trace } = await loadModel(model);
    const sum = (values: ArrayLike<number>) => Array.from(values).reduce((s, v) => s + v, 0);
    const exact = sum(sk.json.eigenvalues as number[]);
    const excess = (exact - sum(eigenvalues)) / (trace - exact);
    add({
      measure: `${label}, our SMD fit on the fly, ${mixturePasses} passes: wall`,
      value: ours.wall,
      unit: 's',
      note: `excess error ${excess.toExponential(2)} against scikit-learn's spectrum`,
    });
    add({ measure: `${label}, our fit: peak RSS`, value: ours.rss, unit: 'MiB' });
    add({
      measure: `${label}, scikit-learn KernelPCA (arpack): wall`,
      value: sk.wall,
      unit: 's',
      note: `fit ${(sk.json.fit_s as number).toFixed(1)} s, loading the CSV ${(sk.json.load_s as number).toFixed(1)} s`,
    });
    add({ measure: `${label}, scikit-learn: peak RSS`, value: sk.rss, unit: 'MiB' });
    add({ measure: 'mixture: our fit / scikit-learn wall', value: ours.wall / sk.wall, unit: '×' });
    add({ measure: 'mixture: our peak RSS / scikit-learn', value: ours.rss / sk.rss, unit: '×' });
  } finally {
    rmSync(file, { force: true });
    rmSync(model, { force: true });
  }
}

/** The USPS rows: Gram rows per backend, seconds per pass, the fit to 1e-3 against scikit-learn. */
async function uspsRows() {
  const data = await loadDataset(uspsTrain);
  await gramThroughput(data);
  await secondsPerPass(data, 'auto');
  const passes = 6; // SMD reaches 1e-3 excess error after 6 passes on USPS (ALGORITHMS.md, docs/results)
  const ours = await fitToTarget(passes, 1024);
  await fitToTarget(passes, 0);

  const sk = peer(
    '/usr/bin/python3',
    [path.join(root, 'bench', 'peers', 'sklearn_kpca.py'), uspsTrain, String(SIGMA), String(R)],
    'scikit-learn',
  );
  if (sk) {
    add({
      measure: 'scikit-learn KernelPCA (arpack): wall',
      value: sk.wall,
      unit: 's',
      note: `fit ${(sk.json.fit_s as number).toFixed(2)} s`,
    });
    add({ measure: 'scikit-learn KernelPCA (arpack): peak RSS', value: sk.rss, unit: 'MiB' });
    add({ measure: 'our SMD fit to 1e-3 / scikit-learn wall', value: ours / sk.wall, unit: '×' });
    const ourRss =
      rows.find((r) => r.measure.startsWith(`fit ${passes} SMD passes from the file, Gram cached: peak RSS`))?.value ??
      NaN;
    add({ measure: 'our cached fit peak RSS / scikit-learn peak RSS', value: ourRss / sk.rss, unit: '×' });
  }
}

/** kernlab's kha (R), one pass, against our cached SMD pass. */
function kernlab() {
  const kl = peer(
    'Rscript',
    [path.join(root, 'bench', 'peers', 'kernlab_kha.R'), uspsTrain, String(SIGMA), String(R)],
    'kernlab',
  );
  if (kl) {
    const smdPass = rows.find((r) => r.measure === 'pass, smd, Gram cached, factored')?.value ?? NaN;
    add({
      measure: 'kernlab kha, one pass',
      value: kl.json.fit_s as number,
      unit: 's',
      note: `wall ${kl.wall.toFixed(1)} s, RSS ${kl.rss.toFixed(0)} MiB`,
    });
    add({ measure: 'kernlab pass / our SMD pass (cached)', value: (kl.json.fit_s as number) / smdPass, unit: '×' });
  }
}

async function main() {
  if (part('usps') && !existsSync(uspsTrain))
    throw new Error(`USPS not found at ${uspsTrain}: set KPCA_USPS_DIR (or run kpca data fetch usps)`);
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
    /** 1, 5 and 15 minute load averages at the start and at the end: how contended the cores were */
    loadAverage: { start: os.loadavg().map((v) => +v.toFixed(2)), end: [] as number[] },
  };
  process.stderr.write(`kpca-hebbian bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`);
  if (part('gram784')) await gramThroughput784();
  if (part('usps')) await uspsRows();
  if (part('mixture') && (mixture || only === 'mixture')) await mixtureAgainstSklearn();
  if (part('large') && (large || only === 'large')) await largeOnTheFly();
  if (peers && part('usps')) kernlab();
  machine.loadAverage.end = os.loadavg().map((v) => +v.toFixed(2));

  process.stdout.write(`\n${targetNotes().join('\n')}\n`);
  const table = [
    '| measure | value | unit | note |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.measure} | ${r.value.toPrecision(4)} | ${r.unit} | ${r.note ?? ''} |`),
  ].join('\n');
  process.stdout.write(`\n${table}\n\nmachine: ${JSON.stringify(machine)}\n`);
  mkdirSync(path.dirname(out), { recursive: true });
  await writeFileAtomic(out, JSON.stringify({ machine, rows }, null, 2) + '\n');
  process.stderr.write(`written to ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
