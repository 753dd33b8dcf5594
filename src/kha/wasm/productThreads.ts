/**
 * The blocked update's products (update.wat's timesTransposed and addProduct) split by rows of X
 * between this thread and worker threads that share the update's memory. Each output row is computed
 * by the same instructions whoever computes it, so results do not depend on the thread count.
 *
 * A step waits for its block's products, so the calls are synchronous: this thread hands each worker
 * its rows through a shared control array and blocks in Atomics.wait until all have answered (no event
 * loop round trip, a few microseconds a call). Workers are unref'd: they never keep Node alive.
 */
import { Worker } from 'node:worker_threads';
import type { WasmMemory } from '../../webAssembly';

export interface ProductExports {
  timesTransposed(X: number, m: number, Y: number, n: number, out: number, stride: number, l: number): void;
  addProduct(X: number, m: number, H: number, stride: number, n: number, Y: number, l: number): void;
}

/** Int32 slots per worker in the control array: [call number, op, six arguments, answered call, failed] */
const SLOT = 16;
const [CALL, OP, ARGS, ANSWERED, FAILED] = [0, 1, 2, 10, 11];
const TIMES_TRANSPOSED = 1;
const ADD_PRODUCT = 2;
/** multiply-adds below which a product runs on this thread alone (handing it out costs more) */
const MIN_SHARED_WORK = 1 << 17;
/** ms without an answer after which a worker is taken for dead */
const ANSWER_TIMEOUT_MS = 60_000;

const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { memory, module, control, base, l } = workerData;
const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(c, base + ${CALL}, seen);
  seen = Atomics.load(c, base + ${CALL});
  const a = c.subarray(base + ${ARGS}, base + ${ARGS} + 6);
  try {
    if (c[base + ${OP}] === ${TIMES_TRANSPOSED}) wasm.timesTransposed(a[0], a[1], a[2], a[3], a[4], a[5], l);
    else wasm.addProduct(a[0], a[1], a[2], a[3], a[4], a[5], l);
  } catch (e) {
    c[base + ${FAILED}] = 1;
  }
  Atomics.store(c, base + ${ANSWERED}, seen);
  Atomics.notify(c, base + ${ANSWERED});
}
`;

/** The products on `threads` threads (this one included), over the update module's shared memory. */
export function threadedProducts(
  wasm: ProductExports,
  module: object,
  memory: WasmMemory,
  l: number,
  threads: number,
): ProductExports {
  if (threads <= 1) return wasm;
  const control = new Int32Array(new SharedArrayBuffer(4 * SLOT * (threads - 1)));
  // started on the first product large enough to share: small problems never start a thread
  let workers: Worker[] | null = null;
  const start = () =>
    Array.from({ length: threads - 1 }, (_, w) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { memory, module, control: control.buffer, base: w * SLOT, l },
      });
      worker.unref();
      return worker;
    });
  let call = 0;
  const lb = 8 * l;

  /** rows [0, m) of X in shares of an even count (update.wat takes rows two at a time), the first one here */
  const split = (
    m: number,
    n: number,
    run: (first: number, count: number) => void,
    hand: (w: number, first: number, count: number) => void,
  ) => {
    if (m * n * l < MIN_SHARED_WORK || m < 2) return run(0, m);
    const share = 2 * Math.ceil(m / threads / 2);
    workers ??= start();
    call++;
    let handed = 0;
    for (let w = 0; (w + 1) * share < m && w < workers.length; w++, handed++)
      hand(w, (w + 1) * share, Math.min(share, m - (w + 1) * share));
    run(0, Math.min(share, m));
    for (let w = 0; w < handed; w++) {
      const base = w * SLOT;
      const started = Date.now();
      while (Atomics.load(control, base + ANSWERED) !== call) {
        Atomics.wait(control, base + ANSWERED, Atomics.load(control, base + ANSWERED), 1000);
        if (Date.now() - started > ANSWER_TIMEOUT_MS)
          throw new Error(`blocked update: product worker thread ${w + 1} did not answer`);
      }
      if (control[base + FAILED]) throw new Error(`blocked update: product worker thread ${w + 1} failed`);
    }
  };
  const post = (w: number, op: number, args: number[]) => {
    const base = w * SLOT;
    control[base + OP] = op;
    control.set(args, base + ARGS);
    Atomics.store(control, base + CALL, call);
    Atomics.notify(control, base + CALL);
  };

  return {
    timesTransposed(X, m, Y, n, out, stride) {
      split(
        m,
        n,
        (first, count) => wasm.timesTransposed(X + first * lb, count, Y, n, out + 8 * first * stride, stride, l),
        (w, first, count) => post(w, TIMES_TRANSPOSED, [X + first * lb, count, Y, n, out + 8 * first * stride, stride]),
      );
    },
    addProduct(X, m, H, stride, n, Y) {
      split(
        m,
        n,
        (first, count) => wasm.addProduct(X + first * lb, count, H + 8 * first * stride, stride, n, Y, l),
        (w, first, count) => post(w, ADD_PRODUCT, [X + first * lb, count, H + 8 * first * stride, stride, n, Y]),
      );
    },
  };
}
