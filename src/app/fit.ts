/**
 * Use-case: fit kernel PCA to a data set with the Kernel Hebbian Algorithm.
 * Centering statistics (one pass over the Gram rows, caching K when it fits), then KHA passes,
 * then an exact A K' refresh and the Rayleigh–Ritz step; the result is a KpcaModel.
 */
import { UserError } from '../errors';
import { KhaEngine, type PassReport, type StopReason } from '../kha/engine';
import { createGainSchedule, type GainName } from '../kha/gains';
import { rayleighRitz } from '../kha/rayleighRitz';
import { rayleighQuotients } from '../kha/state';
import { medianPairwiseDistance } from '../kernels/bandwidth';
import { gramCacheBytes } from '../kernels';
import * as os from 'os';
import { sigmaToGamma, type KernelSpec } from '../kernels/kernel';
import type { Dataset } from '../data/dataset';
import { datasetHash } from '../data/hash';
import type { KpcaModel } from '../model/model';
import { VERSION } from '../version';
import { RUN_DEFAULTS, type KhaRunOptions, type ResumableOptions } from './runOptions';
import { checkpointing, readCheckpoint, type RunIdentity } from './checkpoint';
import { withCenteredGram } from './gram';
import { kernelScale, scaledSource } from './gainScale';
import { certifyRkhs, CERTIFICATE_TOL } from '../eval/certificate';

export interface FitOptions extends KhaRunOptions, ResumableOptions {
  /** r, the number of components (default 8) */
  components?: number;
  /** finish with the Rayleigh–Ritz step (default true; false keeps the raw KHA iterate) */
  rayleighRitz?: boolean;
  /** the certificate's tolerance on each eigenvalue bound, relative to λ1 (default CERTIFICATE_TOL) */
  certificateTol?: number;
  /** progress and information, for a CLI or a log */
  onEvent?: (event: FitEvent) => void;
}

export type FitEvent =
  | { type: 'info'; message: string }
  /** something the user should know even without --verbose (the CLI prints it unless --quiet) */
  | { type: 'warning'; message: string }
  /** a pass over all Gram rows: the centering pass, or the exact A K' before and after iterating */
  | { type: 'gram'; done: number; total: number; phase?: 'initial A K′' | 'final A K′' | 'certificate' }
  | { type: 'step'; pass: number; step: number; l: number }
  | { type: 'pass'; report: PassReport };

export interface PassSummary {
  pass: number;
  seconds: number;
  change: number;
  passEigenvalues: number[];
}

export interface FitResult {
  model: KpcaModel;
  /** seconds of the centering pass (Gram rows, cache) */
  gramSeconds: number;
  /** seconds of KHA iteration */
  seconds: number;
  stoppedBy: StopReason;
  history: PassSummary[];
  gramCached: boolean;
  /** the checkpoint written last, if any */
  checkpointWritten?: string;
}

export const FIT_DEFAULTS = {
  components: 8,
  gain: 'smd' as GainName,
  passes: 20,
  ...RUN_DEFAULTS,
};

/**
 * The kernel a fit uses: the given one, or a Gaussian at the median pairwise distance (announced
 * through `say`; σ = 1 when more than half the sampled pairs are identical points, announced too).
 */
export function resolveKernel(data: Dataset, kernel?: KernelSpec, seed = FIT_DEFAULTS.seed, onEvent?: (event: FitEvent) => void): KernelSpec {
  if (kernel) return kernel;
  const median = medianPairwiseDistance(data.X, data.l, data.d, seed, undefined, 0);
  const say = (message: string) => onEvent?.({ type: median === 0 ? 'warning' : 'info', message });
  if (median === 0) say('the median pairwise distance is 0 (mostly identical points): using σ = 1; give --sigma');
  else say?.(`σ = ${+median.toPrecision(6)} (median pairwise distance; --sigma sets it)`);
  return { type: 'gaussian', gamma: sigmaToGamma(median || 1) };
}

/**
 * Refuse, up front and with the reason, more components than the feature space can hold: distinct
 * points − 1 (centering), d for a linear kernel, C(d + degree, degree) − 1 for a polynomial one.
 * (Otherwise the Rayleigh–Ritz step meets a singular A K′ Aᵀ: a Cholesky failure.)
 */
