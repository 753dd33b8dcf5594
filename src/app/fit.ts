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
import { UserError } from '../errors';
import { RUN_DEFAULTS, type KhaRunOptions, type ResumableOptions } from './runOptions';
import { checkpointing, interruptible, readCheckpoint, type RunIdentity } from './checkpoint';
import { fitState } from './checkpointSchema';
import { withCenteredGram } from './gram';
import { checkMemory, guardComponents, prepareRun } from './prepare';
import { InitialProduct } from '../kha/initialAK';
import { keptValues } from '../kha/gains/schedule';
import { explainFailure } from './advice';

export { checkMemory, checkRank, resolveKernel } from './prepare';
import { fitGainParameters, kernelScale, scaledSource } from './gainScale';
import {
  certifyRkhs,
  CERTIFICATE_TOL,
  excess,
  fixedChecks,
  passesNeeded,
  withPassesNeeded,
  type ResidualCheck,
} from '../eval/certificate';
import { WebGPUResident } from '../kernels/webgpuResident';

export interface FitOptions extends Omit<KhaRunOptions, 'passes'>, ResumableOptions {
  /**
   * passes through the data, or 'auto' (the default): until the certificate says converged, checked
   * at passes chosen from the residual decrease (checkSchedule), at most `maxPasses`
   */
  passes?: number | 'auto';
  /** the most passes 'auto' runs (default FIT_DEFAULTS.maxPasses) */
  maxPasses?: number;
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
  /** the certificate's excess after this pass, when it was checked (eval/certificate.ts) */
  excess?: number;
}

export interface FitResult {
  model: KpcaModel;
  /** seconds of the centering pass (Gram rows, cache) */
  gramSeconds: number;
  /** seconds of KHA iteration */
  seconds: number;
  /** 'certificate': --passes auto stopped when the certificate said converged */
  stoppedBy: FitStopReason;
  history: PassSummary[];
  gramCached: boolean;
  /** the checkpoint written last, if any (a fit stopped by its signal rejects with Interrupted, naming its checkpoint) */
  checkpointWritten?: string;
}

export type FitStopReason = StopReason | 'certificate';

export const FIT_DEFAULTS = {
  components: 8,
  gain: 'smd' as GainName,
  passes: 'auto' as number | 'auto',
  maxPasses: 200,
  ...RUN_DEFAULTS,
};

