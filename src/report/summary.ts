/**
 * What the report's tables say, derived from the series alone (so a reader, or a test, can recompute
 * every number from report.json): passes and seconds to reach each excess-error threshold, final
 * errors, and speed-ups over the baseline schedules.
 */
import type { CompareResult, PassMeasurement, ScheduleRun } from '../app/compare';
import type { GainName } from '../kha/gains';

/** Relative excess reconstruction error thresholds of the tables. */
export const THRESHOLDS = [1e-1, 1e-2, 1e-3] as const;
/** Schedules the speed-ups are measured against. */
export const BASELINES: readonly GainName[] = ['constant', 'annealed'];

export interface Reached {
  threshold: number;
  /** first pass (≥ 1) whose relative excess error is ≤ threshold; null when not reached */
  passes: number | null;
  /** iteration seconds at that pass */
  seconds: number | null;
}

/** baseline / schedule, in passes and in seconds; `atLeast` when the baseline never reached it (a lower bound). */
export interface SpeedUp {
  baseline: GainName;
  threshold: number;
  passes: number | null;
  seconds: number | null;
  atLeast: boolean;
}

export interface ScheduleSummary {
  gain: GainName;
  parameters: Record<string, number>;
  passes: number;
  seconds: number;
  secondsPerPass: number | null;
  failure?: string;
  /** stopped by a signal before its passes were done */
  interrupted?: true;
  reached: Reached[];
  final: Omit<PassMeasurement, 'rayleighQuotients' | 'ritzValues' | 'gains'> | null;
  speedUps: SpeedUp[];
}

/** The first measured pass (pass ≥ 1) at or below the threshold. */
export function firstReaching(series: readonly PassMeasurement[], threshold: number): Reached {
  const hit = series.find((m) => m.pass >= 1 && m.relativeExcessError <= threshold);
  return { threshold, passes: hit?.pass ?? null, seconds: hit?.seconds ?? null };
}

export function summarize(result: CompareResult): ScheduleSummary[] {
  const byGain = new Map(result.schedules.map((s) => [s.gain, s]));
  return result.schedules.map((s) => {
    const reached = THRESHOLDS.map((t) => firstReaching(s.series, t));
    const last = s.series[s.series.length - 1];
    const final = last && last.pass > 0 ? withoutVectors(last) : null;
    const speedUps = BASELINES.filter((b) => b !== s.gain && byGain.has(b)).flatMap((b) =>
      speedUpsOver(reached, byGain.get(b) as ScheduleRun),
    );
    return {
      gain: s.gain,
      parameters: s.parameters,
      passes: s.passes,
      seconds: s.seconds,
      secondsPerPass: s.passes > 0 ? s.seconds / s.passes : null,
      ...(s.failure ? { failure: s.failure } : {}),
      ...(s.stoppedBy === 'signal' ? { interrupted: true as const } : {}),
      reached,
      final,
      speedUps,
    };
  });
}

function speedUpsOver(reached: Reached[], baseline: ScheduleRun): SpeedUp[] {
  return reached.flatMap((mine): SpeedUp[] => {
    if (mine.passes === null || mine.seconds === null) return [];
    const theirs = firstReaching(baseline.series, mine.threshold);
    if (theirs.passes !== null && theirs.seconds !== null)
      return [
        {
          baseline: baseline.gain,
          threshold: mine.threshold,
          passes: theirs.passes / mine.passes,
          seconds: theirs.seconds / mine.seconds,
          atLeast: false,
        },
      ];
    // The baseline never got there: it needs more than everything it ran, a lower bound.
    return [
      {
        baseline: baseline.gain,
        threshold: mine.threshold,
        passes: baseline.passes / mine.passes,
        seconds: baseline.seconds / mine.seconds,
        atLeast: true,
      },
    ];
  });
}

/**
 * The order of the schedules by passes to reach `threshold`, as a sentence fragment, e.g.
 * "smd (6) < kha-et (8) < annealed (21) < constant (not in 40)". Ties are written "=".
 */
export function orderingByPasses(summary: readonly ScheduleSummary[], threshold: number): string {
  const passesTo = (s: ScheduleSummary) => s.reached.find((r) => r.threshold === threshold)?.passes ?? null;
  const sorted = [...summary].sort((a, b) => (passesTo(a) ?? Infinity) - (passesTo(b) ?? Infinity));
  return sorted
    .map((s, i) => {
      const p = passesTo(s);
      const label = `${s.gain} (${p ?? `not in ${s.passes}`})`;
      if (i === 0) return label;
      const q = passesTo(sorted[i - 1]);
      return `${p === q ? '=' : '<'} ${label}`;
    })
    .join(' ');
}

function withoutVectors(m: PassMeasurement): ScheduleSummary['final'] {
  const { rayleighQuotients: _r, ritzValues: _t, gains: _g, ...rest } = m;
  return rest;
}
