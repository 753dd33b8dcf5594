/**
 * The prefix-sum KHA and KHA-SMD updates (../update.ts) in hand-written WebAssembly f64x2 SIMD
 * (update.wat, assembled into updateWasm.generated.ts by scripts/build-wasm.js).
 *
 * One WebAssembly.Memory is sized up front, for a given (r, l, blockSize), to hold everything the
 * engine and the schedules allocate through `allocate` (A, A K', B, the row blocks, y, ρ) plus the
 * kernels' own scratch (the running l-vectors s, S, u, v and a few r-vectors). Its maximum equals its
 * initial size, so it can never grow, and the Float64Array views handed out stay valid for the
 * engine's life. `allocate` is a bump allocator (16-byte aligned) that throws once the arena is spent.
 *
 * Same formulas and the same order of the running sums as the JS kernels; the row norms (and the
 * SMD dot products) are summed in two SIMD lanes, so results agree with JS to rounding, not bit for bit.
 */
import type { KhaState } from '../state';
import type { SmdIterate, UpdateKernels } from '../update';
import { PAGE_BYTES, pagesFor, validates, webAssembly } from '../../webAssembly';
import { UPDATE_WASM_BASE64 } from './updateWasm.generated';

interface UpdateExports {
  dotRows(A: number, k: number, y: number, r: number, l: number): void;
  kha(A: number, k: number, y: number, eta: number, s: number, nA: number, r: number, l: number, p: number): void;
  khaAK(A: number, AK: number, k: number, y: number, eta: number, s: number, S: number, nA: number, nAK: number, r: number, l: number, p: number): void;
  smd(
    A: number, AK: number, B: number, rho: number, k: number, y: number, eta: number,
    w: number, z: number, nA: number, nAK: number,
    r: number, l: number, p: number, mu: number, xi: number,
  ): void;
}

const updateModuleBytes = (): Uint8Array => Buffer.from(UPDATE_WASM_BASE64, 'base64');

let compiled: object | null = null;
let supported: boolean | undefined;

/** Whether this runtime validates the update module (WebAssembly SIMD and bulk memory); checked once. */
export function isWasmUpdateSupported(): boolean {
  return (supported ??= validates(updateModuleBytes()));
}

/** Update kernels in WebAssembly, with `dotRows` (y = A k for every row) besides the interface. */
export interface WasmUpdateKernels extends UpdateKernels {
  /** y_i = A_i · k for i < r (A and k in this memory; y anywhere). */
  dotRows(A: Float64Array, k: Float64Array, y: Float64Array): void;
  /** float64 values `allocate` can still hand out */
  readonly remaining: number;
  /** bytes of the whole linear memory */
  readonly bytes: number;
}

/** float64 values of one allocation, rounded up so that every allocation starts 16-byte aligned */
const rounded = (n: number): number => n + (n & 1);

/** float64 values the engine and the schedules allocate for (r, l, blockSize), with room to spare for two r-vectors. */
export function arenaDoubles(r: number, l: number, blockSize: number): number {
  // A, A K', B (r × l each), two row blocks (blockSize × l each: one stepped through while the next
  // is fetched), y and ρ (r each), two spare r-vectors
  return 3 * rounded(r * l) + 2 * rounded(blockSize * l) + 4 * rounded(r);
}

/**
 * Update kernels for r components, l samples and row blocks of `blockSize` rows (the engine's
 * blockSize). `moduleBytes` replaces the committed module (benchmarks of variants of update.wat).
 */
