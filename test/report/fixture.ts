/** A synthetic CompareResult with chosen error curves, for the report tests (no iteration needed). */
import type { CompareResult, PassMeasurement, ScheduleRun } from '../../src/app/compare';
import type { GainName } from '../../src/kha/gains';

/** One schedule whose excess error after pass p is errors[p] (errors[0]: the initial iterate), 2 s per pass. */
export function run(gain: GainName, errors: number[], secondsPerPass = 2): ScheduleRun {
  const series: PassMeasurement[] = errors.map((e, pass) => ({
    pass,
    seconds: pass * secondsPerPass,
    gains: pass === 0 ? [] : [0.03 / pass, 0.02 / pass],
    reconstructionError: 10 * (1 + e),
    relativeExcessError: e,
    eigenvalueErrorRayleigh: 2 * e,
    eigenvalueErrorRitz: e / 2,
    orthonormalityError: e,
    subspaceError: Math.sqrt(Math.abs(e)),
    rayleighQuotients: [5 * (1 + e), 2 * (1 - e)],
    ritzValues: [5, 2],
  }));
  return {
    gain,
    parameters: { eta0: 0.03 },
    passes: errors.length - 1,
    seconds: (errors.length - 1) * secondsPerPass,
    stoppedBy: 'passes',
    series,
  };
}

export function result(schedules: ScheduleRun[]): CompareResult {
  return {
    data: { source: 'synthetic', l: 10, d: 2, hash: 'ab'.repeat(32) },
    kernel: { type: 'gaussian', gamma: 0.5 },
    kernelChoice: 'given',
    components: 2,
    seed: 1,
    passes: Math.max(...schedules.map((s) => s.passes)),
    backend: 'reference',
    gramCached: true,
    gramSeconds: 0.01,
    reference: {
      solver: 'exact',
      fromCache: false,
      seconds: 0.1,
      key: 'k',
      values: [5, 2, 1],
      trace: 10,
      optimalError: 3,
    },
    schedules,
    interrupted: false,
    softwareVersion: 'test',
  };
}
