/**
 * The Kernel Hebbian Algorithm engine (docs/ALGORITHMS.md). Each pass presents every sample once, in a
 * fresh seeded permutation; the rows of a block of the permutation are fetched together (this is
 * where a Gram backend earns its keep), then stepped through one by one, while the rows of the next
 * block are being fetched (an asynchronous source, such as the threaded wasm backend, computes
 * them meanwhile):
 *
 *     y_t = A_t k'_p;   A_{t+1} = A_t + diag(η_t) (y_t e_pᵀ − lt(y_t y_tᵀ) A_t)
 *
 * with the gains and any extra iterate owned by the gain schedule. The engine can stop at any block
 * boundary (passes, tolerance, time, an abort signal) and its whole state can be saved and restored,
 * so an interrupted run resumes to the same result bit for bit.
 */
import * as os from 'os';
import { NumericalError } from '../errors';
import { fetchAhead } from '../kernels/fetchAhead';
import { dot, dotFromOffset } from '../linalg/dense';
import { Rng, type RngState } from '../linalg/rng';
import { keptArrays, type GainSchedule, type ScheduleState } from './gains/schedule';
import type { RowSource } from '../kernels/rowSource';
import { isResident } from '../kernels/residentRows';
import { createState, recomputeNorms, type KhaState } from './state';
import { drawInitialA } from './initialAK';
import { createUpdateOps, type UpdateForm, type UpdateOps } from './ops';

export interface EngineOptions {
  /** r, the number of components */
  components: number;
  schedule: GainSchedule;
  seed: number;
  /** rows fetched per request (default 64) */
  blockSize?: number;
  /**
   * The update form (ops/index.ts): 'factored' (the default, r × l sweeps every step) or 'blocked' (the
   * r × l work as matrix products once per block, on `threads` threads), both in WebAssembly f64x2
   * SIMD where that validates, else in JS; or 'naive' (the O(r²·l) oracle, for tests)
   */
  update?: UpdateForm;
  /** threads for the blocked form's products (default: the available cores); results do not depend on it */
  threads?: number;
  /**
   * explicit update ops (e.g. WebAssembly); overrides `update`. A source whose rows stay on a device
   * (ResidentRows) takes the blocked form with its products there, and refuses any other.
   */
  ops?: UpdateOps;
  /**
   * A K' of the initial A (`initialA(r, l, seed)`), computed by the caller without a pass of its own
   * (`InitialProduct`, in the centering pass); absent: create() computes it, a pass over all rows
   */
  initialAK?: Float64Array;
  /** progress of create()'s exact A K' (a pass over all rows: minutes when they are computed on the fly) */
  onSourcePass?: (done: number, total: number) => void;
  /** aborts create()'s exact A K' within one block (create then rejects with the signal's reason) */
  signal?: AbortSignal;
}

export interface PassReport {
  /** passes completed */
  pass: number;
  /** steps done, globally */
  t: number;
  /** seconds spent iterating so far, earlier runs of a resumed engine included */
  seconds: number;
  /**
   * Σ over the pass of y_i²: at convergence (A K' Aᵀ = I) this is λ_i, so it is a free
   * eigenvalue estimate for every schedule; used for --tol.
   */
  passEigenvalues: Float64Array;
  /** max_i |Δ passEigenvalues_i| / passEigenvalues_1 against the previous pass (NaN after the first) */
  change: number;
  /** gains of the last step */
  gains: Float64Array;
}

export interface RunLimits {
  /** stop after this many passes in total (counting passes of earlier runs of a resumed engine) */
  passes: number;
  /** stop when a pass changes the eigenvalue estimates by less than this (relative to λ_1) */
  tol?: number;
  /** stop at the first block boundary after this many seconds of this run */
  maxSeconds?: number;
  /** stop at the next block boundary when aborted (the state is then consistent: snapshot it) */
  signal?: AbortSignal;
  /** after each pass; may be async (measurements, checkpoints) and is not counted in `seconds` */
  onPass?: (report: PassReport) => void | Promise<void>;
  /** after each block: steps done in the current pass */
  onProgress?: (stepInPass: number, l: number) => void;
  /** after each block, at a consistent state (checkpoints); not counted in `seconds` */
  onBlock?: () => void | Promise<void>;
}

