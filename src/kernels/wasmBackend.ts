/**
 * Hand-written WebAssembly SIMD backend (wasm/dots.wat): a register-blocked f32x4 micro-kernel,
 * 4 block rows × 8 training points per tile, over X packed once into panels of 8 points; the kernel
 * formula (exp for the Gaussian, from the squared norms) is applied afterwards in float64 by the
 * kernel's own `fromDots`.
 *
 * Threads: X is packed once, as f32 panels, into one shared WebAssembly.Memory. Each executor (a worker
 * thread, or this thread when threads = 1) owns a slot there; a block's rows are split between the
 * slots, this thread packs each share of Z into its slot, and the executor computes the f64 kernel
 * values in place (wasmWorker.ts), which are then copied out. Every value comes from the same code
 * on the same inputs whatever the split, so results are bit-identical for any thread count. The
 * memory is sized once and never grows, so views into it stay valid.
 *
 * Accuracy: f32 inputs and f32 accumulation, about 1e-7 relative to ‖x‖‖z‖ per dot product.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors';
import type { GramBackend } from './backend';
import type { KernelImpl } from './kernelImpl';
import { checkBlock, columnMeans, gatherRows } from './points';
import { pagesFor, validates, webAssembly, type WasmMemory } from '../webAssembly';
import { DOTS_WASM_HEX } from './wasm/dotsWasm.generated';
import { computeSlot, type DotsExports, type Slot, WORKER_SOURCE } from './wasmWorker';

/** rows of a block computed per round, split between the executors: bounds their slots */
const BLOCK_ROWS = 64;
/** dots.wat's tile: GROUP rows of a block × PANEL training points */
const GROUP = 4;
const PANEL = 8;

const dotsModuleBytes = (): Uint8Array => Buffer.from(DOTS_WASM_HEX, 'hex');
let compiled: object | null = null;
let supported: boolean | undefined;

/** Whether this runtime validates the module, i.e. supports WebAssembly SIMD and shared memory. */
export function isWasmSimdSupported(): boolean {
  return (supported ??= validates(dotsModuleBytes()));
}

/** The thread count the wasm backend uses unless told otherwise (--threads): the available cores. */
export function defaultWasmThreads(): number {
  return os.availableParallelism();
}

