/**
 * Convergence certificates: a posteriori error bounds for approximate eigenpairs (θ_i, w_i) of a
 * symmetric matrix M (the centered Gram matrix K′ in its RKHS, or the normalized affinity K̃ in ℓ2),
 * computed from the residuals r_i = M w_i − θ_i w_i of unit vectors w_i.
 *
 *  - eigenvalue: some eigenvalue of M lies within ‖r_i‖ of θ_i (Krylov–Weinstein / Bauer–Fike for
 *    symmetric M); once the iterate holds the top-r eigenvectors (no eigenvector missed, below), that
 *    is |θ_i − λ_i| ≤ ‖r_i‖, and ≤ ‖r_i‖²/δ_i with the gap δ_i below (Kato–Temple: θ_i is the
 *    Rayleigh quotient of w_i). Ritz values are also never above λ_i (Courant–Fischer). The verdict
 *    uses ‖r_i‖ itself: it measures the vector, the quadratic bound only the value.
 *  - angle: sin∠(w_i, u_i) ≤ ‖r_i‖ / δ_i (Davis–Kahan sin θ for one vector), with δ_i a lower bound
 *    on the distance from θ_i to every other eigenvalue, from the Ritz gaps: min over j ≠ i of
 *    |θ_i − θ_j| − ‖r_j‖ (for i < r the pair below also bounds λ_{r+1}, … ≤ λ_{i+1}); for the last
 *    one also θ_r − τ, where τ = √(‖M‖F² − Σ_{θ_j>0} θ_j²) bounds |λ_{r+1}|, … (their squares sum to
 *    at most that). For the whole subspace: ‖sin Θ‖F ≤ ‖R‖F / (θ_r − τ) (Davis–Kahan sin Θ, block).
 *    Non-positive δ: no gap can be shown, the angle bound is null (the eigenvalue bound still holds).
 *
 * A missed eigenvector: an iterate near a saddle (w_r close to u_{r+1} while u_r is barely present)
 * has small residuals although θ_r approximates λ_{r+1}. In the RKHS form the same pass gives a
 * guard: Rayleigh–Ritz on span{w_i, K′w_i} (one Krylov step, 2r vectors: the Gram matrices of
 * [A; A K′] need only A K′ and A K′², which the pass computes). Its Ritz values θ′_i are rigorous
 * lower bounds, θ_i ≤ θ′_i ≤ λ_i, and a step up θ′_i − θ_i above the tolerance flags the component
 * (λ_i ≥ θ′_i). An eigenvector wholly absent from the iterate still shows only through τ, which is
 * loose when the spectrum decays slowly, so the last component rarely has an angle bound: ask for one
 * component more than needed.
 * Cost: one pass over the rows of M (a product with r vectors, which also gives ‖M‖F²).
 */
import type { RowSource } from '../kernels/rowSource';
import { matmul, matmulTransB, transpose } from '../linalg/dense';
import { symmetricEigen } from '../linalg/symmetricEigen';

export interface ComponentBound {
  /** θ_i, the estimate (Ritz value) */
  eigenvalue: number;
  /** ‖r_i‖ = ‖M w_i − θ_i w_i‖ for unit w_i */
  residual: number;
  /** bound on |θ_i − λ_i|: min(‖r_i‖, ‖r_i‖²/δ_i) (the second, Kato–Temple, when a gap is shown) */
  eigenvalueBound: number;
  /** rigorous lower bound on λ_i: the Ritz value of span{w, K′w} (RKHS form; θ_i otherwise) */
  lowerBound: number;
  /** lower bound δ_i on the distance from θ_i to the other eigenvalues (≤ 0: none shown) */
  gap: number;
  /** bound on sin∠(w_i, u_i); null when no gap is shown */
  angleBound: number | null;
}

export interface Certificate {
  /** the norm the residuals are measured in */
  norm: 'rkhs' | 'l2';
  components: ComponentBound[];
  /** bound on the eigenvalues not computed, |λ_j| ≤ τ for j > r */
  tailBound: number;
  /** bound on ‖sin Θ‖F between the computed subspace and the top-r eigenvectors; null without a gap */
  subspaceAngleBound: number | null;
  /** the residuals are measured against tolerance · θ_1 */
  tolerance: number;
  /** every estimate finite and positive and every residual within tolerance · θ_1 */
  converged: boolean;
  /** one line per problem found (component, bound, what to do) */
  warnings: string[];
  /**
   * When not converged: the passes (in all) estimated to reach the tolerance, from the residual
   * history (passesNeeded); null when the residuals did not decrease; absent when there was no
   * earlier check to compare with.
   */
  passesNeeded?: number | null;
  /** the residual decrease slowed between the last three checks: passesNeeded is a lower bound */
  passesNeededSlowing?: boolean;
}

