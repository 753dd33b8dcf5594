import { spectralCluster } from '../../src/app/spectralCluster';
import type { Dataset } from '../../src/data/dataset';
import { sigmaToGamma } from '../../src/kernels/kernel';
import { Rng } from '../../src/linalg/rng';

/** Two concentric circles (radii 1 and 0.5, noise 0.05, as scikit-learn's make_circles(factor=0.5)). */
function circles(l: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const X = new Float64Array(2 * l);
  const labels: string[] = [];
  for (let i = 0; i < l; i++) {
    const radius = i % 2 ? 0.5 : 1;
    const angle = 2 * Math.PI * rng.uniform();
    X[2 * i] = radius * Math.cos(angle) + 0.05 * rng.normal();
    X[2 * i + 1] = radius * Math.sin(angle) + 0.05 * rng.normal();
    labels.push(String(i % 2));
  }
  return { X, l, d: 2, featureNames: ['x', 'y'], labels, source: 'circles' };
}

describe('spectral clustering of two concentric circles from defaults', () => {
  const data = circles(300, 4);
  test.each([1, 20])(
    '%s passes: separated (NMI ≥ 0.99), or the certificate says it did not converge',
    async (passes) => {
      const result = await spectralCluster(data, {
        clusters: 2,
        kernel: { type: 'gaussian', gamma: sigmaToGamma(0.1) },
        passes,
        backend: 'reference',
        reference: 'exact',
      });
      const nmi = result.kha.scores!.normalizedMutualInformation;
      expect(result.exact!.scores!.normalizedMutualInformation).toBeGreaterThan(0.99);
      if (result.kha.certificate.converged) expect(nmi).toBeGreaterThanOrEqual(0.99);
    },
  );
});
