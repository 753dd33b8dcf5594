/**
 * Hand-written WebAssembly SIMD backend (wasm/dots.wat): f32x4 dot products over d with four block
 * rows sharing each x_j load, X copied into wasm memory once; the kernel formula (exp for the
 * Gaussian) is applied afterwards in float64 JS by the kernel's own `fromDots`.
 * Accuracy: f32 inputs and f32 accumulation, about 1e-7 relative to ‖x‖‖z‖ per dot product.
 */
import type { GramBackend } from './backend';
import { squaredNorms } from './blockDots';
import type { KernelImpl } from './kernelImpl';
import { checkBlock, columnMeans, gatherRows, packF32 } from './points';
import { DOTS_WASM_BASE64 } from './wasm/dotsWasm.generated';

/** rows per call of the wasm kernel: bounds its scratch memory */
const BLOCK_ROWS = 64;
const PAGE_BYTES = 65536;

/** The part of the WebAssembly JS API used here (this project's TS libs do not declare it). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

interface DotsExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  dots(x: number, l: number, z: number, m: number, dv: number, out: number): void;
}

const dotsModuleBytes = (): Uint8Array => Buffer.from(DOTS_WASM_BASE64, 'base64');

/** Whether this runtime validates the module, i.e. supports WebAssembly SIMD. */
export function isWasmSimdSupported(): boolean {
  return webAssembly !== undefined && webAssembly.validate(dotsModuleBytes());
}

export class WasmBackend implements GramBackend {
  readonly name = 'wasm';
  readonly precision = 'f32';
  /** byte offsets of X (l rows), the Z block (BLOCK_ROWS rows) and the output (BLOCK_ROWS × l f32) */
  private readonly zPtr: number;
  private readonly outPtr: number;
  /** f32 row length, d rounded up to a multiple of 4 */
  private readonly stride: number;
  /** subtracted from every point before rounding to f32 when k is translation invariant */
  private readonly shift: Float64Array | null;
  /** ‖x_j − shift‖² of the f32 values the dot products see, so the norm form stays consistent */
  private readonly xNorms: Float64Array;

  private constructor(
    private readonly impl: KernelImpl,
    private readonly wasm: DotsExports,
    private readonly X: Float64Array,
    readonly l: number,
    readonly d: number,
  ) {
    this.stride = Math.ceil(d / 4) * 4;
    const rowBytes = this.stride * 4;
    this.zPtr = l * rowBytes;
    this.outPtr = this.zPtr + BLOCK_ROWS * rowBytes;
    const bytes = this.outPtr + BLOCK_ROWS * l * 4;
    wasm.memory.grow(Math.max(0, Math.ceil(bytes / PAGE_BYTES) - wasm.memory.buffer.byteLength / PAGE_BYTES));
    this.shift = impl.translationInvariant ? columnMeans(X, l, d) : null;
    const xF32 = new Float32Array(wasm.memory.buffer, 0, l * this.stride);
    packF32(X, l, d, this.shift, xF32, this.stride);
    this.xNorms = squaredNorms(xF32, l, this.stride);
  }

  static async create(impl: KernelImpl, X: Float64Array, l: number, d: number): Promise<WasmBackend> {
    const { instance } = await webAssembly!.instantiate(dotsModuleBytes());
    return new WasmBackend(impl, instance.exports as unknown as DotsExports, X, l, d);
  }

  async cross(Z: Float64Array, m: number, out: Float64Array): Promise<void> {
    checkBlock(out, m, this.l);
    for (let b0 = 0; b0 < m; b0 += BLOCK_ROWS) this.crossBlock(Z, b0, Math.min(BLOCK_ROWS, m - b0), out);
  }

  async rows(indices: ArrayLike<number>, out: Float64Array): Promise<void> {
    await this.cross(gatherRows(this.X, this.d, indices), indices.length, out);
  }

  async dispose(): Promise<void> {
    // the instance and its memory are garbage collected
  }

  /** Rows b0 .. b0+count of Z (count ≤ BLOCK_ROWS) into the same rows of out. */
  private crossBlock(Z: Float64Array, b0: number, count: number, out: Float64Array): void {
    const { l, d, stride } = this;
    const count4 = Math.ceil(count / 4) * 4;
    // views are made per call: memory.grow elsewhere would detach older ones
    const zF32 = new Float32Array(this.wasm.memory.buffer, this.zPtr, count4 * stride);
    zF32.fill(0);
    packF32(Z.subarray(b0 * d, (b0 + count) * d), count, d, this.shift, zF32, stride);
    this.wasm.dots(0, l, this.zPtr, count4, stride / 4, this.outPtr);
    const block = out.subarray(b0 * l, (b0 + count) * l);
    block.set(new Float32Array(this.wasm.memory.buffer, this.outPtr, count * l));
    this.impl.fromDots(block, count, l, squaredNorms(zF32, count, stride), this.xNorms);
  }
}
