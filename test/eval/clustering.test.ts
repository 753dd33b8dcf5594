import { adjustedRandIndex } from '../../src/eval/adjustedRandIndex';
import { clusteringScores } from '../../src/eval/clustering';
import { contingencyTable } from '../../src/eval/contingency';
import { entropy, mutualInformation, variationOfInformation } from '../../src/eval/informationMeasures';
import { matchedAccuracy } from '../../src/eval/matchedAccuracy';
import { Rng } from '../../src/linalg/rng';

describe('contingencyTable', () => {
  test('hand-checked counts and margins; values numbered by first appearance', () => {
    const t = contingencyTable(['b', 'a', 'b', 'b', 'a'], [2, 2, 7, 2, 7]);
    expect([t.rows, t.cols, t.n]).toEqual([2, 2, 5]);
    // rows: b, a; columns: 2, 7
    expect(Array.from(t.counts)).toEqual([2, 1, 1, 1]);
    expect(Array.from(t.rowSums)).toEqual([3, 2]);
    expect(Array.from(t.colSums)).toEqual([3, 2]);
    expect(() => contingencyTable([1, 2], [1])).toThrow(RangeError);
  });
});

describe('clustering scores: hand-computed example', () => {
  // truth a a a a b b, clusters x x x y y y: table [[3, 1], [0, 2]], a = (4, 2), b = (3, 3), n = 6.
  const truth = [0, 0, 0, 0, 1, 1];
  const pred = [0, 0, 0, 1, 1, 1];
  const t = contingencyTable(truth, pred);

  test('entropies and mutual information', () => {
    // H(U) = ln 3 − (2/3) ln 2, H(V) = ln 2,
    // I = ½ ln(6·3/12) + ⅙ ln(6·1/12) + ⅓ ln(6·2/6) = ½ ln 3 − ⅓ ln 2
    expect(entropy(t.rowSums)).toBeCloseTo(Math.log(3) - (2 / 3) * Math.log(2), 14);
    expect(entropy(t.colSums)).toBeCloseTo(Math.log(2), 14);
    expect(mutualInformation(t)).toBeCloseTo(0.5 * Math.log(3) - Math.log(2) / 3, 14);
  });

  test('VI = ln 2, NMI = (ln 3 − ⅔ ln 2)/(ln 3 + ⅓ ln 2), ARI = 12/37, accuracy = 5/6', () => {
    // ARI: Σ C(n_ij,2) = 3 + 1 = 4, Σ C(a_i,2) = 7, Σ C(b_j,2) = 6, C(6,2) = 15:
    // (4 − 7·6/15) / ((7 + 6)/2 − 7·6/15) = 1.2/3.7
    const s = clusteringScores(truth, pred);
    expect(s.variationOfInformation).toBeCloseTo(Math.log(2), 14);
    expect(s.normalizedMutualInformation).toBeCloseTo(
      (Math.log(3) - (2 / 3) * Math.log(2)) / (Math.log(3) + Math.log(2) / 3),
      14,
    );
    expect(s.adjustedRandIndex).toBeCloseTo(12 / 37, 14);
    expect(s.accuracy).toBeCloseTo(5 / 6, 14);
  });
});

describe('clustering scores: scikit-learn values', () => {
  // Expected numbers produced with scikit-learn 1.2.1 (Debian python3-sklearn) and
  // scipy.optimize.linear_sum_assignment for the accuracy:
  //   VI = entropy(a) + entropy(b) − 2·mutual_info_score(a, b), NMI = normalized_mutual_info_score,
  //   ARI = adjusted_rand_score, accuracy = matched count / n on contingency_matrix.
  const cases: Array<[string, number[], number[], [number, number, number, number]]> = [
    [
      'hand example',
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 1, 1, 1],
      [0.6931471805599452, 0.47870397138568005, 0.32432432432432434, 0.8333333333333334],
    ],
    [
      'mixed, 4 classes vs 5 clusters',
      [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 0, 1, 2, 3, 3, 2, 1, 0],
      [4, 4, 4, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 0, 0, 0, 0, 1, 4, 4, 4, 2, 1, 0, 1, 3],
      [2.027789445592177, 0.32038878766487006, 0.12397465494375952, 0.5],
    ],
    [
      'ARI docstring example',
      [0, 0, 1, 2],
      [0, 0, 1, 1],
      [0.3465735902799727, 0.7999999999999999, 0.5714285714285714, 0.75],
    ],
    ['discordant (negative ARI)', [0, 0, 1, 1], [0, 1, 0, 1], [1.3862943611198906, 0, -0.5, 0.5]],
    ['one class, all singletons', [0, 0, 0, 0], [0, 1, 2, 3], [1.3862943611198906, 0, 0, 0.25]],
    ['all singletons, one cluster', [0, 1, 2, 3], [5, 5, 5, 5], [1.3862943611198906, 0, 0, 0.25]],
    ['one cluster both', [7, 7, 7], [1, 1, 1], [0, 1, 1, 1]],
  ];
  test.each(cases)('%s', (_name, truth, pred, [vi, nmi, ari, acc]) => {
    const s = clusteringScores(truth, pred);
    expect(s.variationOfInformation).toBeCloseTo(vi, 13);
    expect(s.normalizedMutualInformation).toBeCloseTo(nmi, 13);
    expect(s.adjustedRandIndex).toBeCloseTo(ari, 13);
    expect(s.accuracy).toBeCloseTo(acc, 13);
  });
});

