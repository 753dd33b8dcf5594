/**
 * What a checkpoint must hold to be resumed: every field of its header and every array checked for
 * type, range, length and finiteness (io/schema.ts) before the engine sees it. l is the length of
 * the permutation (which must be one) and r = |A| / l; every other length follows from them.
 */
import type { EngineSnapshot } from '../kha/engine';
import { createGainSchedule, GAIN_NAMES } from '../kha/gains';
import type { RngState } from '../linalg/rng';
import {
  arrayOf,
  boolean,
  FieldError,
  finite,
  finiteArray,
  finiteOrNull,
  fail,
  integer,
  numbers,
  object,
  oneOf,
  permutation,
  string,
  stringArray,
} from '../io/schema';
import type { StoredArray } from '../io/container';
import type { GainName } from '../kha/gains/schedule';
import { checkCertificate } from '../eval/certificateSchema';
import type { ClusteringScores } from '../eval/clustering';
import type { PassSummary } from './fit';
import type { PassClustering } from './spectralCluster';
import type { PassMeasurement, ScheduleRun } from './compare/runSchedule';
import type { TuningResult, TuningTrial } from './compare/tune';

/** The arrays of the schedules' own iterates, by name, with their lengths for (r, l): as the schedules declare them. */
const scheduleArrays = (r: number, l: number): Record<string, number> =>
  Object.fromEntries(GAIN_NAMES.flatMap((name) => Object.entries(createGainSchedule(name).iterateLengths(r, l))));

function rngState(value: unknown): RngState {
  const rng = object(value, 'rng');
  if (!Array.isArray(rng.s) || rng.s.length !== 4)
    throw new FieldError(`rng.s: expected 4 integers, found ${JSON.stringify(rng.s)}`);
  // the generator keeps its words as int32 or uint32; it reads them modulo 2^32
  const s = rng.s.map((v, i) => integer(v, `rng.s[${i}]`, -(2 ** 31), 2 ** 32 - 1)) as RngState['s'];
  if (s.every((v) => v === 0)) throw new FieldError('rng.s: all zero, which is not a generator state');
  return { s, spareNormal: rng.spareNormal === null ? null : finite(rng.spareNormal, 'rng.spareNormal') };
}

/** The use cases that write checkpoints, as their identities name them (fit's has no name). */
const USE_CASES = ['spectral-cluster', 'compare'] as const;

export interface CheckedCheckpoint {
  snapshot: EngineSnapshot;
  identity: { dataHash: string; options: Record<string, unknown> };
  identityHash: string;
  appState?: unknown;
}

