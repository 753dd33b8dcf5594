/**
 * The r × l sweeps of the factored update (../ops/factored) in hand-written WebAssembly f64x2 SIMD
 * (update.wat, assembled into updateWasm.generated.ts by scripts/build-wasm.js).
 *
 * One WebAssembly.Memory is sized up front, for a given (r, l, blockSize), to hold everything the
 * engine, the schedules and the factored ops allocate through `allocate` (A, A K', B, the row
 * blocks, y, ρ, the r × r factors and their r-vectors). Its maximum equals its initial size, so it
 * can never grow, and the Float64Array views handed out stay valid for the engine's life. `allocate`
 * is a bump allocator (16-byte aligned) that throws once the arena is spent.
 */
import type { BlockProducts } from '../ops/blocked';
import { foldColumns, type FactoredSweeps } from '../ops/factored';
import { PAGE_BYTES, pagesFor, validates, webAssembly } from '../../webAssembly';
import { threadedProducts } from './productThreads';
import { UPDATE_WASM_HEX } from './updateWasm.generated';

interface UpdateExports {
  dotRows(X: number, k: number, y: number, r: number, l: number): void;
  dotAxpyRows(X: number, k: number, delta: number, h: number, r: number, l: number): void;
  fold(C: number, CK: number, D: number, G: number, F: number, E: number, r: number, l: number, quads: number): void;
  timesTransposed(X: number, m: number, Y: number, n: number, out: number, stride: number, l: number): void;
  addProduct(X: number, m: number, H: number, stride: number, n: number, Y: number, l: number): void;
}

const updateModuleBytes = (): Uint8Array => Buffer.from(UPDATE_WASM_HEX, 'hex');

let compiled: object | null = null;
let supported: boolean | undefined;

/** Whether this runtime validates the update module (WebAssembly SIMD); checked once. */
export function isWasmUpdateSupported(): boolean {
  return (supported ??= validates(updateModuleBytes()));
}

/** The sweeps in WebAssembly, and how much of their memory is left. */
export interface WasmFactoredSweeps extends FactoredSweeps {
  /** float64 values `allocate` can still hand out */
  readonly remaining: number;
  /** bytes of the whole linear memory */
  readonly bytes: number;
  /** the blocked form's products, on the same memory */
  readonly products: BlockProducts;
}

/** float64 values of one allocation, rounded up so that every allocation starts 16-byte aligned */
const rounded = (n: number): number => n + (n & 1);

/** SMD's arrays besides A: A K′, B (r × l each) and ρ; what an arena holds when not told otherwise. */
const smdArrays = (r: number, l: number): number[] => [r * l, r * l, r];

/**
 * float64 values the engine, the schedules and the factored ops allocate for (r, l, blockSize);
 * `kept`: the lengths of the arrays the schedule keeps besides A (`keptArrays`: A K′, its own iterate).
 */
export function arenaDoubles(r: number, l: number, blockSize: number, kept = smdArrays(r, l)): number {
  // A and the schedule's arrays, two row blocks (blockSize × l each: one stepped through while the
  // next is fetched), two spare r-vectors; the factors G, F, E (r × r each) and the five r-vectors
  // of a step; the blocked form's products and step changes (seven r × blockSize, one blockSize × blockSize)
  return (
    rounded(r * l) +
    kept.reduce((sum, n) => sum + rounded(n), 0) +
    2 * rounded(blockSize * l) +
    2 * rounded(r) +
    3 * rounded(r * r) +
    5 * rounded(r) +
    7 * rounded(r * blockSize) +
    rounded(blockSize * blockSize) +
    // timesRows' copy of X (r × l) and its output (r × blockSize)
    rounded(r * l) +
    rounded(r * blockSize)
  );
}

/**
 * The sweeps for r components, l samples and row blocks of `blockSize` rows (the engine's blockSize);
 * the blocked form's products on `threads` threads (this one and threads − 1 workers); `kept`: as in
 * `arenaDoubles` (default SMD's, the most any schedule keeps).
 */
