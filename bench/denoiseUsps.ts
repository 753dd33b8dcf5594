/**
 * The paper's fourth experiment: denoising USPS digits with kernel PCA pre-images
 * (docs/results/denoise-usps/). Needs KPCA_USPS_DIR and /usr/bin/python3 with scikit-learn, which
 * builds the split of scikit-learn's "Image denoising using kernel PCA" example and runs its
 * baselines in the same run (bench/peers/sklearn_denoise.py says exactly how).
 *
 *   npm run denoise-usps -- --out docs/results/denoise-usps [--passes 20] [--gammas 0.005,0.01]
 *       [--ranks 16,32,48,64,96,128,256] [--kha-r 64] [--kha-gamma 0.01] [--gains constant,annealed,kha-et,smd]
 * [--tune]
 *
 * Exact kernel PCA (dense eigenvectors of K') with the fixed-point pre-image for every (γ, r); then,
 * at one (γ, r) (by default the exact solution's best for each noise), each gain schedule from the
 * same start, with the pre-images' MSE measured after every pass (measurement excluded from the
 * seconds) on the fit's Rayleigh–Ritz vectors at that pass. --tune first picks each schedule's η0
 * on held-out training digits (tuneEta0).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { denoise, denoisingError, type PreimageResult } from '../src/app/denoise';
import { loadDataset } from '../src/data/load';
import type { Dataset } from '../src/data/dataset';
import { exactEigen } from '../src/eval/referenceSolver';
import { KhaEngine } from '../src/kha/engine';
import { createGainSchedule, type GainName, type GainParameters } from '../src/kha/gains';
import { rayleighRitz } from '../src/kha/rayleighRitz';
import { CenteredGram, createGramBackend, type GramBackend } from '../src/kernels';
import type { KernelSpec } from '../src/kernels/kernel';
import type { KpcaModel } from '../src/model/model';
import { VERSION } from '../src/version';
import {
  buildDenoiseReport,
  writeDenoiseReport,
  type DigitPictures,
  type ExactRow,
  type NoiseResult,
  type PeerRow,
  type ScheduleSeries,
} from '../src/report/denoisePage';

export interface Split {
  dir: string;
  trainClean: Dataset;
  testClean: Dataset;
  noises: {
    name: string;
    train: Dataset;
    test: Dataset;
    pcaBest: Dataset;
    peers: { noisy: { mse: number; snr: number }; pca: PeerRow[]; kernel_pca_ridge: PeerRow[] };
  }[];
  versions: Record<string, string>;
}

const NOISE_DESCRIPTIONS: Record<string, string> = {
  gaussian:
    'Gaussian noise N(0, 0.25²) added to every pixel (RandomState(0), as in scikit-learn’s example), training and test digits.',
  'salt-and-pepper':
    'Salt-and-pepper ("speckle") noise as in Mika et al.: each pixel set to 0 or 1 with probability 0.2 (RandomState(1)), training and test digits.',
};

/** Builds the split with scikit-learn (and runs its baselines at the ranks). */
export async function buildSplit(uspsDir: string, ranks: number[]): Promise<Split> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kpca-denoise-usps-'));
  const script = path.resolve(
    __dirname,
    ...(__dirname.includes('dist-bench') ? ['..', '..'] : ['..']),
    'bench',
    'peers',
    'sklearn_denoise.py',
  );
  const run = spawnSync('/usr/bin/python3', [script, uspsDir, dir, ranks.join(',')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0)
    throw new Error(
      `scikit-learn split failed (is python3-sklearn installed?): ${(run.stderr || run.error?.message || '').trim().slice(-500)}`,
    );
  const out = JSON.parse(run.stdout) as {
    sklearn: string;
    numpy: string;
    noises: Record<string, Split['noises'][number]['peers']>;
  };
  const load = (...p: string[]) => loadDataset(path.join(dir, ...p));
  const noises: Split['noises'] = [];
  for (const [name, peers] of Object.entries(out.noises))
    noises.push({
      name,
      train: await load(name, 'train.csv'),
      test: await load(name, 'test.csv'),
      pcaBest: await load(name, 'pca_best.csv'),
      peers,
    });
  return {
    dir,
    trainClean: await load('train_clean.csv'),
    testClean: await load('test_clean.csv'),
    noises,
    versions: { 'scikit-learn': out.sklearn, numpy: out.numpy },
  };
}