export type StopReason = 'passes' | 'tol' | 'time' | 'signal';

export interface EngineSnapshot {
  A: Float64Array;
  AK: Float64Array | null;
  /** the running row norms, saved as they are (recomputing them would change their last bits) */
  normA2: Float64Array;
  normAK2: Float64Array;
  /** the update ops' own state (the factored form's Gram matrices), saved as it is */
  updateState: Record<string, Float64Array>;
  t: number;
  pass: number;
  position: number;
  /** seconds spent iterating up to the snapshot */
  seconds: number;
  permutation: Int32Array;
  rng: RngState;
  passSquares: Float64Array;
  previousPassEigenvalues: Float64Array | null;
  schedule: ScheduleState;
}

/** A block of rows from the source: rows[b*l ..] is row indices[b], b < count. */
interface RowBlock {
  readonly indices: Int32Array;
  readonly rows: Float64Array;
  count: number;
}

/** |y_i| beyond this many times √‖k'_p‖ means ‖w_i‖ has exploded (at convergence ‖w_i‖ = 1). */
const EXPLOSION_FACTOR = 1e3;

export class KhaEngine {
  readonly state: KhaState;
  readonly schedule: GainSchedule;
  readonly source: RowSource;
  readonly blockSize: number;
  /** passes completed */
  pass = 0;
  /** index into the current permutation of the next sample */
  private position = 0;
  private permutation: Int32Array;
  private readonly rng: Rng;
  private readonly ops: UpdateOps;
  /** ‖k'_p‖² for each sample p, computed on its first step (rows do not change): the divergence bound and the ops read it */
  private readonly rowSquares: Float64Array;
  /** two row blocks: one stepped through while the next is fetched into the other */
  private readonly blocks: RowBlock[];
  /** running Σ y_i² over the current pass */
  private passSquares: Float64Array;
  private previousPassEigenvalues: Float64Array | null = null;
  /** seconds spent iterating before the current run (earlier runs, or the snapshot's) */
  private secondsBefore = 0;
  /** seconds spent iterating, as of now (during a run: that run's so far included) */
  private secondsNow = () => this.secondsBefore;
  /** state.AK lags the device's (ops with `settle`) until `sync` */
  private unsettled = false;

  private constructor(source: RowSource, options: EngineOptions) {
    const r = options.components;
    const l = source.l;
    if (!Number.isInteger(r) || r < 1 || r > l)
      throw new RangeError(`components must be an integer in [1, ${l}], got ${r}`);
    this.source = source;
    this.schedule = options.schedule;
    this.blockSize = Math.max(1, Math.min(options.blockSize ?? 64, l));
    const threads = options.threads ?? os.availableParallelism();
    // Factored by default: on 2 cores the blocked form measured even for smd and kha-et, faster only
    // for constant and annealed (docs/BENCHMARKS.md). The default never depends on the thread count,
    // so results do not either.
    const kept = keptArrays(this.schedule, r, l);
    // rows resident on a device hold only the block's corner: only the blocked form with the device's products reads no more
    const resident = isResident(source) ? source : undefined;
    if (resident && options.ops && !options.ops.prepareBlock)
      throw new RangeError('rows resident on a device need the blocked update, not these ops');
    this.ops =
      options.ops ??
      createUpdateOps(
        options.update ?? (resident ? 'blocked' : 'factored'),
        r,
        l,
        this.blockSize,
        threads,
        kept,
        resident,
      );
    this.state = createState(r, l, this.schedule.needsAK, this.ops.allocate);
    this.rng = new Rng(options.seed);
    this.rowSquares = new Float64Array(l).fill(NaN);
    this.blocks = [0, 1].map(() => ({
      indices: new Int32Array(this.blockSize),
      rows: this.ops.allocate(this.blockSize * l),
      count: 0,
    }));
    this.passSquares = new Float64Array(r);
    this.permutation = new Int32Array(l);
  }

