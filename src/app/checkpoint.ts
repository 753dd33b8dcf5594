/**
 * Checkpoints of a running fit, spectral clustering or comparison: the whole engine state (A, A K',
 * the schedule's iterate, step counter, generator state, permutation and position in it) plus an
 * identity of the data and of every option that shapes the iteration. Resuming with other data or options is refused, so a
 * resumed fit ends exactly where an uninterrupted one would, bit for bit.
 */
import { createHash } from 'crypto';
import { Interrupted, UserError } from '../errors';
import type { EngineSnapshot, KhaEngine, RunLimits, StopReason } from '../kha/engine';
import { readContainer, writeContainer, type StoredArray } from '../io/container';
import { validated } from '../io/schema';
import { checkCheckpoint, type AppStateSchema } from './checkpointSchema';
import type { RngState } from '../linalg/rng';
import type { CheckpointPlan } from './runOptions';
import type { RowSource } from '../kernels/rowSource';

/**
 * 2 adds the update ops' own state (`kernelKeys`, now `updateKeys`). A version-1 checkpoint still resumes: the
 * factored update then recomputes its Gram matrices from the iterate.
 */
const CHECKPOINT_FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

/** What must match for a checkpoint to be resumed. */
export interface RunIdentity {
  dataHash: string;
  /** what shapes the run (fit, spectral-cluster or compare): kernel, components, gains and parameters, seed, backend, Gram cache, block size */
  options: Record<string, unknown>;
}

interface CheckpointMeta {
  identity: RunIdentity;
  identityHash: string;
  t: number;
  pass: number;
  position: number;
  /** iteration seconds so far (absent before format 2) */
  seconds?: number;
  rng: RngState;
  hasAK: boolean;
  hasPrevious: boolean;
  scheduleKeys: string[];
  /** the update ops' own arrays (`update.NAME`); absent in version 1 */
  updateKeys?: string[];
  /** their earlier name (arrays `kernel.NAME`), in checkpoints written before the rename */
  kernelKeys?: string[];
  /** what the use-case keeps besides the engine (JSON), e.g. spectral-cluster's per-pass scores */
  appState?: unknown;
}

export function identityHash(identity: RunIdentity): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

export async function writeCheckpoint(
  path: string,
  identity: RunIdentity,
  s: EngineSnapshot,
  appState?: unknown,
): Promise<void> {
  const arrays: Record<string, StoredArray> = {
    A: s.A,
    normA2: s.normA2,
    normAK2: s.normAK2,
    permutation: s.permutation,
    passSquares: s.passSquares,
  };
  if (s.AK) arrays.AK = s.AK;
  if (s.previousPassEigenvalues) arrays.previousPassEigenvalues = s.previousPassEigenvalues;
  for (const [key, value] of Object.entries(s.schedule)) arrays[`schedule.${key}`] = value;
  for (const [key, value] of Object.entries(s.updateState)) arrays[`update.${key}`] = value;
  const meta: CheckpointMeta = {
    identity,
    identityHash: identityHash(identity),
    t: s.t,
    pass: s.pass,
    position: s.position,
    seconds: s.seconds,
    rng: s.rng,
    hasAK: s.AK !== null,
    hasPrevious: s.previousPassEigenvalues !== null,
    scheduleKeys: Object.keys(s.schedule),
    updateKeys: Object.keys(s.updateState),
    appState,
  };
  await writeContainer(path, 'checkpoint', CHECKPOINT_FORMAT_VERSION, meta, arrays);
}

/**
 * Read a checkpoint, check every field (checkpointSchema.ts), check it belongs to this data
 * (`points` of them) and these options, then check the use-case's own state with `appState`.
 */