/** A model from the rows of A (r × l) on training data whose centering statistics `gram` holds. */
function modelOf(
  data: Dataset,
  kernel: KernelSpec,
  gram: CenteredGram,
  A: Float64Array,
  eigenvalues: Float64Array,
  gain: GainName | 'exact',
): KpcaModel {
  const r = eigenvalues.length;
  return {
    kernel,
    components: r,
    X: data.X,
    l: data.l,
    d: data.d,
    featureNames: data.featureNames,
    rowMeans: gram.rowMeans,
    grandMean: gram.grandMean,
    trace: gram.trace,
    A,
    eigenvalues,
    gain: { name: gain === 'exact' ? 'smd' : gain, parameters: {} },
    seed: 1,
    passes: 0,
    steps: 0,
    dataHash: '',
    backend: 'wasm',
    stoppedBy: gain === 'exact' ? 'exact' : 'passes',
    softwareVersion: VERSION,
  };
}

async function withGram<T>(
  data: Dataset,
  kernel: KernelSpec,
  body: (gram: CenteredGram, backend: GramBackend) => Promise<T>,
): Promise<T> {
  const backend = await createGramBackend('auto', kernel, data.X, data.l, data.d);
  try {
    return await body(await CenteredGram.create(backend, { cacheBudgetMB: 1024 }), backend);
  } finally {
    await backend.dispose();
  }
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Exact kernel PCA with the fixed-point pre-image at every r; the pre-images at `keep` kept. */
export async function exactRows(
  train: Dataset,
  test: Dataset,
  clean: Dataset,
  gamma: number,
  ranks: number[],
): Promise<{ rows: ExactRow[]; images: Map<number, PreimageResult> }> {
  const kernel: KernelSpec = { type: 'gaussian', gamma };
  const l = train.l;
  return withGram(train, kernel, async (gram) => {
    const K = new Float64Array(l * l);
    await gram.rows(
      Array.from({ length: l }, (_, i) => i),
      K,
    );
    const top = exactEigen(K, l, Math.max(...ranks));
    const rows: ExactRow[] = [];
    const images = new Map<number, PreimageResult>();
    for (const r of ranks) {
      const A = new Float64Array(r * l);
      for (let i = 0; i < r; i++)
        for (let j = 0; j < l; j++) A[i * l + j] = top.vectors[i * l + j] / Math.sqrt(top.values[i]);
      const started = process.hrtime.bigint();
      const res = await denoise(modelOf(train, kernel, gram, A, top.values.slice(0, r), 'exact'), test.X, test.l);
      rows.push({
        gamma,
        r,
        seconds: seconds(started),
        ...denoisingError(clean.X, res.Z),
        restarted: res.restarted,
        failed: res.failed,
        unconverged: res.unconverged,
      });
      images.set(r, res);
      process.stderr.write(`  exact γ=${gamma} r=${r}: MSE ${rows[rows.length - 1].mse.toPrecision(4)}\n`);
    }
    return { rows, images };
  });
}

/**
 * Each schedule from the same start, the pre-images' MSE after every pass; the last pass's pre-images of
 * `gains[last]`.
 */
export async function scheduleSeries(
  train: Dataset,
  test: Dataset,
  clean: Dataset,
  gamma: number,
  r: number,
  gains: GainName[],
  passes: number,
  parameters: Partial<Record<GainName, GainParameters>> = {},
  measure: 'every-pass' | 'final' = 'every-pass',
): Promise<{ schedules: ScheduleSeries[]; last: Float64Array }> {
  const kernel: KernelSpec = { type: 'gaussian', gamma };
  return withGram(train, kernel, async (gram) => {
    const schedules: ScheduleSeries[] = [];
    let last: Float64Array = new Float64Array(0);
    for (const gain of gains) {
      const schedule = createGainSchedule(gain, parameters[gain] ?? {});
      const engine = await KhaEngine.create(gram, { components: r, schedule, seed: 1, blockSize: 64 });
      const s: ScheduleSeries = { gain, parameters: { ...schedule.parameters }, series: [] };
      const record = async (pass: number, secs: number) => {
        const A = Float64Array.from(engine.state.A);
        const ritz = rayleighRitz(A, await engine.multiplyBySource(A), r, train.l);
        const res = await denoise(modelOf(train, kernel, gram, ritz.A, ritz.eigenvalues, gain), test.X, test.l);
        s.series.push({
          pass,
          seconds: secs,
          ...denoisingError(clean.X, res.Z),
          restarted: res.restarted,
          failed: res.failed,
        });
        last = res.Z;
        process.stderr.write(
          `  ${gain} pass ${pass} (${secs.toFixed(1)} s): MSE ${s.series[s.series.length - 1].mse.toPrecision(4)}\n`,
        );
      };
      if (measure === 'every-pass') await record(0, 0);
      try {
        await engine.run({
          passes,
          onPass: (report) =>
            measure === 'final' && report.pass < passes ? undefined : record(report.pass, report.seconds),
        });
      } catch (e) {
        s.failure = (e as Error).message;
      }
      schedules.push(s);
    }
    return { schedules, last };
  });
}

/** η0 tried by the tuning, each for TUNE_PASSES passes */
export const TUNE_ETA0 = [0.03, 0.1, 0.3, 1];
export const TUNE_PASSES = 3;

/**
 * Each schedule's η0 (its other parameters at their defaults), chosen by the MSE of denoising the
 * first `holdout` noisy training digits against their clean versions after TUNE_PASSES passes: the
 * test digits take no part. A trial that diverges is out.
 */
export async function tuneEta0(
  train: Dataset,
  trainClean: Dataset,
  gamma: number,
  r: number,
  gains: GainName[],
  holdout = 100,
): Promise<{
  chosen: Partial<Record<GainName, GainParameters>>;
  trials: { gain: GainName; eta0: number; mse: number | null }[];
}> {
  const d = train.d;
  const slice = (ds: Dataset): Dataset => ({
    ...ds,
    X: ds.X.subarray(0, holdout * d),
    l: holdout,
    labels: ds.labels?.slice(0, holdout),
  });
  const trials: { gain: GainName; eta0: number; mse: number | null }[] = [];
  const chosen: Partial<Record<GainName, GainParameters>> = {};
  for (const gain of gains) {
    let best: { eta0: number; mse: number } | undefined;
    for (const eta0 of TUNE_ETA0) {
      const { schedules } = await scheduleSeries(
        train,
        slice(train),
        slice(trainClean),
        gamma,
        r,
        [gain],
        TUNE_PASSES,
        { [gain]: { eta0 } },
        'final',
      );
      const s = schedules[0];
      const last = s.series[s.series.length - 1];
      const mse = s.failure || !last || last.pass < TUNE_PASSES ? null : last.mse;
      trials.push({ gain, eta0, mse });
      if (mse !== null && (!best || mse < best.mse)) best = { eta0, mse };
    }
    if (best) chosen[gain] = { eta0: best.eta0 };
  }
  return { chosen, trials };
}

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}
const numbers = (s: string) => s.split(',').map(Number);

