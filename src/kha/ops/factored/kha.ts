import type { KhaState } from '../../state';
import { foldIfIllConditioned } from './fold';
import { updateGrams } from './grams';
import type { FactoredProjection } from './project';
import { forwardSolve } from './small';
import type { FactoredState } from './state';

/**
 * The KHA step on the factors: G ← M G, and A's new term P y e_pᵀ enters C's column p as
 * δ = G⁻¹ P y; when A K′ is kept, CK takes δ k′ᵀ (A K′ = G CK) and the Gram matrices follow.
 */
export function kha(fs: FactoredState, state: KhaState, projected: FactoredProjection, eta: Float64Array): void {
  const { A: C, AK: CK } = state;
  const { G, r, columns } = fs;
  const { Gold, sums: sg, u, delta, h, z } = fs.scratch;
  const { p, k, y } = projected;
  if (CK) {
    Gold.set(G); // for the Gram matrices (A K′ k′ = G_old h)
    fs.step.set(y, z.fill(0), eta, 0);
  }
  // G ← M G: row i loses P_i y_i Σ_{u≤i} y_u G_u (old rows, running sums)
  sg.fill(0, 0, r);
  for (let i = 0; i < r; i++) {
    const yi = y[i];
    const gy = eta[i] * yi;
    for (let q = 0; q <= i; q++) {
      sg[q] += yi * G[i * r + q];
      G[i * r + q] -= gy * sg[q];
    }
  }
  // A gains P y in column p: C's column gains δ = G⁻¹ P y
  for (let i = 0; i < r; i++) u[i] = eta[i] * y[i];
  forwardSolve(G, u, delta);
  if (CK) {
    columns.dotAxpyCK(CK, k, delta, h);
    updateGrams(fs, projected, { u, Gold, h }, false);
  }
  columns.addColumn(C, p, delta, 'C');
  columns.endStep();
  foldIfIllConditioned(fs, state, null);
}