/** A certificate taken during a run: after `pass` passes, the worst component's excess (see excess). */
export interface ResidualCheck {
  pass: number;
  excess: number;
}

/** Default tolerance of the certificate, relative to θ_1. */
export const CERTIFICATE_TOL = 1e-2;

/** X M for r × l X (one pass over the rows of M, in chunks) and ‖M‖F², summed in float64. */
export async function productAndFrobenius(
  source: RowSource,
  X: Float64Array,
  onProgress?: (done: number, total: number) => void,
  rowsPerCall = 256,
): Promise<{ XM: Float64Array; frobenius2: number }> {
  const { l } = source;
  const r = X.length / l;
  const XM = new Float64Array(r * l);
  const buffer = new Float64Array(Math.min(rowsPerCall, l) * l);
  let frobenius2 = 0;
  for (let start = 0; start < l; start += rowsPerCall) {
    const count = Math.min(rowsPerCall, l - start);
    await source.rows(
      Array.from({ length: count }, (_, k) => start + k),
      buffer,
    );
    for (let b = 0; b < count; b++) {
      const off = b * l;
      for (let j = 0; j < l; j++) frobenius2 += buffer[off + j] * buffer[off + j];
      // column p of X M is X m_p (M is symmetric)
      for (let i = 0; i < r; i++) {
        let s = 0;
        for (let j = 0; j < l; j++) s += X[i * l + j] * buffer[off + j];
        XM[i * l + start + b] = s;
      }
    }
    onProgress?.(start + count, l);
  }
  return { XM, frobenius2 };
}

/**
 * Residual norms in the RKHS of K′ for w_i = Σ_j A_ij Φ′(x_j): with u = (A K′)_i, v = u K′ and the
 * coefficients c = u − θ a of K′w − θw, ‖K′w − θw‖² = cᵀK′c = c·(v − θu), divided by ‖w‖² = a·u.
 * Each factor is small near convergence, so there is no cancellation of large terms.
 */
export function rkhsResiduals(
  A: Float64Array,
  AK: Float64Array,
  AKK: Float64Array,
  theta: ArrayLike<number>,
  r: number,
  l: number,
): Float64Array {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    const t = theta[i];
    let s = 0;
    let norm2 = 0;
    for (let j = i * l, end = j + l; j < end; j++) {
      s += (AK[j] - t * A[j]) * (AKK[j] - t * AK[j]);
      norm2 += A[j] * AK[j];
    }
    out[i] = Math.sqrt(Math.max(0, s) / norm2);
  }
  return out;
}

/** Residual norms in ℓ2 for rows Y (r × l, any length) with YM = Y M. */
export function l2Residuals(
  Y: Float64Array,
  YM: Float64Array,
  theta: ArrayLike<number>,
  r: number,
  l: number,
): Float64Array {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let s = 0;
    let norm2 = 0;
    for (let j = i * l, end = j + l; j < end; j++) {
      s += (YM[j] - theta[i] * Y[j]) ** 2;
      norm2 += Y[j] * Y[j];
    }
    out[i] = Math.sqrt(s / norm2);
  }
  return out;
}

/**
 * The bounds and verdict from estimates θ (decreasing), their residuals and ‖M‖F², for the first
 * `count` pairs (default all): the others are guards, whose Ritz values and residuals still bound the
 * gaps of the ones judged.
 */
