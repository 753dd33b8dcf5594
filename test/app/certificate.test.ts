import { fit } from '../../src/app/fit';
import { compare } from '../../src/app/compare';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Dataset } from '../../src/data/dataset';
import { sigmaToGamma } from '../../src/kernels/kernel';
import { smallProblem } from '../helpers/problems';
import { loadDataset } from '../../src/data/load';
import { decaySlowing, passesNeeded } from '../../src/eval/certificate';

// 200 points of the anisotropic cloud, σ = 3: exact eigenvalues from ml-matrix (helpers/problems).
const problem = smallProblem(200, 3, 3);
const data: Dataset = {
  X: problem.X,
  l: problem.l,
  d: problem.d,
  featureNames: ['a', 'b', 'c', 'd', 'e'],
  source: 'generated',
};
const kernel = { type: 'gaussian' as const, gamma: sigmaToGamma(problem.sigma) };
const r = 4;

describe('fit certificate', () => {
  test('a fit stopped after 1 pass is flagged, with bounds that hold', async () => {
    const { model } = await fit(data, { components: r, kernel, gain: 'constant', passes: 1, backend: 'reference' });
    const cert = model.certificate!;
    expect(cert.converged).toBe(false);
    expect(cert.warnings.length).toBeGreaterThan(0);
    // unconverged, θ_i need not approximate λ_i yet, but some eigenvalue lies within ‖r_i‖ of it
    for (let i = 0; i < r; i++) {
      const nearest = Math.min(...problem.eigenvalues.map((v) => Math.abs(model.eigenvalues[i] - v)));
      expect(nearest).toBeLessThanOrEqual(cert.components[i].residual * (1 + 1e-6));
    }
  });

  test('a converged fit is not flagged, and its bounds hold and are tight', async () => {
    const { model } = await fit(data, {
      components: r,
      kernel,
      gain: 'smd',
      gainParameters: { eta0: 0.05 },
      passes: 60,
      backend: 'reference',
      seed: 2,
    });
    const cert = model.certificate!;
    expect(cert.warnings).toEqual([]);
    expect(cert.converged).toBe(true);
    for (let i = 0; i < r; i++) {
      const error = Math.abs(model.eigenvalues[i] - problem.eigenvalues[i]);
      // f32 Gram cache: residuals near 1e-6·λ1 at best
      expect(error).toBeLessThanOrEqual(
        cert.components[i].eigenvalueBound * (1 + 1e-6) + 1e-6 * problem.eigenvalues[0],
      );
      // with a gap shown, the quadratic bound is tight: within 100× of the error (f32 cache floor aside)
      if (cert.components[i].angleBound !== null)
        expect(cert.components[i].eigenvalueBound).toBeLessThan(Math.max(100 * error, 1e-5 * problem.eigenvalues[0]));
      expect(cert.components[i].residual).toBeLessThan(1e-2 * problem.eigenvalues[0]);
    }
  });
});

describe('passes needed', () => {
  // mnist:1000:14, SMD from defaults: residuals still 2× the tolerance after 20 passes
  let mnist: Dataset;
  beforeAll(async () => {
    mnist = await loadDataset('mnist:1000:14');
  });
  const run = (passes: number) => fit(mnist, { components: r, gain: 'smd', passes, backend: 'wasm' });

  test('a run stopped early estimates the passes; half of them do not converge, twice as many do', async () => {
    const { model, history } = await run(20);
    const cert = model.certificate!;
    expect(cert.converged).toBe(false);
    // checked half-way and at the end
    expect(history.filter((h) => h.excess !== undefined).map((h) => h.pass)).toEqual([5, 10, 20]);
    expect(cert.passesNeededSlowing).toBe(false);
    const needed = cert.passesNeeded as number;
    expect(needed).toBeGreaterThan(20);
    expect(cert.warnings.at(-1)).toContain(`about ${needed} passes in all`);
    expect((await run(Math.floor(needed / 2))).model.certificate!.converged).toBe(false);
    expect((await run(2 * needed)).model.certificate!.converged).toBe(true);
  });

  test('passesNeeded: the power law through the last two checks; null when not decreasing', () => {
    // excess 4 at pass 10, 2 at pass 20: α = 1, so excess 1 at pass 40
    expect(
      passesNeeded([
        { pass: 10, excess: 4 },
        { pass: 20, excess: 2 },
      ]),
    ).toBe(40);
    expect(
      passesNeeded([
        { pass: 10, excess: 2 },
        { pass: 20, excess: 2.5 },
      ]),
    ).toBeNull();
    expect(passesNeeded([{ pass: 20, excess: 0.5 }])).toBeUndefined();
    // the measured excess of mnist SMD (steady decrease) and of the circles' affinity (slowing)
    const mnistChecks = [
      { pass: 5, excess: 3.03 },
      { pass: 10, excess: 1.75 },
      { pass: 20, excess: 1.05 },
    ];
    const circleChecks = [
      { pass: 5, excess: 23.1 },
      { pass: 10, excess: 11.2 },
      { pass: 20, excess: 7.13 },
    ];
    expect(decaySlowing(mnistChecks)).toBe(false);
    expect(decaySlowing(circleChecks)).toBe(true);
    expect(decaySlowing(circleChecks.slice(1))).toBe(false);
    expect(
      passesNeeded([
        { pass: 5, excess: 3 },
        { pass: 20, excess: 0.9 },
      ]),
    ).toBe(20);
  });
});

describe('compare certificates', () => {
  test('each schedule carries one; 1 pass of constant is flagged, 60 of smd not; bounds hold', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'kpca-cert-'));
    const short = await compare(data, {
      components: r,
      kernel,
      gains: ['constant'],
      passes: 1,
      backend: 'reference',
      cacheDir,
    });
    const long = await compare(data, {
      components: r,
      kernel,
      gains: ['smd'],
      gainParameters: { eta0: 0.05 },
      passes: 60,
      backend: 'reference',
      seed: 2,
      cacheDir,
    });
    expect(short.schedules[0].certificate!.converged).toBe(false);
    const cert = long.schedules[0].certificate!;
    expect(cert.converged).toBe(true);
    for (let i = 0; i < r; i++)
      expect(Math.abs(cert.components[i].eigenvalue - problem.eigenvalues[i])).toBeLessThanOrEqual(
        cert.components[i].residual + 1e-6 * problem.eigenvalues[0],
      );
  });

  test('a flagged schedule of 8 passes says how many it would take (checked half-way)', async () => {
    const slow = await compare(data, {
      components: r,
      kernel,
      gains: ['annealed'],
      gainParameters: { eta0: 0.01 },
      passes: 8,
      backend: 'reference',
      cacheDir: mkdtempSync(join(tmpdir(), 'kpca-cert-')),
    });
    const cert = slow.schedules[0].certificate!;
    expect(cert.converged).toBe(false);
    expect(cert.passesNeeded).toBeGreaterThan(8);
    expect(cert.warnings.at(-1)).toMatch(
      /(about \d+ passes in all should reach the tolerance, .* from pass 4 to 8|at least \d+ passes in all .* to pass 8)/,
    );
  });
});