export function wasmUpdateKernels(r: number, l: number, blockSize: number, moduleBytes?: Uint8Array): WasmUpdateKernels {
  for (const [name, value] of [['r', r], ['l', l], ['blockSize', blockSize]] as const)
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`wasmUpdateKernels: ${name} must be a positive integer, got ${value}`);
  if (!webAssembly) throw new Error('wasmUpdateKernels: this runtime has no WebAssembly');
  // Kernel scratch first: s, S (l each), w (SMD: s, u, v, S interleaved by column pair, 4·(l+1)),
  // then z, y, η, ‖A_i‖², ‖(A K')_i‖² (r each).
  const scratchDoubles = 2 * rounded(l) + 4 * (l + 1) + 5 * rounded(r);
  const capacity = arenaDoubles(r, l, blockSize);
  const totalBytes = (scratchDoubles + capacity) * 8;
  const pages = pagesFor(totalBytes);
  if (pages === null)
    throw new RangeError(`wasmUpdateKernels: ${(totalBytes / 2 ** 30).toFixed(2)} GiB for r = ${r}, l = ${l}, blockSize = ${blockSize} exceeds wasm32's 4 GiB`);
  const memory = new webAssembly.Memory({ initial: pages, maximum: pages });
  const module = moduleBytes ? new webAssembly.Module(moduleBytes) : (compiled ??= new webAssembly.Module(updateModuleBytes()));
  const wasm = new webAssembly.Instance(module, { env: { memory, exp: Math.exp } }).exports as UpdateExports;
  const buffer = memory.buffer;

  let next = 0; // bytes
  const take = (n: number): Float64Array => {
    const view = new Float64Array(buffer, next, n);
    next += rounded(n) * 8;
    return view;
  };
  const s = take(l);
  const S = take(l);
  const w = take(4 * (l + 1));
  const z = take(r);
  const yw = take(r);
  const etaw = take(r);
  const nA = take(r);
  const nAK = take(r);
  const arenaStart = next;
  const arenaEnd = arenaStart + capacity * 8;

  const inMemory = (view: Float64Array, what: string, length: number): number => {
    if (view.buffer !== buffer)
      throw new Error(`wasm update kernels: ${what} is not a view into this kernels' memory (allocate it with kernels.allocate)`);
    if (view.length < length) throw new RangeError(`wasm update kernels: ${what} has ${view.length} values, needs ${length}`);
    return view.byteOffset;
  };
  /** y in this memory is used in place; elsewhere it is copied in (r values) */
  const yPtr = (y: Float64Array): number => {
    if (y.buffer === buffer && y.length >= r) return y.byteOffset;
    yw.set(y.subarray(0, r));
    return yw.byteOffset;
  };
  const checkStep = (state: KhaState, p: number): void => {
    if (state.r !== r || state.l !== l)
      throw new RangeError(`wasm update kernels were sized for r = ${r}, l = ${l}, got a state with r = ${state.r}, l = ${state.l}`);
    if (!(Number.isInteger(p) && p >= 0 && p < l)) throw new RangeError(`wasm update kernels: sample index ${p} is not in [0, ${l})`);
  };

  return {
    allocate(length: number): Float64Array {
      if (!Number.isInteger(length) || length < 0) throw new RangeError(`allocate: length must be a non-negative integer, got ${length}`);
      if (next + length * 8 > arenaEnd)
        throw new RangeError(
          `wasm update kernels: allocate(${length}) exceeds the arena sized for r = ${r}, l = ${l}, blockSize = ${blockSize} ` +
            `(${(arenaEnd - next) / 8} of ${capacity} float64 values left); the memory cannot grow once views exist`,
        );
      return take(length); // zeroed: fresh wasm memory, never handed out twice
    },

    get remaining() {
      return Math.max(0, (arenaEnd - next) / 8);
    },
    bytes: pages * PAGE_BYTES,

    dotRows(A, k, y) {
      wasm.dotRows(inMemory(A, 'A', r * l), inMemory(k, 'k', l), yw.byteOffset, r, l);
      y.set(yw);
    },

    kha(state, p, k, y, eta) {
      checkStep(state, p);
      const kp = inMemory(k, 'k', l);
      const yp = yPtr(y);
      etaw.set(eta.subarray(0, r));
      const A = inMemory(state.A, 'A', r * l);
      if (state.AK) {
        wasm.khaAK(A, inMemory(state.AK, 'AK', r * l), kp, yp, etaw.byteOffset, s.byteOffset, S.byteOffset, nA.byteOffset, nAK.byteOffset, r, l, p);
        state.normAK2.set(nAK);
      } else {
        wasm.kha(A, kp, yp, etaw.byteOffset, s.byteOffset, nA.byteOffset, r, l, p);
      }
      state.normA2.set(nA);
    },

    smd(state, smd: SmdIterate, p, k, y, eta, mu, xi) {
      checkStep(state, p);
      if (!state.AK) throw new Error('wasm update kernels: smd needs A K');
      const kp = inMemory(k, 'k', l);
      const yp = yPtr(y);
      etaw.set(eta.subarray(0, r));
      wasm.smd(
        inMemory(state.A, 'A', r * l), inMemory(state.AK, 'AK', r * l), inMemory(smd.B, 'B', r * l), inMemory(smd.rho, 'rho', r),
        kp, yp, etaw.byteOffset, w.byteOffset, z.byteOffset, nA.byteOffset, nAK.byteOffset,
        r, l, p, mu, xi,
      );
      state.normA2.set(nA);
      state.normAK2.set(nAK);
    },
  };
}
