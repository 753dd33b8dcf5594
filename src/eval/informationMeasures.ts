import type { ContingencyTable } from './contingency';

/**
 * Information-theoretic comparisons of two labelings U (rows of the table) and V (columns), in nats,
 * with the conventions of scikit-learn's sklearn.metrics.cluster (mutual_info_score,
 * normalized_mutual_info_score with average_method='arithmetic').
 */

/** H = −Σ_i (c_i/n) ln(c_i/n) of a vector of counts (empty classes contribute 0). */
export function entropy(counts: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  let h = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) h -= (counts[i] / n) * Math.log(counts[i] / n);
  return Math.max(h, 0);
}

/** I(U;V) = Σ_ij (n_ij/n) ln(n·n_ij / (a_i b_j)), clipped at 0 against rounding (as scikit-learn). */
export function mutualInformation(t: ContingencyTable): number {
  let mi = 0;
  for (let i = 0; i < t.rows; i++) {
    for (let j = 0; j < t.cols; j++) {
      const nij = t.counts[i * t.cols + j];
      if (nij > 0) mi += (nij / t.n) * Math.log((t.n * nij) / (t.rowSums[i] * t.colSums[j]));
    }
  }
  return Math.max(mi, 0);
}

/** Variation of information VI = H(U) + H(V) − 2 I(U;V) (Meilă 2007): a metric, 0 iff the partitions agree. */
export function variationOfInformation(t: ContingencyTable): number {
  return Math.max(entropy(t.rowSums) + entropy(t.colSums) - 2 * mutualInformation(t), 0);
}

/**
 * NMI = I(U;V) / ((H(U) + H(V))/2), scikit-learn's default. Its limit cases: 1 when both labelings
 * have a single cluster (or there are no points), 0 when I = 0 otherwise.
 */
export function normalizedMutualInformation(t: ContingencyTable): number {
  if (t.rows === t.cols && t.rows <= 1) return 1;
  const mi = mutualInformation(t);
  if (mi === 0) return 0;
  return mi / ((entropy(t.rowSums) + entropy(t.colSums)) / 2);
}