export function checkRank(data: Dataset, kernel: KernelSpec, r: number): void {
  const rows = new Set<string>();
  for (let p = 0; p < data.l && rows.size <= r; p++) rows.add(data.X.subarray(p * data.d, (p + 1) * data.d).join(','));
  if (rows.size <= r)
    throw new UserError(`the data have only ${rows.size} distinct point${rows.size === 1 ? '' : 's'}: at most ${rows.size - 1} component(s) after centering; lower --components (now ${r})`);
  let dimension = Infinity;
  if (kernel.type === 'linear') dimension = data.d;
  else if (kernel.type === 'polynomial') for (let k = 1, c = 1; k <= kernel.degree; k++) dimension = c = (c * (data.d + k)) / k;
  if (kernel.type === 'polynomial') dimension -= 1;
  if (r > dimension)
    throw new UserError(`a ${kernel.type} kernel on ${data.d} features has at most ${dimension} components; lower --components (now ${r})`);
}

const MiB = 2 ** 20;

/**
 * Refuse, before any work, a fit that would not fit the memory budget: the figure it needs and the
 * flags that change it. Counted: the data (and the f32 copy a fast Gram backend keeps), A (and A K',
 * B for the schedules that keep them), the model's copy of A, the row blocks (two in the engine, one
 * fetched while it steps through the other, and the backend's f32 and f64 output: 3.5 blocks of
 * f64), and the f32 Gram cache when its budget lets it be kept.
 */
export function checkMemory(data: Dataset, r: number, keepsAK: boolean, keepsB: boolean, gramCacheMB: number, blockSize: number, limitMB?: number): void {
  const limit = limitMB ?? (0.9 * os.totalmem()) / MiB;
  const physical = os.totalmem() / MiB;
  if (gramCacheMB > physical)
    throw new UserError(`--gram-cache ${gramCacheMB} MiB is more than this machine's memory (${physical.toFixed(0)} MiB); lower it (0 computes rows on the fly)`);
  const rl = r * data.l * 8;
  const matrices = rl * (2 + (keepsAK ? 1 : 0) + (keepsB ? 1 : 0));
  const cache = gramCacheBytes(data.l) <= gramCacheMB * MiB ? gramCacheBytes(data.l) : 0;
  const dataBytes = data.X.byteLength + data.l * Math.ceil(data.d / 4) * 4 * 4;
  const needed = (dataBytes + matrices + 3.5 * blockSize * data.l * 8 + cache) / MiB;
  if (needed > limit)
    throw new UserError(
      `this fit needs about ${needed.toFixed(0)} MiB (data ${(dataBytes / MiB).toFixed(0)}, iterates ${(matrices / MiB).toFixed(0)}` +
        `${cache ? `, Gram cache ${(cache / MiB).toFixed(0)}` : ''} MiB), more than the limit of ${limit.toFixed(0)} MiB: ` +
        `${cache ? 'use --gram-cache 0, ' : ''}lower --components, or raise --memory-limit`,
    );
}

