/**
 * --tune: a small grid search over each schedule's parameters, ranked by the relative excess
 * reconstruction error after a few passes. Deliberately small (4 gains × at most 3 values of the
 * second parameter): it finds the right order of magnitude, not an optimum.
 */
import type { ReferenceSpectrum } from '../../eval/referenceSolver';
import { createGainSchedule, type GainName, type GainParameters } from '../../kha/gains';
import type { RowSource } from '../../kernels/rowSource';
import { runSchedule, type RunScheduleOptions } from './runSchedule';

/** η0 for every schedule */
export const TUNE_ETA0 = [0.01, 0.03, 0.1, 0.3];
/** the schedules' own values: annealed τ (multiples of l) and smd μ */
export { TUNE_MU, TUNE_TAU_FACTORS } from '../../kha/gains';
export const TUNE_PASSES = 3;

export interface TuningTrial {
  parameters: GainParameters;
  /** relative excess error after the tuning passes; null when the trial diverged */
  error: number | null;
  failure?: string;
}

export interface TuningResult {
  gain: GainName;
  passes: number;
  trials: TuningTrial[];
  /** the best trial's parameters (what the comparison then runs) */
  best: GainParameters;
}

/** The grid for one schedule; `base` holds parameters the grid does not vary (e.g. SMD's ξ). */
export function tuningGrid(gain: GainName, l: number, base: GainParameters = {}): GainParameters[] {
  const second = createGainSchedule(gain).tuningValues(l);
  return TUNE_ETA0.flatMap((eta0) => second.map((s) => ({ ...base, eta0, ...s })));
}

export async function tuneSchedule(
  source: RowSource,
  reference: ReferenceSpectrum,
  gain: GainName,
  base: GainParameters,
  run: Omit<RunScheduleOptions, 'gain' | 'parameters' | 'measure' | 'onPass'>,
  onTrial?: (trial: TuningTrial) => void,
): Promise<TuningResult> {
  const trials: TuningTrial[] = [];
  for (const parameters of tuningGrid(gain, source.l, base)) {
    const result = await runSchedule(source, reference, { ...run, gain, parameters, measure: 'final' });
    const last = result.series[result.series.length - 1];
    const error = result.failure || !Number.isFinite(last.relativeExcessError) ? null : last.relativeExcessError;
    const trial: TuningTrial = { parameters, error, ...(result.failure ? { failure: result.failure } : {}) };
    trials.push(trial);
    onTrial?.(trial);
  }
  const ranked = trials.filter((t) => t.error !== null).sort((a, b) => (a.error as number) - (b.error as number));
  // Every setting diverged: fall back to the smallest gains, and the comparison will say it diverged.
  const best = ranked[0]?.parameters ?? trials[0].parameters;
  return { gain, passes: run.passes, trials, best };
}