export function certificate(
  norm: Certificate['norm'],
  theta: ArrayLike<number>,
  residuals: ArrayLike<number>,
  frobenius2: number,
  tolerance = CERTIFICATE_TOL,
  lowerBounds: ArrayLike<number> = theta,
  count = theta.length,
): Certificate {
  const n = theta.length;
  const r = count;
  let captured = 0;
  for (let i = 0; i < n; i++) if (theta[i] > 0) captured += theta[i] * theta[i];
  const tailBound = Math.sqrt(Math.max(0, frobenius2 - captured));
  const components: ComponentBound[] = [];
  for (let i = 0; i < r; i++) {
    let gap = i === n - 1 ? theta[i] - tailBound : Infinity;
    for (let j = 0; j < n; j++) if (j !== i) gap = Math.min(gap, Math.abs(theta[i] - theta[j]) - residuals[j]);
    const angle = gap > 0 && Number.isFinite(residuals[i]) ? Math.min(1, residuals[i] / gap) : null;
    const eigenvalueBound = angle === null ? residuals[i] : Math.min(residuals[i], residuals[i] ** 2 / gap);
    const lowerBound = Math.max(theta[i], lowerBounds[i]);
    components.push({
      eigenvalue: theta[i],
      residual: residuals[i],
      eigenvalueBound,
      lowerBound,
      gap,
      angleBound: angle,
    });
  }
  let residual2 = 0;
  for (let i = 0; i < r; i++) residual2 += residuals[i] ** 2;
  // the eigenvalues outside the judged ones: at most the guards' θ_j + ‖r_j‖, or the tail bound
  let outside = tailBound;
  for (let j = r; j < n; j++) outside = Math.max(outside, theta[j] + residuals[j]);
  const subspaceGap = theta[r - 1] - outside;
  const subspaceAngleBound =
    subspaceGap > 0 && Number.isFinite(residual2) ? Math.min(1, Math.sqrt(residual2) / subspaceGap) : null;

  const warnings: string[] = [];
  const scale = theta[0];
  const limit = tolerance * scale;
  for (let i = 0; i < r; i++) {
    const { eigenvalue, residual, lowerBound } = components[i];
    const name = `λ${i + 1}`;
    if (!Number.isFinite(eigenvalue) || !Number.isFinite(residual))
      warnings.push(`${name}: estimate ${eigenvalue} is not finite`);
    else if (eigenvalue <= 0)
      warnings.push(
        `${name}: estimate ${eigenvalue.toPrecision(4)} is not positive (bound ±${residual.toPrecision(2)})`,
      );
    else if (!(residual <= limit))
      warnings.push(
        `${name}: not converged, residual ${residual.toPrecision(2)} exceeds ${tolerance}·λ1 = ${limit.toPrecision(2)}`,
      );
    else if (!(lowerBound - eigenvalue <= limit))
      warnings.push(
        `${name}: not converged, a direction is missing: ${name} ≥ ${lowerBound.toPrecision(4)} > θ = ${eigenvalue.toPrecision(4)}`,
      );
  }
  return { norm, components, tailBound, subspaceAngleBound, tolerance, converged: warnings.length === 0, warnings };
}

/**
 * How far a certificate is from its verdict: the largest of ‖r_i‖ and λ_i's lower bound − θ_i,
 * divided by tolerance·θ_1 (≤ 1: within tolerance); Infinity for a non-finite or non-positive estimate.
 */
export function excess(cert: Certificate): number {
  const limit = cert.tolerance * cert.components[0].eigenvalue;
  let worst = 0;
  for (const c of cert.components) {
    if (!(Number.isFinite(c.eigenvalue) && c.eigenvalue > 0 && Number.isFinite(c.residual))) return Infinity;
    worst = Math.max(worst, c.residual, c.lowerBound - c.eigenvalue);
  }
  return worst / limit;
}

/**
 * The passes (in all) after which the excess is estimated to reach 1, from the last two checks:
 * the residuals of the decaying gains (annealed, kha-et, smd: η ∝ 1/t) fall as a power of the pass
 * number, excess ∝ p^(−α), so α = ln(e₁/e₂)/ln(p₂/p₁) and the estimate is p₂·e₂^(1/α). null when the
 * excess did not decrease (a constant gain's noise floor, a stalled run): more passes will not do.
 * undefined with fewer than two checks.
 */
export function passesNeeded(checks: readonly ResidualCheck[]): number | null | undefined {
  if (checks.length < 2) return undefined;
  const { pass: p1, excess: e1 } = checks[checks.length - 2];
  const { pass: p2, excess: e2 } = checks[checks.length - 1];
  if (e2 <= 1) return p2;
  if (!(p2 > p1 && e2 < e1 && Number.isFinite(e1))) return null;
  const alpha = Math.log(e1 / e2) / Math.log(p2 / p1);
  const needed = Math.ceil(p2 * Math.exp(Math.log(e2) / alpha));
  return Number.isFinite(needed) ? needed : null;
}

/** The exponent α of the power law through two checks. */
const decayRate = (a: ResidualCheck, b: ResidualCheck) => Math.log(a.excess / b.excess) / Math.log(b.pass / a.pass);

