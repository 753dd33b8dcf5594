import { kmeans as lloyd } from 'ml-kmeans';
import { Rng } from '../linalg/rng';

/**
 * k-means for the spectral-clustering embedding: k-means++ seeding from our seeded Rng, Lloyd
 * iterations by ml-kmeans (given our initial centers it is deterministic: nearest center by squared
 * Euclidean distance, lowest index on ties; centers = means; an empty cluster keeps its center), and
 * several restarts keeping the lowest inertia. Same seed, same result.
 */

export interface KmeansOptions {
  /** independent seedings; the best (lowest inertia) run is kept */
  restarts: number;
  seed: number;
  /** Lloyd iterations per restart (default 300, as scikit-learn) */
  maxIterations?: number;
}

export interface KmeansResult {
  /** cluster of each point, 0..k−1 */
  assignments: Int32Array;
  /** Σ_p ‖x_p − c_{assignment(p)}‖² */
  inertia: number;
  /** k×dim row-major */
  centroids: Float64Array;
}

/** Cluster n points of dimension dim (row-major) into k clusters. */
export function kmeans(points: Float64Array, n: number, dim: number, k: number, opts: KmeansOptions): KmeansResult {
  if (points.length !== n * dim)
    throw new RangeError(`kmeans: ${points.length} values are not ${n} points of dimension ${dim}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`kmeans: need 1 ≤ k ≤ n = ${n}, got k = ${k}`);
  if (!(Number.isInteger(opts.restarts) && opts.restarts >= 1))
    throw new RangeError(`kmeans: restarts must be ≥ 1, got ${opts.restarts}`);
  if (!points.every(Number.isFinite)) throw new RangeError('kmeans: points must be finite');
  const data = Array.from({ length: n }, (_, p) => Array.from(points.subarray(p * dim, (p + 1) * dim)));
  const rng = new Rng(opts.seed);
  let best: KmeansResult | undefined;
  for (let run = 0; run < opts.restarts; run++) {
    const seeds = kmeansPlusPlus(points, n, dim, k, rng);
    const initialization = Array.from({ length: k }, (_, c) => Array.from(seeds.subarray(c * dim, (c + 1) * dim)));
    // tolerance 0: stop at the fixed point, where recomputed means are bit-identical to the centers
    const result = lloyd(data, k, { initialization, tolerance: 0, maxIterations: opts.maxIterations ?? 300 });
    const assignments = Int32Array.from(result.clusters);
    const centroids = Float64Array.from(result.centroids.flat());
    const inertia = inertiaOf(points, dim, assignments, centroids);
    if (!best || inertia < best.inertia) best = { assignments, inertia, centroids };
  }
  return best as KmeansResult;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007; the greedy variant scikit-learn uses):
 * the first center is a uniformly random point; each next one is the best, by resulting potential
 * Σ_p min_c ‖x_p − c‖², of 2 + ⌊ln k⌋ candidates drawn with probability ∝ D(x)², the squared distance
 * to the nearest center so far. Returns k×dim.
 */
export function kmeansPlusPlus(points: Float64Array, n: number, dim: number, k: number, rng: Rng): Float64Array {
  const trials = 2 + Math.floor(Math.log(k));
  const centers = new Float64Array(k * dim);
  let chosen = rng.int(n);
  centers.set(points.subarray(chosen * dim, (chosen + 1) * dim), 0);
  let nearest = squaredDistancesTo(points, n, dim, chosen);
  const cumulative = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let p = 0; p < n; p++) cumulative[p] = total += nearest[p];
    let bestPotential = Infinity;
    let bestNearest = nearest;
    for (let t = 0; t < trials; t++) {
      // all points already coincide with centers (duplicates): any point will do
      const candidate = total > 0 ? lowerBound(cumulative, rng.uniform() * total) : rng.int(n);
      const d = squaredDistancesTo(points, n, dim, candidate);
      let potential = 0;
      for (let p = 0; p < n; p++) potential += d[p] = Math.min(d[p], nearest[p]);
      if (potential < bestPotential) {
        bestPotential = potential;
        bestNearest = d;
        chosen = candidate;
      }
    }
    nearest = bestNearest;
    centers.set(points.subarray(chosen * dim, (chosen + 1) * dim), c * dim);
  }
  return centers;
}

/** Σ_p ‖x_p − c_{a_p}‖². */
function inertiaOf(points: Float64Array, dim: number, assignments: Int32Array, centroids: Float64Array): number {
  let s = 0;
  assignments.forEach((c, p) => {
    for (let j = 0; j < dim; j++) s += (points[p * dim + j] - centroids[c * dim + j]) ** 2;
  });
  return s;
}

/** ‖x_p − x_q‖² for every p. */
function squaredDistancesTo(points: Float64Array, n: number, dim: number, q: number): Float64Array {
  const d = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (points[p * dim + j] - points[q * dim + j]) ** 2;
    d[p] = s;
  }
  return d;
}

/** First index p with cumulative[p] > u (cumulative non-decreasing, u < its last entry). */
function lowerBound(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
