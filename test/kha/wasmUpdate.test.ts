/** The WebAssembly sweeps of the factored update compute what the JS sweeps compute. */
import { jsBlockProducts } from '../../src/kha/ops/blocked';
import { jsFactoredSweeps } from '../../src/kha/ops/factored';
import { UPDATE_WASM_HEX } from '../../src/kha/wasm/updateWasm.generated';
import { arenaDoubles, isWasmUpdateSupported, wasmFactoredSweeps } from '../../src/kha/wasm/wasmUpdate';
import { Rng } from '../../src/linalg/rng';
import { relativeMaxError } from '../helpers/problems';

// scripts/build-wasm.js is plain JavaScript without type declarations: required, and typed here.
const { assemble } = require('../../scripts/build-wasm.js') as { assemble: (name: string) => Promise<Uint8Array> };

test('updateWasm.generated.ts is up to date with update.wat (else run node scripts/build-wasm.js)', async () => {
  expect(Buffer.from(await assemble('update')).toString('hex')).toBe(UPDATE_WASM_HEX);
});

test('the update module validates on this runtime (WebAssembly SIMD)', () => {
  expect(isWasmUpdateSupported()).toBe(true);
});

describe('wasm sweeps, direct calls', () => {
  const r = 5;
  // l mod 4 = 1, 2, 3, 0 and the two-row, four-column and tail paths
  test.each([1, 2, 3, 4, 5, 9, 30])('dotRows, dotAxpyRows and fold agree with the JS sweeps for l = %i', (l) => {
    const rng = new Rng(l);
    const wasm = wasmFactoredSweeps(r, l, 2);
    const js = jsFactoredSweeps(r, l);
    const filled = (n: number, scale = 1) => {
      const view = wasm.allocate(n);
      for (let i = 0; i < n; i++) view[i] = rng.normal() * scale;
      return view;
    };
    const lower = () => {
      const M = filled(r * r, 0.3);
      for (let i = 0; i < r; i++) {
        M[i * r + i] += 1;
        for (let q = i + 1; q < r; q++) M[i * r + q] = 0;
      }
      return M;
    };
    const [C, CK, D, k, delta] = [filled(r * l), filled(r * l), filled(r * l), filled(l), filled(r)];
    const [G, F, E] = [lower(), filled(r * r, 0.3), lower()];
    const copies = [C, CK, D].map((X) => Float64Array.from(X));

    const [yw, yj] = [new Float64Array(r), new Float64Array(r)];
    wasm.dotRows(C, k, yw);
    js.dotRows(copies[0], k, yj);
    expect(relativeMaxError(yw, yj)).toBeLessThan(1e-14);

    const [hw, hj] = [new Float64Array(r), new Float64Array(r)];
    wasm.dotAxpyRows(CK, k, delta, hw);
    js.dotAxpyRows(copies[1], k, delta, hj);
    expect(relativeMaxError(hw, hj)).toBeLessThan(1e-14);
    expect(relativeMaxError(CK, copies[1])).toBeLessThan(1e-15);

    wasm.fold(C, CK, D, G, F, E);
    js.fold(copies[0], copies[1], copies[2], G, F, E);
    [C, CK, D].forEach((X, i) => expect(relativeMaxError(X, copies[i])).toBeLessThan(1e-14));
    // absent CK and D are left alone
    const before = Float64Array.from(CK);
    wasm.fold(C, null, null, G, F, E);
    expect(Array.from(CK)).toEqual(Array.from(before));
  });

  test('the fold equals explicit products: D ← E D + F C, C ← G C, CK ← G CK', () => {
    const [r2, l] = [3, 6];
    const wasm = wasmFactoredSweeps(r2, l, 1);
    const set = (values: number[]) => {
      const view = wasm.allocate(values.length);
      view.set(values);
      return view;
    };
    const C = set([1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 0, 1, 2, 2, 2, 2, 2, 2]);
    const D = set([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0]);
    const G = set([2, 0, 0, 1, 1, 0, 0, 1, -1]);
    const E = set([1, 0, 0, 0, 1, 0, 1, 1, 1]);
    const F = set([0, 0, 0, 1, 0, 0, 0, 0, 1]);
    wasm.fold(C, null, D, G, F, E);
    // by hand: G C rows: 2·C0; C0 + C1; C1 − C2.  E D + F C: D0; D1 + C0; D0 + D1 + D2 + C2
    expect(Array.from(C)).toEqual([2, 4, 6, 8, 10, 12, 1, 3, 3, 5, 5, 7, -2, -1, -2, -1, -2, -1]);
    expect(Array.from(D)).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 4, 3, 4, 3, 4, 3]);
  });

  test('allocate beyond the arena throws, and the views already handed out stay valid', () => {
    const [rr, l, blockSize] = [4, 11, 3];
    const sweeps = wasmFactoredSweeps(rr, l, blockSize);
    expect(sweeps.remaining).toBe(arenaDoubles(rr, l, blockSize));
    const A = sweeps.allocate(rr * l);
    A.fill(2);
    sweeps.allocate(rr * l);
    sweeps.allocate(rr * l);
    sweeps.allocate(blockSize * l);
    sweeps.allocate(blockSize * l);
    expect(() => sweeps.allocate(sweeps.remaining + 1)).toThrow(/exceeds the arena/);
    // what an SMD engine and the factored ops allocate besides: ρ, G, F, E, five r-vectors and two spare
    sweeps.allocate(rr);
    for (let i = 0; i < 3; i++) sweeps.allocate(rr * rr);
    for (let i = 0; i < 7; i++) sweeps.allocate(rr);
    // and the blocked form: seven r × blockSize, one blockSize × blockSize
    for (let i = 0; i < 7; i++) sweeps.allocate(rr * blockSize);
    sweeps.allocate(blockSize * blockSize);
    // and the exact A K′ products: a copy of X (r × l), its output (r × blockSize)
    sweeps.allocate(rr * l);
    sweeps.allocate(rr * blockSize);
    expect(sweeps.remaining).toBe(0);
    expect(() => sweeps.allocate(1)).toThrow(/exceeds the arena/);
    expect(A.length).toBe(rr * l);
    expect(A.every((x: number) => x === 2)).toBe(true);
  });

  test('views that are not in the sweeps memory are refused', () => {
    const l = 8;
    const sweeps = wasmFactoredSweeps(r, l, 1);
    const own = sweeps.allocate(r * l);
    const k = sweeps.allocate(l);
    expect(() => sweeps.dotRows(new Float64Array(r * l), k, new Float64Array(r))).toThrow(/X is not a view/);
    expect(() => sweeps.dotRows(own, new Float64Array(l), new Float64Array(r))).toThrow(/k is not a view/);
    expect(() => sweeps.dotAxpyRows(own, k, new Float64Array(r), new Float64Array(r))).toThrow(/δ is not a view/);
    expect(() => wasmFactoredSweeps(2, 5, 0)).toThrow(RangeError);
  });
});