export async function fit(data: Dataset, options: FitOptions = {}): Promise<FitResult> {
  const o = { ...FIT_DEFAULTS, ...options };
  const say = (message: string) => o.onEvent?.({ type: 'info', message });
  if (!Number.isInteger(o.components) || o.components < 1 || o.components > data.l)
    throw new UserError(`--components must be an integer between 1 and the number of points (${data.l}), got ${o.components}`);
  if (!Number.isInteger(o.passes) || o.passes < 1) throw new UserError(`--passes must be a positive integer, got ${o.passes}`);
  const kernel = resolveKernel(data, options.kernel, o.seed, o.onEvent);
  checkRank(data, kernel, o.components);
  const schedule = createGainSchedule(o.gain, o.gainParameters);
  checkMemory(data, o.components, schedule.needsAK, o.gain === 'smd', o.gramCacheMB, o.blockSize, o.memoryLimitMB);

  const onProgress = (done: number, total: number) => o.onEvent?.({ type: 'gram', done, total });
  return withCenteredGram(data, kernel, o, { say, onProgress }, async ({ gram, backend, gramSeconds }) => {
    const scale = kernelScale(kernel, data.X, data.l, data.d, gram.rowMeans, gram.grandMean);
    if (scale !== 1) say(`iterating on K′/${scale.toPrecision(4)} (max K′_pp: a kernel of unit scale for the gains)`);
    const source = scaledSource(gram, scale);

    const engineOptions = {
      components: o.components,
      schedule,
      seed: o.seed,
      blockSize: o.blockSize,
      onSourcePass: (done: number, total: number) => o.onEvent?.({ type: 'gram', phase: 'initial A K′', done, total }),
    };
    const identity: RunIdentity = {
      dataHash: datasetHash(data),
      options: {
        kernel,
        components: o.components,
        gain: schedule.name,
        gainParameters: o.gainParameters ?? {},
        seed: o.seed,
        backend: backend.name,
        gramCached: gram.cached,
        blockSize: o.blockSize,
      },
    };
    const resumeFrom = options.resumeFrom ? await readCheckpoint(options.resumeFrom, identity) : undefined;
    if (resumeFrom) say(`resuming from ${options.resumeFrom}: pass ${resumeFrom.pass + 1}, step ${resumeFrom.t}`);
    const engine = await KhaEngine.create(source, engineOptions, resumeFrom);

    // the passes before an interruption are kept in the checkpoint, so a resumed fit reports them all
    const history: PassSummary[] = (resumeFrom?.appState as PassSummary[] | undefined) ?? [];
    const checkpoints = checkpointing(engine, identity, o.checkpoint, say, () => history);
    const outcome = await engine.run({
      passes: o.passes,
      tol: o.tol,
      maxSeconds: o.maxSeconds,
      signal: o.signal,
      onProgress: (step, l) => o.onEvent?.({ type: 'step', pass: engine.pass + 1, step, l }),
      onBlock: checkpoints.onBlock,
      onPass: async (report) => {
        const passEigenvalues = report.passEigenvalues.map((v) => v * scale);
        history.push({ pass: report.pass, seconds: report.seconds, change: report.change, passEigenvalues: Array.from(passEigenvalues) });
        o.onEvent?.({ type: 'pass', report: { ...report, passEigenvalues } });
        await checkpoints.afterPass(report.pass);
      },
    });
    const checkpointWritten = await checkpoints.finish(outcome.stoppedBy);

    const r = o.components;
    const AK = await engine.refreshAK((done, total) => o.onEvent?.({ type: 'gram', phase: 'final A K′', done, total }));
    const scaled =
      o.rayleighRitz === false
        ? { A: engine.state.A, AK, eigenvalues: rayleighQuotients(engine.state.A, AK, r, data.l) }
        : rayleighRitz(engine.state.A, AK, r, data.l);
    // back to K′ = s·(K′/s): λ = s·θ, A = A_s/√s, A K′ = √s·A_s(K′/s)
    const root = Math.sqrt(scale);
    const finalA = scaled.A.map((v) => v / root);
    const finalAK = scaled.AK.map((v) => v * root);
    const eigenvalues = scaled.eigenvalues.map((v) => v * scale);
    // one more pass over the Gram rows: K′ (A K′)ᵀ for the residuals (see eval/certificate.ts)
    const certificate = await certifyRkhs(gram, finalA, finalAK, eigenvalues, o.certificateTol ?? CERTIFICATE_TOL, (done, total) =>
      o.onEvent?.({ type: 'gram', phase: 'certificate', done, total }),
    );

    const model: KpcaModel = {
      kernel,
      components: r,
      X: data.X,
      l: data.l,
      d: data.d,
      featureNames: data.featureNames,
      rowMeans: gram.rowMeans,
      grandMean: gram.grandMean,
      trace: gram.trace,
      A: finalA,
      eigenvalues,
      gain: { name: schedule.name, parameters: { ...schedule.parameters } },
      seed: o.seed,
      passes: engine.pass,
      steps: engine.state.t,
      dataHash: identity.dataHash,
      backend: backend.name,
      stoppedBy: outcome.stoppedBy,
      softwareVersion: VERSION,
      certificate,
    };
    return { model, gramSeconds, seconds: outcome.seconds, stoppedBy: outcome.stoppedBy, history, gramCached: gram.cached, checkpointWritten };
  });
}
