/**
 * Use-case: compare gain schedules on one data set (issue "kpca compare"). One centered Gram matrix
 * and one exact reference spectrum are shared by every schedule; each schedule then runs from the
 * same seed (same initial A, same permutations) and is measured after every pass against the
 * reference: relative excess RKHS reconstruction error, eigenvalue errors (raw Rayleigh quotients
 * and Ritz values), orthonormality, principal-angle subspace error, iteration seconds and gains.
 * With `tune`, each schedule first gets a small grid search (src/app/compare/tune.ts).
 */
import { mkdir } from 'fs/promises';
import { dirname } from 'path';
import { UserError } from '../errors';
import { optimalReconstructionError } from '../eval/convergence';
import { defaultCacheDir } from '../eval/referenceCache';
import { createGainSchedule, GAIN_NAMES, type GainName, type GainParameters } from '../kha/gains';
import type { KernelSpec } from '../kernels/kernel';
import type { Dataset } from '../data/dataset';
import { datasetHash } from '../data/hash';
import { VERSION } from '../version';
import { prepareRun } from './prepare';
import { InitialProduct } from '../kha/initialAK';
import { RUN_DEFAULTS, type KhaRunOptions } from './runOptions';
import { withCenteredGram } from './gram';
import { kernelScale, scaledSource } from './gainScale';
import { readCheckpoint, writeCheckpoint, type RunIdentity } from './checkpoint';
import { compareState, type SavedComparison } from './checkpointSchema';
import { referenceSpectrum, type ReferenceInfo } from './compare/reference';
import { runSchedule, type PassMeasurement, type ScheduleRun } from './compare/runSchedule';
import { TUNE_PASSES, tuneSchedule, type TuningResult, type TuningTrial } from './compare/tune';

export type { PassMeasurement, ScheduleRun } from './compare/runSchedule';
export type { TuningResult, TuningTrial } from './compare/tune';
export type { IterateMeasures } from './compare/measure';
export { TUNE_ETA0, TUNE_MU, TUNE_PASSES, TUNE_TAU_FACTORS, tuningGrid } from './compare/tune';

export interface CompareOptions extends Omit<KhaRunOptions, 'gain' | 'tol'> {
  /** when stopped by the signal, save the comparison so far here (`resumeFrom` continues it) */
  checkpoint?: string;
  /** continue an interrupted comparison from its checkpoint (refused when the data or options differ) */
  resumeFrom?: string;
  /** schedules to run, in this order (default: all four) */
  gains?: GainName[];
  /** r (default 8) */
  components?: number;
  /** per schedule (these win over gainParameters, which apply to every schedule that uses them) */
  scheduleParameters?: Partial<Record<GainName, GainParameters>>;
  /** grid-search each schedule's parameters first (true: TUNE_PASSES passes per trial) */
  tune?: boolean | { passes?: number };
  /** reference cache directory (default defaultCacheDir()) */
  cacheDir?: string;
  signal?: AbortSignal;
  onEvent?: (event: CompareEvent) => void;
}

export type CompareEvent =
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'gram'; done: number; total: number }
  | { type: 'reference'; info: ReferenceInfo; values: number[] }
  | { type: 'trial'; gain: GainName; trial: TuningTrial }
  | { type: 'schedule'; gain: GainName; parameters: GainParameters }
  | { type: 'pass'; gain: GainName; measurement: PassMeasurement };

export interface CompareResult {
  data: { source: string; l: number; d: number; hash: string };
  kernel: KernelSpec;
  /** 'given', or 'median pairwise distance' when σ was chosen by the median heuristic */
  kernelChoice: 'given' | 'median pairwise distance';
  components: number;
  seed: number;
  passes: number;
  backend: string;
  gramCached: boolean;
  gramSeconds: number;
  reference: ReferenceInfo & {
    /** λ_1..λ_{r+1} of K' (one more than r, to show the gap) */
    values: number[];
    trace: number;
    /** E* = tr(K') − Σ_{i≤r} λ_i */
    optimalError: number;
  };
  /** per schedule, when tuned */
  tuning?: TuningResult[];
  schedules: ScheduleRun[];
  /** stopped by the signal: the schedules (and passes) run before it, the others missing */
  interrupted: boolean;
  /** the checkpoint written when stopped by the signal (none when it came during tuning) */
  checkpointWritten?: string;
  softwareVersion: string;
}

export const COMPARE_DEFAULTS = {
  gains: [...GAIN_NAMES] as GainName[],
  passes: 10,
  components: 8,
  ...RUN_DEFAULTS,
};

