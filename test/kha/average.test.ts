/**
 * The constant gain's iterate average (gains/constant.ts): the weights it promises, its survival across
 * a snapshot, and what it is for: the Ritz pairs of the average are closer to the eigenpairs than
 * those of the fluctuating iterate.
 */
import { DenseRowSource } from '../../src/kha/denseRowSource';
import { KhaEngine } from '../../src/kha/engine';
import { ConstantGain } from '../../src/kha/gains';
import { rayleighRitz } from '../../src/kha/rayleighRitz';
import { smallProblem } from '../helpers/problems';

const problem = smallProblem(150, 4, 3);
const { l, Kc } = problem;
const r = 3;
const blockSize = 16; // 150 = 9·16 + 6: every pass ends with a short block

const make = (seed: number, eta0 = 0.05) =>
  KhaEngine.create(new DenseRowSource(Kc, l), { components: r, schedule: new ConstantGain({ eta0 }), seed, blockSize });

/** K′ X for r × l X, in float64 loops */
function timesK(X: Float64Array): Float64Array {
  const out = new Float64Array(X.length);
  for (let i = 0; i < X.length / l; i++)
    for (let p = 0; p < l; p++) {
      let s = 0;
      for (let q = 0; q < l; q++) s += Kc[p * l + q] * X[i * l + q];
      out[i * l + p] = s;
    }
  return out;
}

test('the average weighs block end j ∝ j(j+1)(j+2), short blocks counted as blocks', async () => {
  const engine = await make(2);
  const ends: Float64Array[] = [];
  await engine.run({ passes: 3, onBlock: () => void ends.push(Float64Array.from(engine.state.A)) });
  expect(ends.length).toBe(3 * Math.ceil(l / blockSize));
  const expected = new Float64Array(r * l);
  let total = 0;
  ends.forEach((A, index) => {
    const j = index + 1;
    const w = j * (j + 1) * (j + 2);
    total += w;
    for (let k = 0; k < A.length; k++) expected[k] += w * A[k];
  });
  const average = engine.finishIterate();
  expect(average).not.toBe(engine.state.A);
  for (let k = 0; k < expected.length; k++) expect(average[k]).toBeCloseTo(expected[k] / total, 12);
});

test('a snapshot without Ā (written before it existed) resumes with Ā started at the next block end', async () => {
  const first = await make(5);
  await first.run({ passes: 1 });
  const resumed = await make(999);
  resumed.restore({ ...first.snapshot(), schedule: {} });
  expect(resumed.finishIterate()).toBe(resumed.state.A);
  expect(resumed.snapshot().schedule).toEqual({});
  const ends: Float64Array[] = [];
  await resumed.run({ passes: 2, onBlock: () => void ends.push(Float64Array.from(resumed.state.A)) });
  expect(ends.length).toBe(Math.ceil(l / blockSize));
  const j = (index: number) => (index + 1) * (index + 2) * (index + 3);
  const total = ends.reduce((sum, _, index) => sum + j(index), 0);
  const average = resumed.finishIterate();
  for (let k = 0; k < average.length; k++)
    expect(average[k]).toBeCloseTo(ends.reduce((sum, A, index) => sum + j(index) * A[k], 0) / total, 12);
});

test('before any step the finish takes A itself', async () => {
  const engine = await make(2);
  expect(engine.finishIterate()).toBe(engine.state.A);
});

test('stopped mid-pass, snapshotted and restored: the average ends bit-identical', async () => {
  const straight = await make(8);
  await straight.run({ passes: 3 });
  const first = await make(8);
  const controller = new AbortController();
  let blocks = 0;
  await first.run({
    passes: 3,
    signal: controller.signal,
    onProgress: () => {
      if (++blocks === 14) controller.abort(); // inside pass 2
    },
  });
  expect(first.pass).toBe(1);
  const resumed = await make(999);
  resumed.restore(first.snapshot());
  await resumed.run({ passes: 3 });
  const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  expect(bytesOf(resumed.finishIterate()).equals(bytesOf(straight.finishIterate()))).toBe(true);
});

test('the Ritz pairs of the average are nearer the exact eigenpairs (ml-matrix) than those of the iterate', async () => {
  const engine = await make(3, 0.3);
  await engine.run({ passes: 40 });
  const lambda = problem.eigenvalues;
  /**
   * Of the Ritz pairs of span(X) (w_i = Φ′a_i, aᵀK′a = 1): the largest RKHS residual ‖K′w_i − θ_i w_i‖
   * and the largest eigenvalue error, both / λ1
   */
  const errors = (X: Float64Array) => {
    const ritz = rayleighRitz(X, timesK(X), r, l);
    const K2a = timesK(ritz.AK);
    let worst = 0;
    let eigenvalueError = 0;
    for (let i = 0; i < r; i++) {
      const theta = ritz.eigenvalues[i];
      eigenvalueError = Math.max(eigenvalueError, Math.abs(theta - lambda[i]));
      let aKa = 0;
      let aK2a = 0;
      let aK3a = 0;
      for (let p = 0; p < l; p++) {
        const [a, ak] = [ritz.A[i * l + p], ritz.AK[i * l + p]];
        aKa += a * ak;
        aK2a += ak * ak;
        aK3a += ak * K2a[i * l + p];
      }
      worst = Math.max(worst, Math.sqrt(Math.max(0, aK3a - 2 * theta * aK2a + theta * theta * aKa)));
    }
    return { residual: worst / lambda[0], eigenvalue: eigenvalueError / lambda[0] };
  };
  const raw = errors(Float64Array.from(engine.state.A));
  const averaged = errors(Float64Array.from(engine.finishIterate()));
  expect(raw.residual).toBeGreaterThan(5e-2); // the constant gain's noise floor at this η0
  expect(averaged.residual).toBeLessThan(raw.residual / 5);
  expect(averaged.eigenvalue).toBeLessThan(raw.eigenvalue / 5);
});
