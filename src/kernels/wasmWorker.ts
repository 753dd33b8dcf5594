/**
 * What each executor of the wasm Gram backend (wasmBackend.ts) runs on its slot of the shared
 * memory, as plain JavaScript source text. Worker threads run it with
 * `new Worker(WORKER_SOURCE, { eval: true })`, which needs no file, so it works from dist/ and from
 * the TypeScript sources under ts-jest alike; the in-thread path (threads = 1) compiles the same
 * text. Every executor thus runs the same instructions: Gram values do not depend on the thread count.
 */
import type { FromDots } from './kernelImpl';

/** Byte offsets into the shared memory (all 16-byte aligned) and the sizes one executor works with. */
export interface Slot {
  /** X in `panels` panels of 8 points (dots.wat), zero points past l; shared by all slots */
  readonly x: number;
  readonly l: number;
  readonly d: number;
  readonly panels: number;
  /** ‖x_j − shift‖² as f64 (l values); shared by all slots */
  readonly xNorms: number;
  /** this slot's rows of Z as f32 in groups of 4 (dots.wat), zero rows up to a multiple of 4, and their squared norms (f64) */
  readonly z: number;
  readonly zNorms: number;
  /** the f32 dot products, count rows of 8·panels; then the f64 kernel values, count × l */
  readonly dots: number;
  readonly out: number;
}

export interface DotsExports {
  dots(x: number, panels: number, z: number, groups: number, d: number, out: number, rowBytes: number): void;
}

/** Kernel values of the slot's `count` rows of Z into its out region. */
const COMPUTE_SLOT = `function (wasm, buffer, slot, count, fromDots) {
  const l = slot.l, lp = slot.panels * 8;
  wasm.dots(slot.x, slot.panels, slot.z, Math.ceil(count / 4), slot.d, slot.dots, lp * 4);
  const dots = new Float32Array(buffer, slot.dots, count * lp);
  const out = new Float64Array(buffer, slot.out, count * l);
  for (let b = 0; b < count; b++) out.set(dots.subarray(b * lp, b * lp + l), b * l);
  fromDots(out, count, l, new Float64Array(buffer, slot.zNorms, count), new Float64Array(buffer, slot.xNorms, l));
}`;

type ComputeSlot = (wasm: DotsExports, buffer: ArrayBufferLike, slot: Slot, count: number, fromDots: FromDots) => void;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- our own source text, shared with the worker threads
export const computeSlot = (new Function(`return ${COMPUTE_SLOT}`) as () => ComputeSlot)();

/**
 * workerData: { memory (the shared WebAssembly.Memory), dotsModule (the compiled dots.wat), slot,
 * fromDotsSource and constants (the kernel's, see KernelImpl) }. It answers null once ready; then,
 * for each message (a row count), null when the slot holds the kernel values, or an error's text.
 */
export const WORKER_SOURCE = `'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { memory, dotsModule, slot, fromDotsSource, constants } = workerData;
const wasm = new WebAssembly.Instance(dotsModule, { env: { memory } }).exports;
const buffer = memory.buffer;
const fromDots = new Function('return ' + fromDotsSource)()(constants);
const computeSlot = ${COMPUTE_SLOT};
parentPort.on('message', (count) => {
  try {
    computeSlot(wasm, buffer, slot, count, fromDots);
    parentPort.postMessage(null);
  } catch (e) {
    parentPort.postMessage(String((e && e.stack) || e));
  }
});
parentPort.postMessage(null);
`;