export async function compare(data: Dataset, options: CompareOptions = {}): Promise<CompareResult> {
  const o = { ...COMPARE_DEFAULTS, ...options };
  const say = (message: string) => o.onEvent?.({ type: 'info', message });
  validate(o);
  const kernel = prepareRun(
    data,
    { ...o, kernel: options.kernel },
    o.components,
    { schedules: o.gains.map((gain) => createGainSchedule(gain)) },
    (e) => e.type === 'warning' && o.onEvent?.({ type: 'warning', message: e.message }),
  );

  const onProgress = (done: number, total: number) => o.onEvent?.({ type: 'gram', done, total });
  // every run starts from the same A₀: its exact A K′ (kha-et, smd) is taken once, in the centering pass
  const initial = o.gains.some((gain) => createGainSchedule(gain).needsAK)
    ? new InitialProduct(o.components, data.l, o.seed, o.blockSize)
    : null;
  const centering = { ...o, onServedRows: initial?.visit };
  return withCenteredGram(data, kernel, centering, { say, onProgress }, async ({ gram, backend, gramSeconds }) => {
    if (!gram.cached)
      say('the Gram matrix does not fit --gram-cache: rows are recomputed on every pass and every measurement (slow)');

    const hash = datasetHash(data);
    const pairs = Math.min(data.l, o.components + 1);
    const { reference, info } = await referenceSpectrum(
      gram,
      hash,
      kernel,
      pairs,
      o.cacheDir ?? defaultCacheDir(),
      (err) => say(`could not write the reference cache: ${(err as Error).message}`),
    );
    o.onEvent?.({ type: 'reference', info, values: Array.from(reference.values) });
    const optimalError = optimalReconstructionError(reference, o.components);
    // polynomial and linear kernels run on K′/s, as in fit; measured against the reference of K′/s
    const scale = kernelScale(kernel, data.X, data.l, data.d, gram.rowMeans, gram.grandMean);
    const source = scaledSource(gram, scale);
    const scaledReference = {
      ...reference,
      values: reference.values.map((v) => v / scale),
      trace: reference.trace / scale,
    };

    const run = {
      components: o.components,
      seed: o.seed,
      blockSize: o.blockSize,
      threads: o.threads,
      update: o.update,
      signal: o.signal,
      initialAK: initial && gram.servedAsScanned ? initial.result(gram.rowMeans, gram.grandMean, scale) : undefined,
    };
    const parametersFor = (gain: GainName): GainParameters => ({
      ...definedOnly(o.gainParameters ?? {}),
      ...definedOnly(o.scheduleParameters?.[gain] ?? {}),
    });

    // What identifies a comparison for resuming: everything that shapes its runs but the pass count.
    const identity: RunIdentity = {
      dataHash: hash,
      options: {
        useCase: 'compare',
        kernel,
        components: o.components,
        gains: o.gains,
        gainParameters: o.gainParameters ?? {},
        scheduleParameters: o.scheduleParameters ?? {},
        tune: o.tune ?? false,
        seed: o.seed,
        backend: backend.name,
        gramCached: gram.cached,
        blockSize: o.blockSize,
      },
    };
    const resumeFrom = o.resumeFrom
      ? await readCheckpoint(o.resumeFrom, identity, data.l, compareState(o.gains))
      : undefined;
    const saved = resumeFrom?.appState;
    if (resumeFrom && saved)
      say(
        `resuming from ${o.resumeFrom}: ${saved.done.length} schedule(s) done, ${o.gains[saved.done.length]} at pass ${resumeFrom.pass + 1}`,
      );

    let tuning: TuningResult[] | undefined = saved?.tuning;
    if (o.tune && !tuning) {
      const passes = (typeof o.tune === 'object' && o.tune.passes) || TUNE_PASSES;
      tuning = [];
      for (const gain of o.gains)
        tuning.push(
          await tuneSchedule(source, scaledReference, gain, parametersFor(gain), { ...run, passes }, (trial) =>
            o.onEvent?.({ type: 'trial', gain, trial }),
          ),
        );
    }

    const schedules: ScheduleRun[] = [...(saved?.done ?? [])];
    let checkpointWritten: string | undefined;
    for (const [i, gain] of o.gains.entries()) {
      if (i < schedules.length) continue; // finished before the interruption
      if (o.signal?.aborted) break;
      const parameters = tuning ? tuning[i].best : parametersFor(gain);
      o.onEvent?.({ type: 'schedule', gain, parameters });
      // the schedule that was in progress continues from its engine and series
      const resume =
        saved && resumeFrom && i === saved.done.length
          ? { snapshot: resumeFrom, series: saved.current.series }
          : undefined;
      schedules.push(
        await runSchedule(source, scaledReference, {
          ...run,
          unscaled: { source: gram, scale },
          gain,
          parameters,
          passes: o.passes,
          maxSeconds: o.maxSeconds,
          onPass: (measurement) => o.onEvent?.({ type: 'pass', gain, measurement }),
          resume,
          onInterrupted: async (engine, series) => {
            if (!o.checkpoint) return;
            await mkdir(dirname(o.checkpoint), { recursive: true }); // the report's folder, made later otherwise
            const state: SavedComparison = { done: schedules.slice(0, i), tuning, current: { series } };
            await writeCheckpoint(o.checkpoint, identity, engine.snapshot(), state);
            checkpointWritten = o.checkpoint;
          },
        }),
      );
    }

    return {
      data: { source: data.source, l: data.l, d: data.d, hash },
      kernel,
      kernelChoice: options.kernel ? 'given' : 'median pairwise distance',
      components: o.components,
      seed: o.seed,
      passes: o.passes,
      backend: backend.name,
      gramCached: gram.cached,
      gramSeconds,
      reference: { ...info, values: Array.from(reference.values), trace: reference.trace, optimalError },
      tuning,
      schedules,
      interrupted: Boolean(o.signal?.aborted),
      checkpointWritten,
      softwareVersion: VERSION,
    };
  });
}

/** What only compare validates (prepareRun does the rest). */
function validate(o: typeof COMPARE_DEFAULTS & CompareOptions): void {
  if (o.gains.length === 0) throw new UserError('--gains: name at least one schedule');
  for (const g of o.gains)
    if (!GAIN_NAMES.includes(g))
      throw new UserError(`--gains: unknown schedule "${g}"; choose from ${GAIN_NAMES.join(', ')}`);
  if (new Set(o.gains).size !== o.gains.length)
    throw new UserError(`--gains: a schedule is named twice (${o.gains.join(',')})`);
}

/** Drop undefined entries, so that spreading does not erase a schedule's default. */
function definedOnly(p: GainParameters): GainParameters {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}
