import { loadDataset } from '../../src/data/load';
import { datasetHash } from '../../src/data/hash';

/** Per-digit counts of the 10,000 digits in the mnist package (counted once from the package's data). */
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('mnist:N built-in', () => {
  test('shape, labels and pixel range', async () => {
    const ds = await loadDataset('mnist:500');
    expect([ds.l, ds.d]).toEqual([500, 784]);
    expect(ds.source).toBe('mnist:500');
    expect(ds.featureNames[0]).toBe('r1c1');
    expect(ds.featureNames[783]).toBe('r28c28');
    expect(ds.labels).toHaveLength(500);
    expect(new Set(ds.labels)).toEqual(new Set(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']));
    expect(ds.X.reduce((a, b) => Math.min(a, b))).toBe(0);
    expect(ds.X.reduce((a, b) => Math.max(a, b))).toBe(1);
  });

  test('all 10,000 digits: the package class counts', async () => {
    const ds = await loadDataset('mnist:10000');
    const counts = new Array<number>(10).fill(0);
    for (const label of ds.labels as string[]) counts[Number(label)]++;
    expect(counts).toEqual(PACKAGE_COUNTS);
  });

  test('deterministic, and mnist:N is a prefix of mnist:M for N < M', async () => {
    const a = await loadDataset('mnist:300');
    const b = await loadDataset('mnist:300');
    expect(datasetHash(a)).toBe(datasetHash(b));
    const c = await loadDataset('mnist:1000');
    expect(Array.from(c.X.subarray(0, 300 * 784))).toEqual(Array.from(a.X));
    expect(c.labels?.slice(0, 300)).toEqual(a.labels);
    // a shuffle, not the package order (which is all zeros first)
    expect(new Set(a.labels?.slice(0, 50)).size).toBeGreaterThan(5);
  });

  test(':14 averages 2×2 blocks', async () => {
    const full = await loadDataset('mnist:20');
    const small = await loadDataset('mnist:20:14');
    expect([small.l, small.d]).toEqual([20, 196]);
    expect(small.labels).toEqual(full.labels);
    expect(small.source).toBe('mnist:20:14');
    for (const [i, r, c] of [
      [0, 7, 7],
      [19, 10, 3],
      [5, 0, 13],
    ]) {
      const px = (rr: number, cc: number) => full.X[i * 784 + rr * 28 + cc];
      const expected = (px(2 * r, 2 * c) + px(2 * r, 2 * c + 1) + px(2 * r + 1, 2 * c) + px(2 * r + 1, 2 * c + 1)) / 4;
      expect(small.X[i * 196 + r * 14 + c]).toBe(expected);
    }
  });
});

describe('mnist-shifted (scale tests)', () => {
  test('copies 2..6 are the first 10,000 digits moved by one pixel; labels follow', async () => {
    const { loadDataset } = await import('../../src/data/load');
    const base = await loadDataset('mnist:3');
    const shifted = await loadDataset('mnist-shifted:60000');
    expect(shifted.l).toBe(60000);
    expect(shifted.d).toBe(784);
    // copy 2 (index 10000 + i) is digit i shifted one column right: pixel (r, c) = original (r, c − 1)
    for (let i = 0; i < 3; i++) {
      expect(shifted.labels?.[10000 + i]).toBe(base.labels?.[i]);
      for (let r = 0; r < 28; r++)
        for (let c = 1; c < 28; c++)
          expect(shifted.X[(10000 + i) * 784 + r * 28 + c]).toBe(base.X[i * 784 + r * 28 + c - 1]);
      expect(shifted.X[(10000 + i) * 784 + 5 * 28]).toBe(0);
      expect(Array.from(shifted.X.subarray(i * 784, (i + 1) * 784))).toEqual(
        Array.from(base.X.subarray(i * 784, (i + 1) * 784)),
      );
    }
  });
  test('N beyond 60,000 is refused', async () => {
    const { loadDataset } = await import('../../src/data/load');
    await expect(loadDataset('mnist-shifted:60001')).rejects.toThrow(/has 60000 digits/);
  });
});
