/**
 * One schedule of a comparison: a fresh engine on the shared centered Gram matrix, from the shared
 * seed (so every schedule starts from the same A and sees the same permutations), measured after
 * every pass (or only at the end, for tuning trials).
 */
import { NumericalError } from '../../errors';
import type { ReferenceSpectrum } from '../../eval/referenceSolver';
import { KhaEngine, type EngineSnapshot, type StopReason } from '../../kha/engine';
import type { UpdateForm } from '../../kha/ops';
import { createGainSchedule, type GainName, type GainParameters } from '../../kha/gains';
import type { RowSource } from '../../kernels/rowSource';
import { measureIterate, type IterateMeasures } from './measure';
import {
  certifyRkhs,
  excess,
  fixedChecks,
  withPassesNeeded,
  type Certificate,
  type ResidualCheck,
} from '../../eval/certificate';
import { rayleighRitz } from '../../kha/rayleighRitz';

export interface PassMeasurement extends IterateMeasures {
  /** passes completed (0: the initial iterate) */
  pass: number;
  /** seconds of iteration up to the end of this pass, measurement excluded */
  seconds: number;
  /** the schedule's per-component gains at the last step of the pass (empty at pass 0) */
  gains: number[];
}

export interface ScheduleRun {
  gain: GainName;
  /** the parameters in force, defaults filled in */
  parameters: Record<string, number>;
  /** passes completed */
  passes: number;
  /** seconds of iteration, measurement excluded */
  seconds: number;
  stoppedBy: StopReason | 'diverged';
  /** the NumericalError message when the schedule diverged or its SMD gains collapsed */
  failure?: string;
  /** one entry per measured pass, pass 0 (the common initial iterate) first */
  series: PassMeasurement[];
  /** error bounds of the final Ritz pairs, as fit's (not for tuning trials or diverged runs) */
  certificate?: Certificate;
}

export interface RunScheduleOptions {
  gain: GainName;
  parameters: GainParameters;
  components: number;
  seed: number;
  blockSize: number;
  /** threads of the blocked update's products (default: the available cores) */
  threads?: number;
  /** the update form (default 'factored') */
  update?: UpdateForm;
  /** A K′ of the initial A, taken in the centering pass (EngineOptions.initialAK) */
  initialAK?: Float64Array;
  passes: number;
  maxSeconds?: number;
  signal?: AbortSignal;
  /** 'every-pass' (default) or 'final' (pass 0 and the last pass only: tuning) */
  measure?: 'every-pass' | 'final';
  onPass?: (m: PassMeasurement) => void;
  /** continue an interrupted run: its engine and its series so far */
  resume?: { snapshot: EngineSnapshot; series: PassMeasurement[] };
  /** the source runs on K′/scale (app/gainScale.ts): the certificate is of K′, from `unscaled` */
  unscaled?: { source: RowSource; scale: number };
  /** when stopped by the signal, before returning: save what `resume` needs */
  onInterrupted?: (engine: KhaEngine, series: PassMeasurement[]) => Promise<void>;
}

export async function runSchedule(
  source: RowSource,
  reference: ReferenceSpectrum,
  o: RunScheduleOptions,
): Promise<ScheduleRun> {
  const schedule = createGainSchedule(o.gain, o.parameters);
  const engine = await KhaEngine.create(
    source,
    {
      components: o.components,
      schedule,
      seed: o.seed,
      blockSize: o.blockSize,
      threads: o.threads,
      update: o.update,
      initialAK: o.initialAK,
    },
    o.resume?.snapshot,
  );
  const series: PassMeasurement[] = o.resume ? [...o.resume.series] : [];
  const record = async (seconds: number, gains: ArrayLike<number>) => {
    const m: PassMeasurement = {
      pass: engine.pass,
      seconds,
      gains: Array.from(gains),
      ...(await measureIterate(engine, reference)),
    };
    // the absolute figures back on the scale of K′ (the relative ones do not change)
    const scale = o.unscaled?.scale ?? 1;
    m.reconstructionError *= scale;
    m.rayleighQuotients = m.rayleighQuotients.map((v) => v * scale);
    series.push(m);
    o.onPass?.(m);
  };
  if (!o.resume) await record(0, []);
  let seconds = 0;
  let lastGains: ArrayLike<number> = [];
  let stoppedBy: ScheduleRun['stoppedBy'];
  let failure: string | undefined;
  // certificates at a quarter and half-way (two Gram passes each), so that a flagged result can say how many passes it would take
  const checks: ResidualCheck[] = [];
  const checkAt = o.measure !== 'final' ? fixedChecks(o.passes) : [];
  const unscaled = o.unscaled ?? { source, scale: 1 };
  try {
    const outcome = await engine.run({
      passes: o.passes,
      maxSeconds: o.maxSeconds,
      signal: o.signal,
      onPass: async (report) => {
        seconds = report.seconds;
        lastGains = report.gains;
        if (o.measure !== 'final') await record(report.seconds, report.gains);
        if (checkAt.includes(report.pass))
          checks.push({ pass: report.pass, excess: excess(await certifyFinal(engine, unscaled)) });
      },
    });
    stoppedBy = outcome.stoppedBy;
    seconds = outcome.seconds;
    if (stoppedBy === 'signal') await o.onInterrupted?.(engine, series);
  } catch (err) {
    // A diverging schedule is a result of the comparison, not a reason to abandon it.
    if (!(err instanceof NumericalError)) throw err;
    stoppedBy = 'diverged';
    failure = err.message;
  }
  if (o.measure === 'final' && stoppedBy !== 'diverged' && engine.pass > 0) await record(seconds, lastGains);
  // an interrupted schedule is reported as far as it got, without the two passes of a certificate
  let certificate: Certificate | undefined;
  if (o.measure !== 'final' && stoppedBy !== 'diverged' && stoppedBy !== 'signal') {
    const measured = await certifyFinal(engine, unscaled);
    certificate = withPassesNeeded(measured, [...checks, { pass: engine.pass, excess: excess(measured) }]);
  }
  return {
    gain: o.gain,
    parameters: { ...schedule.parameters },
    passes: engine.pass,
    seconds,
    stoppedBy,
    failure,
    series,
    certificate,
  };
}

/** fit's finish on a copy of the final iterate (exact A K′, Rayleigh–Ritz), and its certificate: two passes. */
async function certifyFinal(engine: KhaEngine, unscaled: { source: RowSource; scale: number }): Promise<Certificate> {
  const { r, l } = engine.state;
  const A = Float64Array.from(engine.state.A);
  const ritz = rayleighRitz(A, await engine.multiplyBySource(A), r, l);
  const s = unscaled.scale;
  const root = Math.sqrt(s);
  return certifyRkhs(
    unscaled.source,
    ritz.A.map((v) => v / root),
    ritz.AK.map((v) => v * root),
    ritz.eigenvalues.map((v) => v * s),
  );
}
