/** The oracle's SMD term DΓ(A)[B] against finite differences (the forms are checked against the oracle in ops.test.ts). */
import { gammaDerivative, gammaFunction } from '../../src/kha/ops/naive';
import { Rng } from '../../src/linalg/rng';
import { relativeMaxError, smallProblem } from '../helpers/problems';

const problem = smallProblem(60, 11, 2.5);
describe("SMD's Jacobian-vector product DΓ(A)[B]", () => {
  test('equals central finite differences of Γ(A) to 1e-6 relative', () => {
    const { l, Kc } = problem;
    const r = 4;
    const rng = new Rng(9);
    const A = Float64Array.from({ length: r * l }, () => rng.normal() * 0.05);
    const B = Float64Array.from({ length: r * l }, () => rng.normal());
    for (const p of [0, 17, l - 1]) {
      const k = Kc.subarray(p * l, (p + 1) * l);
      const y = new Float64Array(r);
      for (let i = 0; i < r; i++) for (let j = 0; j < l; j++) y[i] += A[i * l + j] * k[j];
      const analytic = gammaDerivative(A, B, k, y, p, r, l);
      const h = 1e-5;
      const plus = gammaFunction(
        A.map((a, i) => a + h * B[i]),
        k,
        p,
        r,
        l,
      );
      const minus = gammaFunction(
        A.map((a, i) => a - h * B[i]),
        k,
        p,
        r,
        l,
      );
      const numeric = plus.map((v, i) => (v - minus[i]) / (2 * h));
      expect(relativeMaxError(analytic, numeric)).toBeLessThan(1e-6);
      expect(Math.max(...analytic.map(Math.abs))).toBeGreaterThan(1e-3);
    }
  });
});