export async function fit(data: Dataset, options: FitOptions = {}): Promise<FitResult> {
  const o = { ...FIT_DEFAULTS, ...options };
  const say = (message: string) => o.onEvent?.({ type: 'info', message });
  const gainParameters = fitGainParameters(o.gain, o.gainParameters);
  const schedule = createGainSchedule(o.gain, gainParameters);
  if (o.passes !== 'auto' && options.maxPasses !== undefined)
    throw new UserError('--max-passes goes with --passes auto; give one of --passes N and --max-passes N');
  if (o.resident && o.update !== undefined && o.update !== 'blocked')
    throw new UserError(
      `--resident runs the blocked update (its products are taken on the device), not --update ${o.update}`,
    );
  const kernel = prepareRun(
    data,
    { ...o, passes: o.passes === 'auto' ? o.maxPasses : o.passes, kernel: options.kernel },
    o.components,
    { schedules: [schedule] },
    o.onEvent,
  );

  const r = o.components;
  // guard components: iterated and certified but not reported (see GUARD_COMPONENTS)
  const n = r + guardComponents(data, kernel, r);
  if (n > r)
    checkMemory(
      data,
      n,
      keptValues(schedule, n, data.l),
      o.gramCacheMB,
      o.blockSize,
      o.memoryLimitMB,
      o.backend,
      schedule.needsAK,
    );

  const onProgress = (done: number, total: number) => o.onEvent?.({ type: 'gram', done, total });
  // the exact initial A K′ (kha-et, smd) is taken in the centering pass, not in a Gram pass of its own
  const initial = schedule.needsAK && !options.resumeFrom ? new InitialProduct(n, data.l, o.seed, o.blockSize) : null;
  const centering = { ...o, onServedRows: initial?.visit };
  let device: WebGPUResident | null = null;
  return withCenteredGram(data, kernel, centering, { say, onProgress }, async ({ gram, backend, gramSeconds }) => {
    const scale = kernelScale(kernel, data.X, data.l, data.d, gram.rowMeans, gram.grandMean);
    if (scale !== 1) say(`iterating on K′/${scale.toPrecision(4)} (max K′_pp: a kernel of unit scale for the gains)`);
    if (o.resident) {
      device = await WebGPUResident.create(kernel, data.X, data.l, data.d, {
        components: n,
        blockSize: Math.min(o.blockSize, data.l),
        withCK: schedule.needsAK,
        withD: 'B' in schedule.iterateLengths(n, data.l), // SMD's trace B = F C + E D
      });
      device.setScale(scale);
      say('iterating resident on the WebGPU device (X, the rows, A K′ and the block products)');
    }
    const source = device ?? scaledSource(gram, scale);
    const initialAK =
      initial && gram.servedAsScanned ? initial.result(gram.rowMeans, gram.grandMean, scale) : undefined;

    const engineOptions = {
      components: n,
      schedule,
      seed: o.seed,
      blockSize: o.blockSize,
      threads: o.threads,
      update: o.update,
      signal: o.signal,
      initialAK,
      onSourcePass: (done: number, total: number) => o.onEvent?.({ type: 'gram', phase: 'initial A K′', done, total }),
    };
    const identity: RunIdentity = {
      dataHash: datasetHash(data),
      options: {
        kernel,
        components: n,
        gain: schedule.name,
        gainParameters,
        seed: o.seed,
        backend: backend.name,
        gramCached: gram.cached,
        blockSize: o.blockSize,
      },
    };
    const resumeFrom = options.resumeFrom
      ? await readCheckpoint(options.resumeFrom, identity, data.l, fitState(r))
      : undefined;
    if (resumeFrom) say(`resuming from ${options.resumeFrom}: pass ${resumeFrom.pass + 1}, step ${resumeFrom.t}`);
    const engine = await KhaEngine.create(source, engineOptions, resumeFrom);

    // the passes before an interruption are kept in the checkpoint, so a resumed fit reports them all
    const history: PassSummary[] = resumeFrom?.appState ?? [];
    const checkpoints = checkpointing(engine, identity, o.checkpoint, say, () => history, o.signal);
    // checks measure the Ritz pairs even for --raw (what a finish would give)
    const raw = (phase: 'final A K′' | 'check') => o.rayleighRitz === false && phase !== 'check';
    /**
     * Rayleigh–Ritz on the iterate to finish with (the schedule's average, or A; raw: A) as it stands
     * (a copy: checks do not change the iteration) and its certificate, in K′'s scale.
     */
    const certifyIterate = async (phase: 'final A K′' | 'check') => {
      const A = Float64Array.from(raw(phase) ? engine.state.A : engine.finishIterate());
      // a signal stops these passes within one block too: the engine stays as the passes left it
      // (A K′ goes to a new array), so the checkpoint then written resumes exactly
      const AK = await checkpoints.stoppable(
        engine.multiplyBySource(
          A,
          undefined,
          (done, total) => o.onEvent?.({ type: 'gram', phase: phase === 'check' ? 'certificate' : phase, done, total }),
          o.signal,
        ),
      );
      const scaled = raw(phase)
        ? { A, AK, eigenvalues: rayleighQuotients(A, AK, n, data.l) }
        : rayleighRitz(A, AK, n, data.l);
      // back to K′ = s·(K′/s): λ = s·θ, A = A_s/√s, A K′ = √s·A_s(K′/s)
      const root = Math.sqrt(scale);
      const allA = scaled.A.map((v) => v / root);
      const allEigenvalues = scaled.eigenvalues.map((v) => v * scale);
      // one more pass over the Gram rows: K′ (A K′)ᵀ for the residuals (see eval/certificate.ts)
      const certificate = await checkpoints.stoppable(
        certifyRkhs(
          interruptible(gram, o.signal),
          allA,
          scaled.AK.map((v) => v * root),
          allEigenvalues,
          o.certificateTol ?? CERTIFICATE_TOL,
          (done, total) => o.onEvent?.({ type: 'gram', phase: 'certificate', done, total }),
          r,
        ),
      );
      return { pass: engine.pass, A: allA.slice(0, r * data.l), eigenvalues: allEigenvalues.slice(0, r), certificate };
    };

    const auto = o.passes === 'auto';
    const lastPass = auto ? o.maxPasses : (o.passes as number);
    const checks = (): ResidualCheck[] =>
      history.filter((h) => h.excess !== undefined).map((h) => ({ pass: h.pass, excess: h.excess as number }));
    let outcome: { stoppedBy: StopReason; seconds: number };
    let checked: Awaited<ReturnType<typeof certifyIterate>> | undefined;
    let stoppedBy: FitStopReason;
    for (;;) {
      const target = nextCheck(engine.pass, checks(), lastPass, auto);
      outcome = await engine.run({
        passes: target,
        tol: o.tol,
        maxSeconds: o.maxSeconds,
        signal: o.signal,
        onProgress: (step, l) => o.onEvent?.({ type: 'step', pass: engine.pass + 1, step, l }),
        onBlock: checkpoints.onBlock,
        onPass: async (report) => {
          const passEigenvalues = report.passEigenvalues.slice(0, r).map((v) => v * scale);
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
      stoppedBy = outcome.stoppedBy;
      if (outcome.stoppedBy !== 'passes' || engine.pass >= lastPass) break;
      checked = await certifyIterate('check');
      history[history.length - 1].excess = excess(checked.certificate);
      say(`pass ${engine.pass}: certificate ${checked.certificate.converged ? 'converged' : 'not yet converged'}`);
      if (auto && checked.certificate.converged) {
        stoppedBy = 'certificate';
        break;
      }
    }
    const checkpointWritten = await checkpoints.finish(outcome.stoppedBy);

    // a check at the last pass is the finish (unless --raw: checks measure the Ritz pairs)
    if (!(checked?.pass === engine.pass && o.rayleighRitz !== false))
      say('final phase: exact A K′, Rayleigh–Ritz and the certificate (two passes over K′)');
    const final =
      checked?.pass === engine.pass && o.rayleighRitz !== false ? checked : await certifyIterate('final A K′');
    if (history.length > 0 && history[history.length - 1].pass === engine.pass)
      history[history.length - 1].excess = excess(final.certificate);
    const { A: finalA, eigenvalues } = final;
    const certificate = withPassesNeeded(final.certificate, checks());
    if (auto && !certificate.converged && stoppedBy === 'passes')
      o.onEvent?.({ type: 'warning', message: `--passes auto: not converged after --max-passes ${lastPass}` });

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
      stoppedBy,
      softwareVersion: VERSION,
      certificate,
    };
    return {
      model,
      gramSeconds,
      seconds: outcome.seconds,
      stoppedBy,
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

/** The first certificate check of --passes auto. */
const FIRST_CHECK = 5;

/**
 * The pass to run to before the next certificate check. A fixed number of passes is checked at a
 * quarter and half-way (fixedChecks), so that a flagged result can say how many passes it would take. 'auto' checks first at
 * FIRST_CHECK, then at the estimate of passes needed (10% over), at least a quarter and at most
 * twice the passes so far: a check costs two passes over the Gram rows, so at most about a quarter
 * more Gram work when rows are computed on the fly.
 */
export function nextCheck(pass: number, checks: readonly ResidualCheck[], last: number, auto: boolean): number {
  if (!auto) return fixedChecks(last).find((p) => p > pass) ?? last;
  if (pass < FIRST_CHECK) return Math.min(FIRST_CHECK, last);
  const needed = passesNeeded(checks) ?? 2 * pass;
  return Math.min(last, 2 * pass, Math.max(pass + Math.ceil(pass / 4), Math.ceil(1.1 * needed)));
}