/** The snapshot of `meta` and `arrays`, checked; throws a FieldError naming the first field that is wrong. */
export function checkCheckpoint(meta: unknown, arrays: Record<string, StoredArray>): CheckedCheckpoint {
  const m = object(meta, 'header');
  const identity = object(m.identity, 'identity');
  const options = object(identity.options, 'identity.options');
  if (options.useCase !== undefined) oneOf(options.useCase, 'identity.options.useCase', USE_CASES);
  const perm = arrays.permutation;
  if (!(perm instanceof Int32Array) || perm.length < 1) throw new FieldError('permutation: missing or empty');
  const l = perm.length;
  const A = arrays.A;
  if (!(A instanceof Float64Array) || A.length < l || A.length % l !== 0)
    throw new FieldError(`A has ${A?.length} values, expected a positive multiple of l=${l}`);
  const r = A.length / l;
  const shape = `(l=${l}, r=${r})`;
  const keys = (value: unknown, field: string) => stringArray(value, field);
  const scheduleKeys = keys(m.scheduleKeys, 'scheduleKeys');
  // the update ops' arrays: `update.NAME`, or `kernel.NAME` in checkpoints written before the rename
  const [updatePrefix, updateKeys] =
    m.updateKeys !== undefined
      ? ['update', keys(m.updateKeys, 'updateKeys')]
      : ['kernel', m.kernelKeys === undefined ? [] : keys(m.kernelKeys, 'kernelKeys')];
  const floats = (name: string, length: number) => finiteArray(arrays[name], name, length, shape);
  const lengths = scheduleArrays(r, l);
  const schedule = Object.fromEntries(
    scheduleKeys.map((k) => {
      if (!Object.hasOwn(lengths, k)) throw new FieldError(`scheduleKeys: unknown schedule state "${k}"`);
      return [k, floats(`schedule.${k}`, lengths[k])];
    }),
  );
  const updateState = Object.fromEntries(
    updateKeys.map((k) => {
      const a = arrays[`${updatePrefix}.${k}`];
      // the update ops recompute state of another size themselves; only values are checked here
      return [k, floats(`${updatePrefix}.${k}`, a instanceof Float64Array ? a.length : -1)];
    }),
  );
  const pass = integer(m.pass, 'pass', 0);
  return {
    identity: {
      dataHash: string(identity.dataHash, 'identity.dataHash'),
      options,
    },
    identityHash: string(m.identityHash, 'identityHash'),
    appState: m.appState,
    snapshot: {
      A: floats('A', r * l),
      AK: boolean(m.hasAK, 'hasAK') ? floats('AK', r * l) : null,
      normA2: floats('normA2', r),
      normAK2: floats('normAK2', r),
      t: integer(m.t, 't', 0),
      pass,
      position: integer(m.position, 'position', 0, l),
      seconds: m.seconds === undefined ? 0 : finite(m.seconds, 'seconds', { min: 0 }),
      permutation: permutation(perm, 'permutation', l),
      rng: rngState(m.rng),
      passSquares: floats('passSquares', r),
      previousPassEigenvalues: boolean(m.hasPrevious, 'hasPrevious') ? floats('previousPassEigenvalues', r) : null,
      schedule,
      updateState,
    },
  };
}

/** Where a use-case's own state is checked: r components of l points, `pass` passes completed. */
export interface CheckpointShape {
  r: number;
  l: number;
  pass: number;
}

/** A check of the state a use-case keeps in its checkpoints (`appState`): the value, or a FieldError. */
export type AppStateSchema<T> = (value: unknown, shape: CheckpointShape) => T;

/** The pass number of an entry of a per-pass series, which must be `expected` (the series has no gaps). */
function passNumber(value: unknown, field: string, expected: number): number {
  return integer(value, `${field}.pass`, expected, expected);
}

const seconds = (value: unknown, field: string) => finite(value, field, { min: 0 });

/**
 * fit: one summary per pass completed (none in checkpoints written before they were kept), each with
 * the `reported` eigenvalues the user asked for (the engine also iterates guard components).
 */
export const fitState =
  (reported: number): AppStateSchema<PassSummary[]> =>
  (value, { pass }) =>
    value === undefined
      ? []
      : arrayOf(
          value,
          'appState',
          (v, f, i) => {
            const p = object(v, f);
            return {
              pass: passNumber(p.pass, f, i + 1),
              seconds: seconds(p.seconds, `${f}.seconds`),
              // NaN (null in JSON) where there was no earlier pass to compare with
              change: finiteOrNull(p.change, `${f}.change`) ?? NaN,
              passEigenvalues: numbers(p.passEigenvalues, `${f}.passEigenvalues`, reported),
            };
          },
          pass,
        );

function clusteringScores(value: unknown, field: string): ClusteringScores {
  const s = object(value, field);
  return {
    variationOfInformation: finite(s.variationOfInformation, `${field}.variationOfInformation`, { min: 0 }),
    normalizedMutualInformation: finite(s.normalizedMutualInformation, `${field}.normalizedMutualInformation`),
    adjustedRandIndex: finite(s.adjustedRandIndex, `${field}.adjustedRandIndex`),
    accuracy: finite(s.accuracy, `${field}.accuracy`, { min: 0 }),
  };
}

/** spectral-cluster: the per-pass scores, one per pass completed with --per-pass (else none). */
export function spectralState(perPass: boolean): AppStateSchema<PassClustering[]> {
  return (value, { pass }) =>
    arrayOf(
      value ?? [],
      'appState',
      (v, f, i) => {
        const p = object(v, f);
        return {
          pass: passNumber(p.pass, f, i + 1),
          seconds: seconds(p.seconds, `${f}.seconds`),
          scores: clusteringScores(p.scores, `${f}.scores`),
        };
      },
      perPass ? pass : 0,
    );
}

