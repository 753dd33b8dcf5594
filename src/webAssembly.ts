/**
 * The part of the WebAssembly JS API this project uses (its TypeScript libs do not declare it),
 * shared by its two modules: the Gram-row dot products (kernels/wasm) and the KHA updates
 * (kha/wasm). Both size their memory once and never grow it, so views into it stay valid.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}

interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** undefined where the runtime has no WebAssembly */
export const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

export const PAGE_BYTES = 65536;
/** wasm32 addresses: 4 GiB, i.e. 65536 pages */
const MAX_PAGES = 65536;

/** Pages holding `bytes`, or null when they exceed wasm32's 4 GiB. */
export function pagesFor(bytes: number): number | null {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  return pages > MAX_PAGES ? null : pages;
}

/** Whether this runtime validates a module (SIMD, shared memory: whatever features it uses). */
export function validates(bytes: Uint8Array): boolean {
  try {
    return webAssembly !== undefined && webAssembly.validate(bytes);
  } catch {
    return false;
  }
}
