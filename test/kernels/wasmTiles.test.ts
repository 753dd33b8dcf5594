/**
 * The wasm backend's register-blocked kernel (dots.wat: tiles of 4 block rows × 8 training points,
 * X in panels of 8) at sizes that are not multiples of its tile: every value against the naive
 * float64 loop, so a misplaced panel, a padding row read as data or a lost remainder column fails.
 */
import { createGramBackend, type KernelSpec } from '../../src/kernels';
import { packPanels } from '../../src/kernels/wasmBackend';
import { maxAbsDiff, naiveBlock, randomPoints, tolerance } from './naiveKernel';

const kernels = (d: number): KernelSpec[] => [
  { type: 'gaussian', gamma: 1.5 / d },
  { type: 'polynomial', degree: 2, coef0: 0.5 },
  { type: 'linear' },
];

describe.each([
  { l: 1, d: 1 },
  { l: 9, d: 3 },
  { l: 17, d: 1 },
  { l: 203, d: 3 },
  { l: 61, d: 784 },
])('l=$l, d=$d', ({ l, d }) => {
  const X = randomPoints(l * 3 + d, l, d, 0.25);
  const Z = randomPoints(l * 5 + d, 70, d, 0.25);

  test.each(kernels(d))(
    '$type kernel: blocks of 1, 3, 5, 70 rows on 1 and 2 threads match the float64 loop',
    async (kernel) => {
      for (const threads of [1, 2]) {
        const backend = await createGramBackend('wasm', kernel, X, l, d, { threads });
        try {
          for (const m of [1, 3, 5, 70]) {
            const out = new Float64Array(m * l).fill(NaN);
            await backend.cross(Z, m, out);
            const zBlock = Z.subarray(0, m * d);
            const error = maxAbsDiff(out, naiveBlock(kernel, X, l, zBlock, m, d));
            expect(error).toBeLessThanOrEqual(tolerance(backend, kernel, X, zBlock, d));
          }
        } finally {
          await backend.dispose();
        }
      }
    },
  );
});

test('packPanels: row i, value t at (⌊i/w⌋·d + t)·w + i mod w, zero rows up to a multiple of w, f32 norms', () => {
  const [n, d, w] = [5, 3, 4];
  const src = Float64Array.from({ length: n * d }, (_, k) => 1 + k / 3);
  const shift = Float64Array.of(0.5, 0, -1);
  const dst = new Float32Array(2 * w * d).fill(NaN);
  const norms = new Float64Array(n);
  packPanels(src, n, d, shift, dst, w, norms);
  for (let i = 0; i < 2 * w; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = i < n ? Math.fround(src[i * d + t] - shift[t]) : 0;
      expect(dst[(Math.floor(i / w) * d + t) * w + (i % w)]).toBe(v);
      s += v * v;
    }
    if (i < n) expect(norms[i]).toBe(s);
  }
});