function gainParameters(value: unknown, field: string): Record<string, number> {
  const p = object(value, field);
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, finite(v, `${field}.${k}`)]));
}

function passMeasurement(value: unknown, field: string, r: number, pass: number): PassMeasurement {
  const m = object(value, field);
  const f = (name: keyof PassMeasurement) => finite(m[name], `${field}.${name}`);
  return {
    pass: passNumber(m.pass, field, pass),
    seconds: seconds(m.seconds, `${field}.seconds`),
    gains: numbers(m.gains, `${field}.gains`),
    reconstructionError: f('reconstructionError'),
    relativeExcessError: f('relativeExcessError'),
    eigenvalueErrorRayleigh: f('eigenvalueErrorRayleigh'),
    eigenvalueErrorRitz: f('eigenvalueErrorRitz'),
    orthonormalityError: f('orthonormalityError'),
    subspaceError: f('subspaceError'),
    rayleighQuotients: numbers(m.rayleighQuotients, `${field}.rayleighQuotients`, r),
    ritzValues: numbers(m.ritzValues, `${field}.ritzValues`, r),
  };
}

/** A series measured after every pass, pass 0 (the initial iterate) first, up to pass `last`. */
function series(value: unknown, field: string, r: number, last: number): PassMeasurement[] {
  return arrayOf(value, field, (v, f, i) => passMeasurement(v, f, r, i), last + 1);
}

const optionalString = (value: unknown, field: string) => (value === undefined ? undefined : string(value, field));

function scheduleRun(value: unknown, field: string, r: number, gain: GainName): ScheduleRun {
  const s = object(value, field);
  const passes = integer(s.passes, `${field}.passes`, 0);
  return {
    gain: oneOf(s.gain, `${field}.gain`, [gain]),
    parameters: gainParameters(s.parameters, `${field}.parameters`),
    passes,
    seconds: seconds(s.seconds, `${field}.seconds`),
    stoppedBy: oneOf(s.stoppedBy, `${field}.stoppedBy`, ['passes', 'tol', 'time', 'diverged'] as const),
    failure: optionalString(s.failure, `${field}.failure`),
    series: series(s.series, `${field}.series`, r, passes),
    certificate: s.certificate === undefined ? undefined : checkCertificate(s.certificate, `${field}.certificate`, r),
  };
}

function tuningTrial(value: unknown, field: string): TuningTrial {
  const t = object(value, field);
  return {
    parameters: gainParameters(t.parameters, `${field}.parameters`),
    error: finiteOrNull(t.error, `${field}.error`),
    failure: optionalString(t.failure, `${field}.failure`),
  };
}

function tuningResult(value: unknown, field: string, gain: GainName): TuningResult {
  const t = object(value, field);
  return {
    gain: oneOf(t.gain, `${field}.gain`, [gain]),
    passes: integer(t.passes, `${field}.passes`, 1),
    trials: arrayOf(t.trials, `${field}.trials`, tuningTrial),
    best: gainParameters(t.best, `${field}.best`),
  };
}

export interface SavedComparison {
  /** the schedules finished before the interruption */
  done: ScheduleRun[];
  tuning?: TuningResult[];
  /** the series of the schedule in progress */
  current: { series: PassMeasurement[] };
}

/** compare: the schedules done (in the order of `gains`), the tuning results, the series of the schedule in progress. */
export function compareState(gains: readonly GainName[]): AppStateSchema<SavedComparison> {
  return (value, { r, pass }) => {
    const s = object(value, 'appState');
    if (!Array.isArray(s.done) || s.done.length >= gains.length)
      fail('appState.done', `an array of fewer than ${gains.length} schedules`, s.done);
    const done = s.done.map((v, i) => scheduleRun(v, `appState.done[${i}]`, r, gains[i]));
    const tuning =
      s.tuning === undefined
        ? undefined
        : arrayOf(s.tuning, 'appState.tuning', (v, f, i) => tuningResult(v, f, gains[i]), gains.length);
    const current = object(s.current, 'appState.current');
    return { done, tuning, current: { series: series(current.series, 'appState.current.series', r, pass) } };
  };
}
