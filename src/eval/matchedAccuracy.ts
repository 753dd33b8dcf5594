import type { ContingencyTable } from './contingency';
import { hungarian } from './hungarian';

/**
 * Accuracy under the best one-to-one matching of clusters to classes: max over injective matchings
 * π of Σ_i n_{i,π(i)} / n, found by the Hungarian algorithm on the cost −n_ij. With more clusters
 * than classes (or fewer) the unmatched ones count as wrong.
 */
export function matchedAccuracy(t: ContingencyTable): number {
  if (t.n === 0) return 1;
  const assignment = hungarian(
    t.counts.map((c) => -c),
    t.rows,
    t.cols,
  );
  let matched = 0;
  assignment.forEach((j, i) => {
    if (j >= 0) matched += t.counts[i * t.cols + j];
  });
  return matched / t.n;
}