/** What the backend is, for --verbose. */
export function describeWasm(threads: number): string {
  return `WebAssembly SIMD, f32 register-blocked dot products, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Computes the kernel values of `count` rows packed into its slot. */
interface Executor {
  run(count: number): Promise<void>;
  /** fails calls in flight and later ones, and releases the thread */
  dispose(): Promise<void>;
}

/** This slot's regions as views (the memory never grows, so they stay valid). */
interface SlotViews {
  z: Float32Array;
  zNorms: Float64Array;
  out: Float64Array;
}

export class WasmBackend implements GramBackend {
  readonly name = 'wasm';
  readonly precision = 'f32';
  /** the call being computed: calls are served one at a time, since they reuse the slots */
  private busy: Promise<void> | null = null;
  private disposed = false;

  private constructor(
    private readonly X: Float64Array,
    readonly l: number,
    readonly d: number,
    /** subtracted from every point before rounding to f32 when k is translation invariant */
    private readonly shift: Float64Array | null,
    /** rows per round: BLOCK_ROWS rounded up so that each executor's share is a multiple of GROUP */
    private readonly roundRows: number,
    private readonly views: SlotViews[],
    private readonly executors: Executor[],
  ) {}

  /** executors computing rows: worker threads, or this thread alone when 1 */
  get threads(): number {
    return this.executors.length;
  }

  /** A backend over X (l × d) with `threads` executors (1: this thread, no workers). */
  static async create(
    impl: KernelImpl,
    X: Float64Array,
    l: number,
    d: number,
    threads = defaultWasmThreads(),
  ): Promise<WasmBackend> {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`wasm backend: threads must be a positive integer, got ${threads}`);
    const panels = Math.ceil(l / PANEL);
    const slotRows = Math.ceil(BLOCK_ROWS / threads / GROUP) * GROUP;
    let bytes = 0;
    const take = (n: number): number => {
      const at = bytes;
      bytes += Math.ceil(n / 16) * 16;
      return at;
    };
    const x = take(panels * PANEL * d * 4);
    const xNorms = take(l * 8);
    const slots: Slot[] = Array.from({ length: threads }, () => ({
      x,
      l,
      d,
      panels,
      xNorms,
      z: take(slotRows * d * 4),
      zNorms: take(slotRows * 8),
      dots: take(slotRows * panels * PANEL * 4),
      out: take(slotRows * l * 8),
    }));
    const pages = pagesFor(bytes);
    if (pages === null)
      throw new UserError(
        `wasm backend: ${(bytes / 2 ** 30).toFixed(2)} GiB for ${l} points of dimension ${d} exceeds wasm32's 4 GiB; use --backend reference`,
      );
    const memory = new webAssembly!.Memory({ initial: pages, maximum: pages, shared: true });
    const buffer = memory.buffer;

    const shift = impl.translationInvariant ? columnMeans(X, l, d) : null;
    packPanels(
      X,
      l,
      d,
      shift,
      new Float32Array(buffer, x, panels * PANEL * d),
      PANEL,
      new Float64Array(buffer, xNorms, l),
    );

    const module = (compiled ??= new webAssembly!.Module(dotsModuleBytes()));
    const views = slots.map((s) => ({
      z: new Float32Array(buffer, s.z, slotRows * d),
      zNorms: new Float64Array(buffer, s.zNorms, slotRows),
      out: new Float64Array(buffer, s.out, slotRows * l),
    }));
    const executors =
      threads === 1
        ? [inThreadExecutor(module, memory, slots[0], impl)]
        : await startWorkers(
            slots.map((slot) => ({
              memory,
              dotsModule: module,
              slot,
              fromDotsSource: impl.fromDotsSource,
              constants: impl.constants,
            })),
          );
    return new WasmBackend(X, l, d, shift, slotRows * threads, views, executors);
  }

  async cross(Z: Float64Array, m: number, out: Float64Array): Promise<void> {
    checkBlock(out, m, this.l);
    // When idle, the work starts here, before the caller awaits, so the caller's own work overlaps it.
    while (this.busy) await this.busy.catch(() => undefined);
    if (this.disposed) throw new Error('wasm Gram backend: called after dispose()');
    const call = this.compute(Z, m, out);
    this.busy = call;
    try {
      await call;
    } finally {
      if (this.busy === call) this.busy = null;
    }
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.cross(gatherRows(this.X, this.d, indices), indices.length, out);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.executors.map((e) => e.dispose()));
  }

  /** Rows in rounds of up to roundRows, each split between the executors in shares of a multiple of GROUP rows. */
  private async compute(Z: Float64Array, m: number, out: Float64Array): Promise<void> {
    const { l, d } = this;
    for (let b0 = 0; b0 < m; b0 += this.roundRows) {
      const rows = Math.min(this.roundRows, m - b0);
      const share = Math.ceil(rows / this.executors.length / GROUP) * GROUP;
      const runs: Promise<void>[] = [];
      for (let e = 0; e * share < rows; e++) {
        const first = b0 + e * share;
        const count = Math.min(share, rows - e * share);
        const { z, zNorms, out: values } = this.views[e];
        packPanels(Z.subarray(first * d, (first + count) * d), count, d, this.shift, z, GROUP, zNorms);
        runs.push(this.executors[e].run(count).then(() => out.set(values.subarray(0, count * l), first * l)));
      }
      // all settled before the slots are reused, even when one failed
      const failed = (await Promise.allSettled(runs)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }
}

/**
 * Copies the n × d rows of `src`, minus `shift` (a d-vector, or null), rounded to f32, into `dst` in
 * panels of `width` rows interleaved by dimension, the layout dots.wat reads: row i's value t at
 * (⌊i/width⌋·d + t)·width + i mod width. The rows from n up to a multiple of width are zeros (the
 * tiles compute them, and nobody reads them). norms[i] = ‖row i‖² of the f32 values, summed in f64.
 */
export function packPanels(
  src: Float64Array,
  n: number,
  d: number,
  shift: Float64Array | null,
  dst: Float32Array,
  width: number,
  norms: Float64Array,
): void {
  const padded = Math.ceil(n / width) * width;
  for (let i = 0; i < padded; i++) {
    const at = Math.floor(i / width) * d * width + (i % width);
    if (i >= n) {
      for (let t = 0; t < d; t++) dst[at + t * width] = 0;
      continue;
    }
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = Math.fround(src[i * d + t] - (shift ? shift[t] : 0));
      dst[at + t * width] = v;
      s += v * v;
    }
    norms[i] = s;
  }
}

function inThreadExecutor(module: object, memory: WasmMemory, slot: Slot, impl: KernelImpl): Executor {
  const wasm = new webAssembly!.Instance(module, { env: { memory } }).exports as DotsExports;
  const buffer = memory.buffer;
  return {
    run: async (count) => computeSlot(wasm, buffer, slot, count, impl.fromDots),
    dispose: async () => undefined,
  };
}

/** One worker per workerData, each ready (module instantiated) or all terminated and the error thrown. */
async function startWorkers(workerData: object[]): Promise<Executor[]> {
  const workers = workerData.map((data, i) => new WorkerExecutor(data, i + 1));
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (e) {
    await Promise.all(workers.map((w) => w.dispose()));
    throw e;
  }
  return workers;
}

/**
 * An executor on a worker thread. The worker is unref'd while idle, so that a forgotten dispose()
 * never keeps Node alive, and ref'd while a call is in flight, so that Node does not exit under it.
 */
class WorkerExecutor implements Executor {
  private readonly worker: Worker;
  private pending: { resolve: () => void; reject: (e: Error) => void } | null = null;
  /** set once the thread is gone: every later call fails with it */
  private failure: Error | null = null;
  /** resolves once the worker has instantiated the module */
  readonly ready: Promise<void>;

  constructor(
    workerData: object,
    private readonly index: number,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.on('message', (error: string | null) => this.settle(error === null ? null : this.error(error)));
    this.worker.on('error', (e: Error) => this.fail(this.error(`failed: ${e.message}`)));
    this.worker.on('exit', (code: number) => this.fail(this.error(`exited (code ${code})`)));
    this.ready = this.answer();
  }

  run(count: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker.postMessage(count);
    return this.answer();
  }

  async dispose(): Promise<void> {
    this.fail(new Error('wasm Gram backend: disposed during a call'));
    await this.worker.terminate();
  }

  private answer(): Promise<void> {
    this.worker.ref();
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  private settle(error: Error | null): void {
    const pending = this.pending;
    this.pending = null;
    this.worker.unref();
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle(this.failure);
  }

  private error(what: string): Error {
    return new Error(`wasm Gram backend, worker thread ${this.index}: ${what}`);
  }
}