export async function readCheckpoint<T>(
  path: string,
  expected: RunIdentity,
  points: number,
  appState: AppStateSchema<T>,
): Promise<EngineSnapshot & { appState: T }> {
  const { meta: raw, arrays } = await readContainer<CheckpointMeta>(path, 'checkpoint', READABLE_VERSIONS);
  const meta = validated(path, 'checkpoint', () => checkCheckpoint(raw, arrays));
  if (meta.identity.dataHash !== expected.dataHash)
    throw new UserError(
      `${path}: this checkpoint was made from other data (sha256 ${meta.identity.dataHash.slice(0, 12)}…, these data ${expected.dataHash.slice(0, 12)}…)`,
    );
  if (meta.identityHash !== identityHash(expected)) {
    const differing = Object.keys({ ...meta.identity.options, ...expected.options }).filter(
      (k) => JSON.stringify(meta.identity.options[k]) !== JSON.stringify(expected.options[k]),
    );
    throw new UserError(
      `${path}: this checkpoint was made with other options (${differing
        .map(
          (k) => `${k}: ${JSON.stringify(meta.identity.options[k])} there, ${JSON.stringify(expected.options[k])} now`,
        )
        .join('; ')}); resume with the same options`,
    );
  }
  const r = meta.snapshot.normA2.length;
  const l = meta.snapshot.permutation.length;
  if (l !== points || (typeof expected.options.components === 'number' && r !== expected.options.components))
    throw new UserError(
      `${path}: not a usable checkpoint: it holds ${r} components of ${l} points, this run has ${String(expected.options.components)} of ${points}`,
    );
  const shape = { r, l, pass: meta.snapshot.pass };
  return { ...meta.snapshot, appState: validated(path, 'checkpoint', () => appState(meta.appState, shape)) };
}

/**
 * The checkpoints of one engine run, as a use-case plans them: hooks for `engine.run` (every N
 * seconds at a block boundary, every N passes), `finish`, which writes the last one and rejects with
 * Interrupted when the run was stopped by `signal`, and `stoppable`, for the steps of the final phase
 * (exact products, certificate): when `signal` stops one, the checkpoint is written and it rejects
 * with Interrupted, so that nothing half-made is returned. Those steps must leave the engine as the
 * passes did, so that the checkpoint resumes exactly. `appState` is saved beside the engine (JSON).
 */
export function checkpointing(
  engine: KhaEngine,
  identity: RunIdentity,
  plan: CheckpointPlan | undefined,
  say: (message: string) => void,
  appState: () => unknown = () => undefined,
  signal?: AbortSignal,
): {
  onBlock: RunLimits['onBlock'];
  afterPass(pass: number): Promise<void>;
  finish(stoppedBy: StopReason): Promise<string | undefined>;
  stoppable<T>(step: Promise<T>): Promise<T>;
} {
  let written: string | undefined;
  let last = Date.now();
  const save = async () => {
    if (!plan) return;
    await engine.sync(); // A K′ kept on a device comes back first
    await writeCheckpoint(plan.path, identity, engine.snapshot(), appState());
    written = plan.path;
    last = Date.now();
    say(`checkpoint written to ${plan.path} (pass ${engine.pass}, step ${engine.state.t})`);
  };
  const interrupted = async () => {
    await save();
    return new Interrupted(written);
  };
  const everySeconds = plan?.everySeconds;
  const everyPasses = plan?.everyPasses;
  return {
    onBlock: everySeconds ? () => (Date.now() - last >= everySeconds * 1000 ? save() : undefined) : undefined,
    afterPass: async (pass) => {
      if (everyPasses && pass % everyPasses === 0) await save();
    },
    finish: async (stoppedBy) => {
      if (stoppedBy === 'signal') throw await interrupted();
      return written;
    },
    stoppable: (step) =>
      step.catch(async (err) => {
        throw signal?.aborted ? await interrupted() : err;
      }),
  };
}

/**
 * `source` with the event loop served and `signal` checked before every call for rows, so that a
 * pass over it stops within one call of a signal, even when the rows come from a cache (which
 * resolve as microtasks only, and would keep Ctrl-C waiting for the whole pass).
 */
export function interruptible(source: RowSource, signal: AbortSignal | undefined): RowSource {
  if (!signal) return source;
  return {
    l: source.l,
    trace: source.trace,
    async rows(indices, out) {
      await new Promise((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
      await source.rows(indices, out);
    },
  };
}
