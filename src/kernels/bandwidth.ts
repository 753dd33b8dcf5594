import { Rng } from '../linalg/rng';

/**
 * The median heuristic for the Gaussian width: the median Euclidean distance between random pairs
 * of distinct points (seeded; all pairs when there are few). Used when no --sigma/--gamma is given.
 */
export function medianPairwiseDistance(
  X: Float64Array,
  l: number,
  d: number,
  seed = 1,
  maxPairs = 4000,
  fallback = 1,
): number {
  const distances: number[] = [];
  const distance = (i: number, j: number) => {
    let s = 0;
    for (let c = 0; c < d; c++) s += (X[i * d + c] - X[j * d + c]) ** 2;
    return Math.sqrt(s);
  };
  if ((l * (l - 1)) / 2 <= maxPairs) {
    for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) distances.push(distance(i, j));
  } else {
    const rng = new Rng(seed);
    while (distances.length < maxPairs) {
      const i = rng.int(l);
      const j = rng.int(l);
      if (i !== j) distances.push(distance(i, j));
    }
  }
  if (distances.length === 0) return fallback;
  distances.sort((a, b) => a - b);
  const mid = distances.length >> 1;
  const median = distances.length % 2 ? distances[mid] : 0.5 * (distances[mid - 1] + distances[mid]);
  return median > 0 ? median : fallback;
}