describe('block products, direct calls', () => {
  // m, n odd and even (the two-row and four-row register blocks and what is left), l odd and even
  test.each([
    [1, 1, 1],
    [2, 3, 2],
    [3, 4, 5],
    [5, 7, 8],
    [4, 9, 11],
  ])('timesTransposed and addProduct, wasm and JS, equal their definitions (m = %i, n = %i, l = %i)', (m, n, l) => {
    const rng = new Rng(m * 100 + n * 10 + l);
    const wasm = wasmFactoredSweeps(Math.max(m, n), l, Math.max(m, n));
    const filled = (length: number) => {
      const view = wasm.allocate(length);
      for (let i = 0; i < length; i++) view[i] = rng.normal();
      return view;
    };
    const stride = n + 2;
    const [X, Y, H] = [filled(m * l), filled(n * l), filled(m * stride)];
    const product = new Float64Array(m * n);
    const updated = Float64Array.from(X);
    for (let i = 0; i < m; i++)
      for (let b = 0; b < n; b++)
        for (let j = 0; j < l; j++) {
          product[i * n + b] += X[i * l + j] * Y[b * l + j];
          updated[i * l + j] += H[i * stride + b] * Y[b * l + j];
        }
    for (const products of [wasm.products, jsBlockProducts(l)]) {
      const out = wasm.allocate(m * n + 1).fill(NaN);
      products.timesTransposed(X, m, Y, n, out);
      expect(relativeMaxError(out.subarray(0, m * n), product)).toBeLessThan(1e-13);
      expect(out[m * n]).toBeNaN(); // nothing written past the end
      const Xc = wasm.allocate(m * l);
      Xc.set(X);
      products.addProduct(Xc, m, H, stride, n, Y);
      expect(relativeMaxError(Xc, updated)).toBeLessThan(1e-13);
    }
  });
});