describe('clustering scores: invariances and edge cases', () => {
  test('identical labelings (up to renaming): VI = 0, NMI = ARI = accuracy = 1', () => {
    const truth = [0, 1, 2, 2, 1, 0, 3, 3, 3];
    const renamed = truth.map((v) => ['d', 'c', 'b', 'a'][v]);
    const s = clusteringScores(truth, renamed);
    expect(s.variationOfInformation).toBeLessThan(1e-15);
    expect(s.normalizedMutualInformation).toBeCloseTo(1, 14);
    expect(s.adjustedRandIndex).toBe(1);
    expect(s.accuracy).toBe(1);
  });

  test('symmetric in the two labelings (accuracy too: the matching is one-to-one)', () => {
    const rng = new Rng(3);
    const a = Array.from({ length: 200 }, () => rng.int(5));
    const b = Array.from({ length: 200 }, () => rng.int(7));
    const ab = clusteringScores(a, b);
    const ba = clusteringScores(b, a);
    expect(ba.variationOfInformation).toBeCloseTo(ab.variationOfInformation, 13);
    expect(ba.normalizedMutualInformation).toBeCloseTo(ab.normalizedMutualInformation, 13);
    expect(ba.adjustedRandIndex).toBeCloseTo(ab.adjustedRandIndex, 13);
    expect(ba.accuracy).toBeCloseTo(ab.accuracy, 13);
  });

  test('VI of independent-by-construction labelings is H(U) + H(V)', () => {
    // every (u, v) combination exactly once: I = 0
    const u: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) {
        u.push(i);
        v.push(j);
      }
    const t = contingencyTable(u, v);
    expect(mutualInformation(t)).toBeLessThan(1e-15);
    expect(variationOfInformation(t)).toBeCloseTo(Math.log(3) + Math.log(4), 14);
    expect(clusteringScores(u, v).normalizedMutualInformation).toBe(0);
  });

  test('ARI stays exact for large n (BigInt pair counts)', () => {
    // 100,000 points, two balanced halves, predicted labels flip a tenth of each half.
    const n = 100_000;
    const truth = new Int32Array(n);
    const pred = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      truth[p] = p < n / 2 ? 0 : 1;
      pred[p] = p % 10 === 0 ? 1 - truth[p] : truth[p];
    }
    // table [[45000, 5000], [5000, 45000]]: Σ C(n_ij,2) = 2·C(45000,2) + 2·C(5000,2),
    // Σ C(a_i,2) = Σ C(b_j,2) = 2·C(50000,2), C(n,2) total; ARI = (x − e)/(m − e).
    const c2 = (k: number): number => (k * (k - 1)) / 2;
    const x = 2 * c2(45000) + 2 * c2(5000);
    const e = (2 * c2(50000)) ** 2 / c2(n);
    const m = 2 * c2(50000);
    const t = contingencyTable(truth, pred);
    expect(adjustedRandIndex(t)).toBeCloseTo((x - e) / (m - e), 12);
    expect(matchedAccuracy(t)).toBeCloseTo(0.9, 14);
  });

  test('no points at all: NMI = ARI = accuracy = 1, VI = 0 (scikit-learn limit cases)', () => {
    expect(clusteringScores([], [])).toEqual({
      variationOfInformation: 0,
      normalizedMutualInformation: 1,
      adjustedRandIndex: 1,
      accuracy: 1,
    });
  });
});
