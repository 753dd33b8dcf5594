import { clusteringScores } from '../../src/eval/clustering';
import { kmeans, kmeansPlusPlus } from '../../src/eval/kmeans';
import { Rng } from '../../src/linalg/rng';

/** Gaussian blobs (σ = 1) around centers spaced `spacing` apart along the diagonal directions. */
function blobs(
  sizes: number[],
  dim: number,
  spacing: number,
  seed: number,
): { points: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const points = new Float64Array(n * dim);
  const labels = new Int32Array(n);
  let p = 0;
  sizes.forEach((size, c) => {
    for (let s = 0; s < size; s++, p++) {
      labels[p] = c;
      for (let j = 0; j < dim; j++)
        points[p * dim + j] = (j === c % dim ? spacing * (1 + Math.floor(c / dim)) : 0) + rng.normal();
    }
  });
  return { points, labels };
}

describe('kmeans', () => {
  const dim = 3;
  const sizes = [80, 120, 60, 100, 40];
  const { points, labels } = blobs(sizes, dim, 20, 1);
  const n = labels.length;

  test('recovers well-separated clusters exactly', () => {
    const res = kmeans(points, n, dim, 5, { restarts: 4, seed: 1 });
    expect(clusteringScores(labels, res.assignments).adjustedRandIndex).toBe(1);
    expect(res.assignments.length).toBe(n);
    expect(res.centroids.length).toBe(5 * dim);
  });

  test('centroids are the means of their clusters and inertia is Σ‖x − c‖²', () => {
    const res = kmeans(points, n, dim, 5, { restarts: 2, seed: 7 });
    const sums = new Float64Array(5 * dim);
    const counts = new Float64Array(5);
    let inertia = 0;
    for (let p = 0; p < n; p++) {
      const c = res.assignments[p];
      counts[c]++;
      for (let j = 0; j < dim; j++) {
        sums[c * dim + j] += points[p * dim + j];
        inertia += (points[p * dim + j] - res.centroids[c * dim + j]) ** 2;
      }
    }
    for (let c = 0; c < 5; c++)
      for (let j = 0; j < dim; j++) expect(res.centroids[c * dim + j]).toBeCloseTo(sums[c * dim + j] / counts[c], 12);
    expect(res.inertia).toBeCloseTo(inertia, 9);
    // about n·dim·σ² for unit-variance blobs
    expect(res.inertia / (n * dim)).toBeGreaterThan(0.8);
    expect(res.inertia / (n * dim)).toBeLessThan(1.2);
  });

  test('deterministic for a seed; the seed matters', () => {
    const noisy = blobs([50, 50, 50, 50], 2, 2.5, 3); // overlapping: many local optima
    const a = kmeans(noisy.points, 200, 2, 6, { restarts: 1, seed: 42 });
    const b = kmeans(noisy.points, 200, 2, 6, { restarts: 1, seed: 42 });
    expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
    expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
    expect(b.inertia).toBe(a.inertia);
    const others = [1, 2, 3, 4, 5].map((seed) => kmeans(noisy.points, 200, 2, 6, { restarts: 1, seed }).inertia);
    expect(new Set([a.inertia, ...others]).size).toBeGreaterThan(1);
  });

  test('restarts keep the best inertia (the first restart is the single run with the same seed)', () => {
    const noisy = blobs([50, 50, 50, 50], 2, 2.5, 3);
    let strictlyBetter = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const one = kmeans(noisy.points, 200, 2, 6, { restarts: 1, seed });
      const many = kmeans(noisy.points, 200, 2, 6, { restarts: 8, seed });
      expect(many.inertia).toBeLessThanOrEqual(one.inertia);
      if (many.inertia < one.inertia) strictlyBetter++;
    }
    expect(strictlyBetter).toBeGreaterThan(0);
  });

  test('k = n puts every point alone (inertia 0); k = 1 gives the mean', () => {
    const pts = Float64Array.of(0, 0, 1, 0, 0, 1, 5, 5);
    expect(kmeans(pts, 4, 2, 4, { restarts: 1, seed: 1 }).inertia).toBe(0);
    const one = kmeans(pts, 4, 2, 1, { restarts: 1, seed: 1 });
    expect(Array.from(one.centroids)).toEqual([1.5, 1.5]);
    expect(Array.from(one.assignments)).toEqual([0, 0, 0, 0]);
  });

  test('duplicate points and more clusters than distinct points do not break seeding', () => {
    const pts = Float64Array.of(1, 1, 1, 1, 1, 1, 2, 2);
    const res = kmeans(pts, 4, 2, 3, { restarts: 2, seed: 3 });
    expect(res.inertia).toBe(0);
    expect(Number.isFinite(res.centroids.reduce((a, b) => a + b, 0))).toBe(true);
  });

  test('bad input is a RangeError', () => {
    expect(() => kmeans(points, n, dim, 0, { restarts: 1, seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(points, n, dim, n + 1, { restarts: 1, seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(points, n + 1, dim, 2, { restarts: 1, seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(points, n, dim, 2, { restarts: 0, seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(Float64Array.of(0, NaN), 2, 1, 1, { restarts: 1, seed: 1 })).toThrow(/finite/);
  });
});

describe('kmeansPlusPlus', () => {
  test('picks one seed in each well-separated blob, all of them data points', () => {
    const dim = 4;
    const { points, labels } = blobs([30, 30, 30, 30, 30, 30, 30, 30], dim, 50, 5);
    const n = labels.length;
    for (let seed = 1; seed <= 5; seed++) {
      const centers = kmeansPlusPlus(points, n, dim, 8, new Rng(seed));
      const blobsHit = new Set<number>();
      for (let c = 0; c < 8; c++) {
        const p = findPoint(points, n, dim, centers.subarray(c * dim, (c + 1) * dim));
        expect(p).toBeGreaterThanOrEqual(0);
        blobsHit.add(labels[p]);
      }
      expect(blobsHit.size).toBe(8);
    }
  });
});

function findPoint(points: Float64Array, n: number, dim: number, x: Float64Array): number {
  for (let p = 0; p < n; p++) {
    let same = true;
    for (let j = 0; j < dim; j++) same &&= points[p * dim + j] === x[j];
    if (same) return p;
  }
  return -1;
}
