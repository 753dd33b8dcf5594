/**
 * What a checkpoint must hold to be resumed: every field of its header and every array checked for
 * type, range, length and finiteness (io/schema.ts) before the engine sees it. l is the length of
 * the permutation (which must be one) and r = |A| / l; every other length follows from them.
 */
import type { EngineSnapshot } from '../kha/engine';
import { createGainSchedule, GAIN_NAMES } from '../kha/gains';
import type { RngState } from '../linalg/rng';
import {
  boolean,
  FieldError,
  finite,
  finiteArray,
  integer,
  object,
  permutation,
  string,
  stringArray,
} from '../io/schema';
import type { StoredArray } from '../io/container';

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
      options: object(identity.options, 'identity.options'),
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
