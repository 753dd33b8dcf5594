/** The committed wasm module is the assembled dots.wat, and the runtime accepts it. */
import { isWasmSimdSupported } from '../../src/kernels/wasmBackend';
import { DOTS_WASM_HEX } from '../../src/kernels/wasm/dotsWasm.generated';

// scripts/build-wasm.js is plain JavaScript without type declarations: required, and typed here.
const { assemble } = require('../../scripts/build-wasm.js') as { assemble: (name: string) => Promise<Uint8Array> };

test('dotsWasm.generated.ts is up to date with dots.wat (else run node scripts/build-wasm.js)', async () => {
  expect(Buffer.from(await assemble('dots')).toString('hex')).toBe(DOTS_WASM_HEX);
});

test('WebAssembly SIMD validates on this runtime', () => {
  expect(isWasmSimdSupported()).toBe(true);
});