async function main() {
  const args = process.argv.slice(2);
  const uspsDir = process.env.KPCA_USPS_DIR;
  if (!uspsDir) throw new Error('set KPCA_USPS_DIR to the folder holding zip.train.gz and zip.test.gz');
  const out = option(args, '--out', path.join('docs', 'results', 'denoise-usps'));
  const passes = Number(option(args, '--passes', '20'));
  const gammas = numbers(option(args, '--gammas', '0.005,0.01'));
  const ranks = numbers(option(args, '--ranks', '16,32,48,64,96,128,256'));
  const gains = option(args, '--gains', 'constant,annealed,kha-et,smd').split(',') as GainName[];
  const shown = 20;
  const split = await buildSplit(uspsDir, ranks);
  try {
    const noises: NoiseResult[] = [];
    const pictures: DigitPictures[] = [];
    for (const n of split.noises) {
      process.stderr.write(`${n.name}\n`);
      const exact: ExactRow[] = [];
      const images = new Map<string, PreimageResult>();
      for (const gamma of gammas) {
        const e = await exactRows(n.train, n.test, split.testClean, gamma, ranks);
        exact.push(...e.rows);
        for (const [r, res] of e.images) images.set(`${gamma}/${r}`, res);
      }
      const bestExact = exact.reduce((b, x) => (x.mse < b.mse ? x : b));
      const gamma = Number(option(args, '--kha-gamma', String(bestExact.gamma)));
      const r = Number(option(args, '--kha-r', String(bestExact.r)));
      const target = exact.find((e) => e.gamma === gamma && e.r === r);
      if (!target) throw new Error(`--kha-gamma ${gamma} --kha-r ${r} is not in the exact grid (--gammas, --ranks)`);
      const tuning = args.includes('--tune') ? await tuneEta0(n.train, split.trainClean, gamma, r, gains) : undefined;
      const series = await scheduleSeries(n.train, n.test, split.testClean, gamma, r, gains, passes, tuning?.chosen);
      noises.push({
        noise: n.name,
        description: NOISE_DESCRIPTIONS[n.name] ?? n.name,
        noisy: n.peers.noisy,
        exact,
        linearPca: n.peers.pca,
        kernelPcaRidge: n.peers.kernel_pca_ridge,
        kha: {
          gamma,
          r,
          target: { mse: target.mse, snr: target.snr },
          schedules: series.schedules,
          tuning: tuning?.trials,
        },
      });
      const first = (X: Float64Array, d: number) => X.subarray(0, shown * d);
      const d = n.test.d;
      pictures.push({
        noise: n.name,
        side: 16,
        count: shown,
        rows: [
          { name: 'clean', label: 'clean test digits', X: first(split.testClean.X, d) },
          { name: 'noisy', label: 'noisy input', X: first(n.test.X, d) },
          {
            name: 'kha',
            label: `denoised by KHA (${gains[gains.length - 1]}, ${passes} passes, γ = ${gamma}, r = ${r}) + fixed-point pre-image`,
            X: first(series.last, d),
          },
          {
            name: 'exact',
            label: `denoised by exact kernel PCA (γ = ${gamma}, r = ${r}) + fixed-point pre-image`,
            X: first(images.get(`${gamma}/${r}`)!.Z, d),
          },
          { name: 'linear-pca', label: 'denoised by linear PCA (scikit-learn, its best r)', X: first(n.pcaBest.X, d) },
        ],
      });
    }
    const report = buildDenoiseReport(
      {
        description:
          'USPS (ESL zip.train.gz + zip.test.gz, 9298 digits), pixels scaled to [0, 1] (MinMaxScaler); scikit-learn train_test_split(stratify=y, random_state=0, ' +
          'train_size=1000, test_size=100), as in scikit-learn’s "Image denoising using kernel PCA" example; models fitted to the noisy training digits',
        train: split.trainClean.l,
        test: split.testClean.l,
        features: split.testClean.d,
      },
      noises,
      { command: `npm run denoise-usps -- ${args.join(' ')}`.trim(), peers: split.versions },
    );
    const files = await writeDenoiseReport(out, report, pictures);
    process.stderr.write(`wrote ${files.markdown}, ${files.html}, ${files.pictures.length} pictures\n`);
  } finally {
    rmSync(split.dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  });
