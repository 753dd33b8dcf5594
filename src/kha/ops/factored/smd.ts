import type { KhaState } from '../../state';
import type { SmdIterate } from '../types';
import { foldIfIllConditioned } from './fold';
import { updateGrams } from './grams';
import type { FactoredProjection } from './project';
import { addOuter, forwardSolve } from './small';
import { takeColumn, type FactoredState } from './state';

/**
 * The SMD step on the factors (docs/ALGORITHMS.md, "The factored form"): the meta-gradient from
 * A K′ Bᵀ, the factors G, E, F in one sweep down their rows, the new columns of C and D, CK's
 * rank-one term, and the Gram matrices.
 */
export function smd(
  fs: FactoredState,
  state: KhaState,
  iterate: SmdIterate,
  projected: FactoredProjection,
  eta: Float64Array,
  mu: number,
  xi: number,
): void {
  const { A: C } = state;
  const CK = state.AK as Float64Array;
  const { B: D, rho } = iterate;
  const { G, F, E, r, l, columns, step } = fs;
  const { AKAt, AKBt } = fs.grams;
  const { z, b, dp, gains, Gold, sums, u, w, delta, target, eps, h, T, Mv, Mw } = fs.scratch;
  const { p, k, y, c, d, cp, change } = projected;
  const rr = r * r;
  // z = B k′ = F c + E d;  b = B e_p = F C e_p + E D e_p
  takeColumn(D, p, dp, l);
  for (let i = 0; i < r; i++) {
    let zi = 0;
    let bi = 0;
    for (let q = 0; q < r; q++) {
      zi += F[i * r + q] * c[q];
      bi += F[i * r + q] * cp[q];
    }
    for (let q = 0; q <= i; q++) {
      zi += E[i * r + q] * d[q];
      bi += E[i * r + q] * dp[q];
    }
    z[i] = zi;
    b[i] = bi;
  }
  addOuter(AKBt, change, b); // the refresh of (A K′) e_p, seen by A K′ Bᵀ
  // meta_i = ⟨Γ_i, B_i⟩_H = y_i (z_i − Σ_{q≤i} y_q (A K′ Bᵀ)_qi)
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let q = 0; q <= i; q++) s += y[q] * AKBt[q * r + i];
    rho[i] += mu * y[i] * (z[i] - s);
    gains[i] = Math.exp(rho[i]) * eta[i];
  }
  Gold.set(G);
  step.set(y, z, gains, xi);
  // The factors, one sweep down their rows, old rows entering the running sums first:
  //   G_i ← G_i − P_i y_i Σ_{u≤i} y_u G_u
  //   E_i ← ξ (E_i − P_i y_i Σ_{u≤i} y_u E_u)
  //   F_i ← ξ (F_i − P_i y_i Σ_{u≤i} y_u F_u) − P_i ((y_i + ξ z_i) Σ_{u≤i} y_u G_u + ξ y_i Σ_{u≤i} z_u G_u)
  sums.fill(0);
  const sg = sums.subarray(0, r);
  const sz = sums.subarray(r, 2 * r);
  const sf = sums.subarray(2 * r, 3 * r);
  const se = sums.subarray(3 * r, 4 * r);
  for (let i = 0; i < r; i++) {
    const yi = y[i];
    const zi = z[i];
    for (let q = 0; q < r; q++) sf[q] += yi * F[i * r + q];
    for (let q = 0; q <= i; q++) {
      sg[q] += yi * G[i * r + q];
      sz[q] += zi * G[i * r + q];
      se[q] += yi * E[i * r + q];
    }
    const gy = gains[i] * yi;
    const gw = gains[i] * (yi + xi * zi);
    const gx = gains[i] * xi * yi;
    for (let q = 0; q < r; q++) {
      const at = i * r + q;
      F[at] = xi * (F[at] - gy * sf[q]) - (q <= i ? gw * sg[q] + gx * sz[q] : 0);
    }
    for (let q = 0; q <= i; q++) {
      const at = i * r + q;
      G[at] -= gy * sg[q];
      E[at] = xi * (E[at] - gy * se[q]);
    }
  }
  // Column p: A gains u = P y (C's column gains δ = G⁻¹ u); B gains w = P (y + ξ z), through D:
  // ε = E⁻¹ (w − F δ), since B = F C + E D and C's column just moved by δ.
  for (let i = 0; i < r; i++) {
    u[i] = gains[i] * y[i];
    w[i] = gains[i] * (y[i] + xi * z[i]);
  }
  forwardSolve(G, u, delta);
  for (let i = 0; i < r; i++) {
    let acc = w[i];
    for (let q = 0; q < r; q++) acc -= F[i * r + q] * delta[q];
    target[i] = acc;
  }
  forwardSolve(E, target, eps);
  columns.dotAxpyCK(CK, k, delta, h);
  // A K′ Bᵀ ← ξ M (A K′ Bᵀ) Mᵀ − M (A K′ Aᵀ) Nᵀ + (M y) wᵀ + ξ u (M z)ᵀ − u (N y)ᵀ + k′_p u wᵀ
  // (A K′ e_p = y, A k′ = y, B k′ = z), from the old A K′ Aᵀ: before updateGrams
  step.leftMRightN(AKAt, T);
  step.congruence(AKBt);
  for (let i = 0; i < rr; i++) AKBt[i] = xi * AKBt[i] - T[i];
  addOuter(AKBt, step.mv(y, Mv), w);
  addOuter(AKBt, u, step.mv(z, Mw), xi);
  addOuter(AKBt, u, step.nv(y, target), -1);
  addOuter(AKBt, u, w, k[p]);
  updateGrams(fs, projected, { u, Gold, h }, true);
  columns.addColumn(C, p, delta, 'C');
  columns.addColumn(D, p, eps, 'D');
  columns.endStep();
  foldIfIllConditioned(fs, state, iterate);
}
