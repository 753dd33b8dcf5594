import { spectralCluster } from '../../src/app/spectralCluster';
import type { Dataset } from '../../src/data/dataset';
import { sigmaToGamma } from '../../src/kernels/kernel';
import { Rng } from '../../src/linalg/rng';

/** Two concentric circles (radii 1 and `inner`, noise 0.05; 0.5: scikit-learn's make_circles(factor=0.5)). */
function circles(l: number, seed: number, inner = 0.5): Dataset {
  const rng = new Rng(seed);
  const X = new Float64Array(2 * l);
  const labels: string[] = [];
  for (let i = 0; i < l; i++) {
    const radius = i % 2 ? inner : 1;
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

describe('concentric circles at σ 0.3 (radii 1 and 2): the eigengaps of K̃ are under 1.5% of λ1', () => {
  test('20 passes: separated, or flagged with the passes it would take', async () => {
    const result = await spectralCluster(circles(300, 3, 2), {
      clusters: 2,
      kernel: { type: 'gaussian', gamma: sigmaToGamma(0.3) },
      passes: 20,
      backend: 'reference',
      reference: 'exact',
    });
    expect(result.exact!.scores!.normalizedMutualInformation).toBeGreaterThan(0.99);
    const cert = result.kha.certificate;
    // measured: NMI 0.000, at least 400 passes, the decrease slowing (after 800 passes the estimate is
    // 2e7). (Seeds 1 and 2 give exact NMI 0.32 and 0.38:
    // with λ2 − λ3 under 0.5% of λ1 even the exact top two depend on the sample.)
    if (result.kha.scores!.normalizedMutualInformation < 0.99) {
      expect(cert.converged).toBe(false);
      expect(cert.passesNeeded).toBeGreaterThan(20);
      expect(cert.warnings.at(-1)).toContain(
        `${cert.passesNeededSlowing ? 'at least' : 'about'} ${cert.passesNeeded} passes in all`,
      );
    }
  });
});
