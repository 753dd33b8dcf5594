/**
 * The acceptance of the denoising experiment on real data (KPCA_USPS_DIR; scikit-learn builds the
 * split, bench/peers/sklearn_denoise.py): on scikit-learn's example split with Gaussian noise,
 * KHA-SMD plus the fixed-point pre-image reaches within 5% of exact kernel PCA's MSE with the same
 * pre-image, below the best linear PCA's, in a few passes, with η0 tuned on training digits
 * (docs/results/denoise-usps/).
 */
import { spawnSync } from 'child_process';
import { rmSync } from 'fs';
import { buildSplit, exactRows, scheduleSeries, tuneEta0, type Split } from '../../bench/denoiseUsps';
import { firstWithin } from '../../src/report/denoisePage';

const uspsDir = process.env.KPCA_USPS_DIR;
const sklearn = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;
if (!uspsDir)
  console.log('test/app/denoiseUsps.test.ts: skipping the USPS denoising experiment because KPCA_USPS_DIR is not set');
else if (!sklearn)
  console.warn(
    'test/app/denoiseUsps.test.ts: skipping the USPS denoising experiment: /usr/bin/python3 has no scikit-learn (apt-get install python3-sklearn)',
  );

const GAMMA = 0.01;
const R = 64;
const PASSES = 8;

(uspsDir && sklearn ? describe : describe.skip)('USPS denoising (KPCA_USPS_DIR, scikit-learn split)', () => {
  let split: Split;
  beforeAll(async () => {
    split = await buildSplit(uspsDir!, [32, 48, 64, 96, 128]);
  }, 300_000);
  afterAll(() => split && rmSync(split.dir, { recursive: true, force: true }));

  it(`KHA-SMD reaches exact kernel PCA's MSE within 5% in ${PASSES} passes, below the best linear PCA's`, async () => {
    const gaussian = split.noises.find((n) => n.name === 'gaussian')!;
    expect(gaussian.peers.noisy.mse).toBeCloseTo(0.0613, 3); // the example's split (its noisy MSE)
    const [exact] = (await exactRows(gaussian.train, gaussian.test, split.testClean, GAMMA, [R])).rows;
    const bestLinear = Math.min(...gaussian.peers.pca.map((p) => p.mse));
    expect(exact.mse).toBeLessThan(bestLinear);
    // η0 chosen on held-out training digits, as `npm run denoise-usps -- --tune` does
    const { chosen } = await tuneEta0(gaussian.train, split.trainClean, GAMMA, R, ['smd']);
    const { schedules } = await scheduleSeries(
      gaussian.train,
      gaussian.test,
      split.testClean,
      GAMMA,
      R,
      ['smd'],
      PASSES,
      chosen,
    );
    const reached = firstWithin(schedules[0], exact.mse);
    expect(reached).not.toBeNull();
    expect(reached!.mse).toBeLessThan(bestLinear);
  }, 900_000);
});
