import { adjustedRandIndex } from './adjustedRandIndex';
import { contingencyTable, Labels } from './contingency';
import { normalizedMutualInformation, variationOfInformation } from './informationMeasures';
import { matchedAccuracy } from './matchedAccuracy';

/** How well a clustering agrees with reference labels (docs/ALGORITHMS.md, "Spectral clustering"). */
export interface ClusteringScores {
  /** variation of information, nats; 0 is perfect, lower is better */
  variationOfInformation: number;
  /** normalized mutual information, arithmetic-mean normalization (scikit-learn's default) */
  normalizedMutualInformation: number;
  /** adjusted Rand index (scikit-learn's adjusted_rand_score) */
  adjustedRandIndex: number;
  /** accuracy under the best one-to-one matching of clusters to labels (Hungarian) */
  accuracy: number;
}

/** All four scores of `predicted` against `truth` (both of length n, any label values). */
/** The measures with the names reports print them under, in the order they are printed. */
export const CLUSTERING_MEASURES: ReadonlyArray<readonly [keyof ClusteringScores, string]> = [
  ['variationOfInformation', 'VI (nats, lower is better)'],
  ['normalizedMutualInformation', 'NMI'],
  ['adjustedRandIndex', 'ARI'],
  ['accuracy', 'accuracy (matched)'],
];

export function clusteringScores(truth: Labels, predicted: Labels): ClusteringScores {
  const t = contingencyTable(truth, predicted);
  return {
    variationOfInformation: variationOfInformation(t),
    normalizedMutualInformation: normalizedMutualInformation(t),
    adjustedRandIndex: adjustedRandIndex(t),
    accuracy: matchedAccuracy(t),
  };
}