/**
 * Whether the power law's exponent fell by more than SLOWING between the last three checks: then the
 * estimate is only a lower bound. Measured, exponents at passes 5 → 10 → 20: mnist:1000:14 SMD 0.80,
 * 0.74 (the estimate held within 2×); concentric circles, normalized affinity, SMD 1.04, 0.66, and
 * 0.39, 0.24 beyond (the estimate of 400 at pass 20 grew to 2e7 by pass 800).
 */
const SLOWING = 1.5;
export function decaySlowing(checks: readonly ResidualCheck[]): boolean {
  if (checks.length < 3) return false;
  const [a, b, c] = checks.slice(-3);
  return decayRate(b, c) * SLOWING < decayRate(a, b);
}

/** The certificate with the estimate of passes needed (when not converged) and its warning. */
export function withPassesNeeded(cert: Certificate, checks: readonly ResidualCheck[]): Certificate {
  if (cert.converged) return cert;
  const needed = passesNeeded(checks);
  if (needed === undefined) return cert;
  const [a, b] = checks.slice(-2).map((c) => c.pass);
  const slowing = needed !== null && decaySlowing(checks);
  const line =
    needed === null
      ? `the residuals did not decrease from pass ${a} to ${b}: more passes will not help (lower --eta0, or another --gain)`
      : slowing
        ? `at least ${needed} passes in all would be needed, likely far more: the residual decrease slowed down to pass ${b} (another --gain or a larger --eta0)`
        : `about ${needed} passes in all should reach the tolerance, if the residuals keep falling as from pass ${a} to ${b}`;
  return { ...cert, passesNeeded: needed, passesNeededSlowing: slowing, warnings: [...cert.warnings, line] };
}

/** The passes at which a run of `passes` fixed passes is checked before its end (for the estimate). */
export function fixedChecks(passes: number): number[] {
  return passes >= 8 ? [Math.ceil(passes / 4), Math.ceil(passes / 2)] : passes >= 4 ? [Math.ceil(passes / 2)] : [];
}

/**
 * Certificate of the RKHS pairs (A, θ) of the centered Gram matrix served by `source` (A K′ given);
 * the first `count` judged, the others guards (see certificate).
 */
export async function certifyRkhs(
  source: RowSource,
  A: Float64Array,
  AK: Float64Array,
  theta: ArrayLike<number>,
  tolerance = CERTIFICATE_TOL,
  onProgress?: (done: number, total: number) => void,
  count = theta.length,
): Promise<Certificate> {
  const { l } = source;
  const r = theta.length;
  const { XM: AKK, frobenius2 } = await productAndFrobenius(source, AK, onProgress);
  const residuals = rkhsResiduals(A, AK, AKK, theta, r, l);
  return certificate('rkhs', theta, residuals, frobenius2, tolerance, krylovRitzValues(A, AK, AKK, r, l), count);
}

/**
 * The top r Ritz values of K′ on span{w_i, K′w_i} in the RKHS: with B = [A; U] (U = A K′, V = U K′),
 * G = B K′ Bᵀ = [[A Uᵀ, A Vᵀ], [U Uᵀ, U Vᵀ]] and H = B K′² Bᵀ = [[U Uᵀ, U Vᵀ], [V Uᵀ, V Vᵀ]]; near
 * convergence B is nearly rank r, so G is diagonalized and its null directions (below 1e-10 of its
 * largest eigenvalue) dropped before solving H c = θ G c.
 */
export function krylovRitzValues(
  A: Float64Array,
  U: Float64Array,
  V: Float64Array,
  r: number,
  l: number,
): Float64Array {
  const n = 2 * r;
  const B = new Float64Array(n * l);
  B.set(A);
  B.set(U, r * l);
  const BK = new Float64Array(n * l);
  BK.set(U);
  BK.set(V, r * l);
  const G = matmulTransB(B, BK, n, l, n);
  const H = matmulTransB(BK, BK, n, l, n);
  const g = symmetricEigen(G, n);
  const keep: number[] = [];
  for (let k = 0; k < n; k++) if (g.values[k] > 1e-10 * g.values[0]) keep.push(k);
  const m = keep.length;
  // W = V_G D^{-1/2} on the kept directions (columns), then the reduced Wᵀ H W
  const W = new Float64Array(n * m);
  keep.forEach((k, c) => {
    for (let i = 0; i < n; i++) W[i * m + c] = g.vectors[i * n + k] / Math.sqrt(g.values[k]);
  });
  const reduced = matmul(transpose(W, n, m), matmul(H, W, n, n, m), m, n, m);
  const values = symmetricEigen(reduced, m).values;
  return Float64Array.from({ length: r }, (_, i) => (i < m ? values[i] : -Infinity));
}