  /**
   * A new engine: A drawn i.i.d. N(0, 1/(r·l)) from the seeded generator, A K' computed exactly
   * when the schedule needs it (one pass over the rows, unless `initialAK` is given), then the first permutation.
   * With `resumeFrom`, the engine continues from a snapshot instead.
   */
  static async create(source: RowSource, options: EngineOptions, resumeFrom?: EngineSnapshot): Promise<KhaEngine> {
    const engine = new KhaEngine(source, options);
    if (resumeFrom) {
      engine.schedule.init(engine.state, engine.ops);
      engine.restore(resumeFrom);
      return engine;
    }
    const { A, AK, r, l } = engine.state;
    drawInitialA(engine.rng, A, r, l);
    if (AK && options.initialAK) {
      if (options.initialAK.length !== AK.length)
        throw new RangeError(`initialAK has ${options.initialAK.length} values, not r·l = ${AK.length}`);
      AK.set(options.initialAK);
    }
    if (AK && !options.initialAK) await engine.refreshAK(options.onSourcePass, options.signal);
    else recomputeNorms(engine.state);
    engine.schedule.init(engine.state, engine.ops);
    engine.rng.permutation(l, engine.permutation);
    return engine;
  }

  /**
   * Recompute A K' exactly (one pass over all rows of the source), removing accumulated drift. An
   * aborted `signal` stops it within one block: it rejects with the signal's reason, and A K' is then
   * partly recomputed (the iterate is still consistent to rounding, but resume from a checkpoint).
   */
  async refreshAK(onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float64Array> {
    const AK = await this.multiplyBySource(this.state.A, this.state.AK ?? undefined, onProgress, signal);
    if (this.state.AK) recomputeNorms(this.state);
    this.ops.invalidate?.();
    return AK;
  }

  /**
   * X M for an r × l matrix X and the source matrix M (one pass over all rows), into `out` or a new
   * array. Measurements use it on a copy of A so that measuring does not change the iteration.
   */
  async multiplyBySource(
    X: Float64Array,
    out: Float64Array = new Float64Array(X.length),
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<Float64Array> {
    const { l } = this.state;
    if (isResident(this.source)) {
      signal?.throwIfAborted();
      await this.source.multiply(X, out, onProgress, signal);
      return out;
    }
    const r = X.length / l;
    const fast = this.ops.timesRows && r === this.state.r ? this.ops.timesRows.bind(this.ops) : null;
    const products = new Float64Array(r * this.blockSize);
    const pause = eventLoopPauses();
    let done = 0;
    signal?.throwIfAborted();
    for await (const { indices, rows, count } of this.blocksOf(null, 0)) {
      // Column p of X M is X m_p (M is symmetric): products[i·count + b] = X_i · m_{indices[b]}.
      if (fast) fast(X, rows, count, products);
      else
        for (let b = 0; b < count; b++)
          for (let i = 0; i < r; i++) products[i * count + b] = dotFromOffset(X, i * l, rows.subarray(b * l), l);
      for (let i = 0; i < r; i++) for (let b = 0; b < count; b++) out[i * l + indices[b]] = products[i * count + b];
      onProgress?.((done += count), l);
      await pause();
      signal?.throwIfAborted();
    }
    return out;
  }

  /** Iterate until one of the limits is reached; `seconds`: iteration seconds so far, earlier runs included. */
  async run(limits: RunLimits): Promise<{ stoppedBy: StopReason; seconds: number }> {
    const started = process.hrtime.bigint();
    let excluded = 0; // seconds spent in onPass and onBlock, not counted
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9 - excluded;
    const before = this.secondsBefore;
    this.secondsNow = () => before + elapsed();
    try {
      const stoppedBy = await this.iterate(limits, elapsed, (seconds) => (excluded += seconds));
      await this.sync();
      return { stoppedBy, seconds: this.secondsNow() };
    } finally {
      this.secondsBefore = this.secondsNow();
      this.secondsNow = () => this.secondsBefore;
    }
  }

  private async iterate(
    limits: RunLimits,
    elapsed: () => number,
    exclude: (seconds: number) => void,
  ): Promise<StopReason> {
    const { l } = this.state;
    const pause = eventLoopPauses();
    /** checked at every block boundary */
    const stopReason = async (): Promise<StopReason | null> => {
      await pause();
      if (limits.signal?.aborted) return 'signal';
      if (limits.maxSeconds !== undefined && elapsed() >= limits.maxSeconds) return 'time';
      return null;
    };

    while (this.pass < limits.passes) {
      let stop = await stopReason();
      if (stop) return stop;
      // The next pass's permutation is drawn when this one ends, so blocks are fetched ahead within a pass only.
      for await (const { indices, rows, count } of this.blocksOf(this.permutation, this.position)) {
        const endOfPass = this.position + count === l;
        await this.ops.prepareBlock?.(this.state, this.schedule.iterate, indices, rows, count);
        this.ops.beginBlock?.(this.state, this.schedule.iterate, indices, rows, count);
        for (let b = 0; b < count; b++) this.step(indices[b], rows.subarray(b * l, (b + 1) * l));
        this.unsettled = !!this.ops.settle;
        if (endOfPass) await this.sync(); // the pass's end recomputes the Gram matrices from A K'
        this.ops.endBlock?.(this.state, this.schedule.iterate, endOfPass);
        this.position += count;
        // block ends so far: a pass ends with a short block when the block size does not divide l
        const blocks = this.pass * Math.ceil(l / this.blockSize) + Math.ceil(this.position / this.blockSize);
        this.schedule.endBlock?.(this.state, blocks);
        limits.onProgress?.(this.position, l);
        if (limits.onBlock) exclude(await timed(limits.onBlock));
        if (this.position < l && (stop = await stopReason())) return stop;
      }

      const report = this.finishPass(this.secondsNow());
      if (limits.onPass) exclude(await timed(() => limits.onPass?.(report)));
      if (limits.tol !== undefined && report.change < limits.tol) return 'tol';
    }
    return 'passes';
  }

  /** The blocks of rows order[start ..] (order null: rows start .. l − 1 in turn), each fetched ahead. */
  private blocksOf(order: Int32Array | null, start: number): AsyncGenerator<RowBlock> {
    const { l } = this.state;
    return fetchAhead(Math.ceil((l - start) / this.blockSize), async (i) => {
      const block = this.blocks[i % 2];
      const first = start + i * this.blockSize;
      block.count = Math.min(this.blockSize, l - first);
      for (let b = 0; b < block.count; b++) block.indices[b] = order ? order[first + b] : first + b;
      await this.source.rows(block.indices.subarray(0, block.count), block.rows);
      return block;
    });
  }

  /** One KHA step on sample p with centered row k = k'_p. */
  private step(p: number, k: Float64Array): void {
    const { r, l } = this.state;
    let rowSquare = this.rowSquares[p];
    if (Number.isNaN(rowSquare))
      rowSquare = this.rowSquares[p] = isResident(this.source) ? this.source.rowSquare(p) : dot(k, 0, k, 0, l);
    const projected = this.ops.project(this.state, this.schedule.iterate, p, k, rowSquare);
    const { y } = projected;
    // For a symmetric M = U Λ Uᵀ and ‖w_i‖² = Σ_k |λ_k| (A_i u_k)² (the RKHS norm when M is PSD),
    // Cauchy–Schwarz gives |y_i| ≤ ‖w_i‖·√|M|_pp ≤ ‖w_i‖·√‖m_p‖, since |M|_pp ≤ ‖M e_p‖. Converged
    // rows have ‖w_i‖ = 1, so far beyond this bound the iteration has exploded. (√M_pp alone would be
    // tighter for PSD matrices but is 0 on the zero diagonal of a normalized affinity.)
    const bound = EXPLOSION_FACTOR * Math.sqrt(Math.sqrt(rowSquare) || Number.MIN_VALUE);
    for (let i = 0; i < r; i++) {
      const yi = y[i];
      if (!(Math.abs(yi) <= bound)) this.diverged(i, yi);
      this.passSquares[i] += yi * yi;
    }
    this.schedule.step(this.state, projected, this.ops);
    this.state.t++;
  }

  private diverged(component: number, value: number): never {
    const what = Number.isFinite(value) ? `exploded (|y| = ${value.toExponential(2)})` : `became ${value}`;
    throw new NumericalError(
      `the iteration diverged at step ${this.state.t} (pass ${this.pass + 1}): component ${component + 1} ${what}. ` +
        `The gains are too large for this data: ${this.schedule.divergenceAdvice}.`,
    );
  }

  private finishPass(seconds: number): PassReport {
    const passEigenvalues = this.passSquares;
    let change = NaN;
    const previous = this.previousPassEigenvalues;
    if (previous) {
      change = 0;
      for (let i = 0; i < this.state.r; i++) change = Math.max(change, Math.abs(passEigenvalues[i] - previous[i]));
      change /= Math.max(...passEigenvalues);
    }
    this.schedule.checkHealth?.(this.pass);
    this.previousPassEigenvalues = passEigenvalues;
    this.passSquares = new Float64Array(this.state.r);
    this.pass++;
    this.position = 0;
    this.rng.permutation(this.state.l, this.permutation);
    return {
      pass: this.pass,
      t: this.state.t,
      seconds,
      passEigenvalues,
      change,
      gains: Float64Array.from(this.schedule.lastGains),
    };
  }

  /** The iterate to finish with (Rayleigh–Ritz, certificate): the schedule's average where it keeps one, else A. */
  finishIterate(): Float64Array {
    return this.schedule.finishIterate?.(this.state) ?? this.state.A;
  }

  /** Brings state.AK up to date where the ops keep it on a device; snapshot() needs it after a run's blocks. */
  async sync(): Promise<void> {
    if (!this.unsettled) return;
    await this.ops.settle?.(this.state, this.schedule.iterate);
    this.unsettled = false;
  }

  snapshot(): EngineSnapshot {
    if (this.unsettled) throw new Error('snapshot: A K is on the device; await engine.sync() first');
    return {
      A: Float64Array.from(this.state.A),
      AK: this.state.AK ? Float64Array.from(this.state.AK) : null,
      normA2: Float64Array.from(this.state.normA2),
      normAK2: Float64Array.from(this.state.normAK2),
      updateState: this.ops.saved?.() ?? {},
      t: this.state.t,
      pass: this.pass,
      position: this.position,
      seconds: this.secondsNow(),
      permutation: Int32Array.from(this.permutation),
      rng: this.rng.getState(),
      passSquares: Float64Array.from(this.passSquares),
      previousPassEigenvalues: this.previousPassEigenvalues ? Float64Array.from(this.previousPassEigenvalues) : null,
      schedule: Object.fromEntries(Object.entries(this.schedule.snapshot()).map(([k, v]) => [k, Float64Array.from(v)])),
    };
  }

  restore(saved: EngineSnapshot): void {
    this.state.A.set(saved.A);
    if (this.state.AK && saved.AK) this.state.AK.set(saved.AK);
    this.state.normA2.set(saved.normA2);
    this.state.normAK2.set(saved.normAK2);
    this.state.t = saved.t;
    this.pass = saved.pass;
    this.position = saved.position;
    this.secondsBefore = saved.seconds;
    this.permutation.set(saved.permutation);
    this.rng.setState(saved.rng);
    this.passSquares = Float64Array.from(saved.passSquares);
    this.previousPassEigenvalues = saved.previousPassEigenvalues
      ? Float64Array.from(saved.previousPassEigenvalues)
      : null;
    this.schedule.restore(saved.schedule);
    this.ops.restore?.(Object.keys(saved.updateState).length > 0 ? saved.updateState : undefined);
  }
}

export { SMD_COLLAPSE_LOG_GAIN } from './gains/smd';

/**
 * A pause to await at every block boundary: rows from a cache resolve as microtasks only, so yield to
 * the event loop, so that signals (Ctrl-C, SIGTERM), timers and I/O are served within one block. One
 * setImmediate costs microseconds against the milliseconds of a block.
 */
function eventLoopPauses(): () => Promise<void> {
  return () => new Promise((resolve) => setImmediate(resolve));
}

/** Seconds an (async) callback took. */
async function timed(fn: () => unknown): Promise<number> {
  const before = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - before) / 1e9;
}