export function wasmFactoredSweeps(
  r: number,
  l: number,
  blockSize: number,
  threads = 1,
  kept = smdArrays(r, l),
): WasmFactoredSweeps {
  for (const [name, value] of [
    ['r', r],
    ['l', l],
    ['blockSize', blockSize],
    ['threads', threads],
  ] as const)
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`wasmFactoredSweeps: ${name} must be a positive integer, got ${value}`);
  if (!webAssembly) throw new Error('wasmFactoredSweeps: this runtime has no WebAssembly');
  // The sweeps' own r-vector (their output) comes first, so no matrix ever sits at offset 0, which
  // the fold reads as "absent".
  const capacity = arenaDoubles(r, l, blockSize, kept);
  const totalBytes = (rounded(r) + capacity) * 8;
  const pages = pagesFor(totalBytes);
  if (pages === null)
    throw new RangeError(
      `wasmFactoredSweeps: ${(totalBytes / 2 ** 30).toFixed(2)} GiB for r = ${r}, l = ${l}, blockSize = ${blockSize} exceeds wasm32's 4 GiB`,
    );
  const memory = new webAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const module = (compiled ??= new webAssembly.Module(updateModuleBytes()));
  const wasm = new webAssembly.Instance(module, { env: { memory } }).exports as UpdateExports;
  const products = threadedProducts(wasm, module, memory, l, threads);
  const buffer = memory.buffer;

  const out = new Float64Array(buffer, 0, r);
  let next = rounded(r) * 8; // bytes
  const arenaEnd = next + capacity * 8;
  const inMemory = (view: Float64Array, what: string, length: number): number => {
    if (view.buffer !== buffer)
      throw new Error(`wasm sweeps: ${what} is not a view into their memory (allocate it with ops.allocate)`);
    if (view.length < length) throw new RangeError(`wasm sweeps: ${what} has ${view.length} values, needs ${length}`);
    return view.byteOffset;
  };
  const quads = l >> 2;

  return {
    allocate(length: number): Float64Array {
      if (!Number.isInteger(length) || length < 0)
        throw new RangeError(`allocate: length must be a non-negative integer, got ${length}`);
      if (next + length * 8 > arenaEnd)
        throw new RangeError(
          `wasm sweeps: allocate(${length}) exceeds the arena sized for r = ${r}, l = ${l}, blockSize = ${blockSize} ` +
            `(${(arenaEnd - next) / 8} of ${capacity} float64 values left); the memory cannot grow once views exist`,
        );
      const view = new Float64Array(buffer, next, length); // zeroed: fresh wasm memory, never handed out twice
      next += rounded(length) * 8;
      return view;
    },
    get remaining() {
      return Math.max(0, (arenaEnd - next) / 8);
    },
    bytes: pages * PAGE_BYTES,

    dotRows(X, k, y) {
      wasm.dotRows(inMemory(X, 'X', r * l), inMemory(k, 'k', l), out.byteOffset, r, l);
      y.set(out);
    },
    dotAxpyRows(X, k, delta, h) {
      wasm.dotAxpyRows(inMemory(X, 'X', r * l), inMemory(k, 'k', l), inMemory(delta, 'δ', r), out.byteOffset, r, l);
      h.set(out);
    },
    fold(C, CK, D, G, F, E) {
      wasm.fold(
        inMemory(C, 'C', r * l),
        CK ? inMemory(CK, 'CK', r * l) : 0,
        D ? inMemory(D, 'D', r * l) : 0,
        inMemory(G, 'G', r * r),
        inMemory(F, 'F', r * r),
        inMemory(E, 'E', r * r),
        r,
        l,
        quads,
      );
      // the last l mod 4 columns (the wasm fold takes four at a time)
      foldColumns(C, CK, D, G, F, E, r, l, 4 * quads, l);
    },
    products: {
      timesTransposed(X, m, Y, n, out, stride = n) {
        if (m > 0 && n > 0)
          products.timesTransposed(
            inMemory(X, 'X', m * l),
            m,
            inMemory(Y, 'Y', n * l),
            n,
            inMemory(out, 'out', (m - 1) * stride + n),
            stride,
            l,
          );
      },
      addProduct(X, m, H, stride, n, Y) {
        if (m > 0 && n > 0)
          products.addProduct(
            inMemory(X, 'X', m * l),
            m,
            inMemory(H, 'H', (m - 1) * stride + n),
            stride,
            n,
            inMemory(Y, 'Y', n * l),
            l,
          );
      },
    },
  };
}
