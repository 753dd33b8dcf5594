/**
 * Use-case: fit kernel PCA to a data set with the Kernel Hebbian Algorithm.
 * Centering statistics (one pass over the Gram rows, caching K when it fits), then KHA passes,
 * then an exact A K' refresh and the Rayleigh–Ritz step; the result is a KpcaModel.
 */
import { KhaEngine, type PassReport, type StopReason } from '../kha/engine';
import { createGainSchedule, type GainName } from '../kha/gains';
import { rayleighRitz } from '../kha/rayleighRitz';
import { rayleighQuotients } from '../kha/state';
import type { Dataset } from '../data/dataset';
import { datasetHash } from '../data/hash';
import type { KpcaModel } from '../model/model';
import { VERSION } from '../version';
import { RUN_DEFAULTS, type KhaRunOptions, type ResumableOptions } from './runOptions';
import { checkpointing, readCheckpoint, type RunIdentity } from './checkpoint';
import { withCenteredGram } from './gram';
import { prepareRun } from './prepare';
import { explainFailure } from './advice';

export { checkMemory, checkRank, resolveKernel } from './prepare';
import { kernelScale, scaledSource } from './gainScale';
import { certifyRkhs, CERTIFICATE_TOL } from '../eval/certificate';
import { WebGPUResident } from '../kernels/webgpuResident';

export interface FitOptions extends KhaRunOptions, ResumableOptions {
  /** r, the number of components (default 8) */
  components?: number;
  /** finish with the Rayleigh–Ritz step (default true; false keeps the raw KHA iterate) */
  rayleighRitz?: boolean;
  /** the certificate's tolerance on each eigenvalue bound, relative to λ1 (default CERTIFICATE_TOL) */
  certificateTol?: number;
  /** progress and information, for a CLI or a log */
  onEvent?: (event: FitEvent) => void;
  /**
   * iterate with X, the rows and A K′ resident on a WebGPU device (webgpuResident.ts; refused without
   * an adapter): the passes and the exact A K′ products run there, the centering statistics of the
   * model and the certificate come from `backend` as without it
   */
  resident?: boolean;
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

export async function fit(data: Dataset, options: FitOptions = {}): Promise<FitResult> {
  const o = { ...FIT_DEFAULTS, ...options };
  const say = (message: string) => o.onEvent?.({ type: 'info', message });
  const schedule = createGainSchedule(o.gain, o.gainParameters);
  const kernel = prepareRun(
    data,
    { ...o, kernel: options.kernel },
    o.components,
    { keepsAK: schedule.needsAK, keepsB: o.gain === 'smd' },
    o.onEvent,
  );

  const onProgress = (done: number, total: number) => o.onEvent?.({ type: 'gram', done, total });
  let device: WebGPUResident | null = null;
  return withCenteredGram(data, kernel, o, { say, onProgress }, async ({ gram, backend, gramSeconds }) => {
    const scale = kernelScale(kernel, data.X, data.l, data.d, gram.rowMeans, gram.grandMean);
    if (scale !== 1) say(`iterating on K′/${scale.toPrecision(4)} (max K′_pp: a kernel of unit scale for the gains)`);
    if (o.resident) {
      device = await WebGPUResident.create(kernel, data.X, data.l, data.d, {
        components: o.components,
        blockSize: Math.min(o.blockSize, data.l),
        withCK: schedule.needsAK,
        withD: schedule.name === 'smd',
      });
      device.setScale(scale);
      say('iterating resident on the WebGPU device (X, the rows, A K′ and the block products)');
    }
    const source = device ?? scaledSource(gram, scale);

    const engineOptions = {
      components: o.components,
      schedule,
      seed: o.seed,
      blockSize: o.blockSize,
      threads: o.threads,
      signal: o.signal,
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
    const resumeFrom = options.resumeFrom ? await readCheckpoint(options.resumeFrom, identity, data.l) : undefined;
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
        history.push({
          pass: report.pass,
          seconds: report.seconds,
          change: report.change,
          passEigenvalues: Array.from(passEigenvalues),
        });
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
    const certificate = await certifyRkhs(
      gram,
      finalA,
      finalAK,
      eigenvalues,
      o.certificateTol ?? CERTIFICATE_TOL,
      (done, total) => o.onEvent?.({ type: 'gram', phase: 'certificate', done, total }),
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
    return {
      model,
      gramSeconds,
      seconds: outcome.seconds,
      stoppedBy: outcome.stoppedBy,
      history,
      gramCached: gram.cached,
      checkpointWritten,
    };
  })
    .catch((err) => {
      throw explainFailure(err, kernel, data, o.components);
    })
    .finally(() => device?.dispose());
}
