/**
 * KHA on a kernel of unit scale. The schedules' defaults (η0, and the engine's initial A, drawn so that
 * ‖w_i‖² ≈ tr K′/(r·l)) are tuned for Gaussian kernels, whose centered diagonal K′_pp = ‖Φ′(x_p)‖²
 * is at most about 1. A step moves w_i by η·y_i(Φ′(x_p) − …) with |y_i| ≤ ‖w_i‖·‖Φ′(x_p)‖: multiplying
 * the kernel by c multiplies η·y_i² by c² at the start and by c at convergence (the kha-et and smd
 * gains η0·‖λ‖/λ_i do not remove it). So a polynomial kernel on pixel data diverges at step 1 and a
 * linear one within a pass. Polynomial and linear kernels therefore iterate on K′/s and the results
 * are scaled back (λ = s·θ, A = A_s/√s); every schedule's η0, given or default, is then relative to a
 * kernel of unit scale. s = max(mean_p K′_pp, max_p K′_pp / SPREAD), from the kernel's diagonal and
 * the centering statistics (O(l·d)). Measured from defaults, 20 passes, r = 4, polynomial and linear
 * × the four schedules (certificate converged / 8): the mean alone: mnist:1000:14 4, blobs5d 7 (smd
 * diverges at step 95 on the polynomial: one far point is enough); SPREAD 10: the same; SPREAD 4:
 * mnist 2, blobs5d 8; the maximum alone: mnist 1. SPREAD 4 is the largest step that never diverged.
 * Gaussian kernels keep s = 1, so their fits are unchanged.
 */

/** How far below the largest centered diagonal the scale may go (see above). */
const SPREAD = 4;
import type { RowSource } from '../kernels/rowSource';
import type { KernelSpec } from '../kernels/kernel';
import type { GainName, GainParameters } from '../kha/gains';

/**
 * fit's default η0 for kha-et, on a kernel of unit scale: 0.1, not the schedule's own 0.03. Its gains
 * η0·(‖λ‖/λ_i)·l/(t + l) decay as 1/t, so the residuals fall as a power of the pass number whose
 * exponent grows with η0 (eval/certificate.ts, passesNeeded). Measured on mnist:1000:14, r 4 (no guard
 * components), passes until the certificate (1e-2·λ1) passes: Gaussian 8 (η0 0.03: not within 150);
 * linear 19 (7).
 * smd keeps 0.03: its meta-gain raises the gains itself (Gaussian 49 passes, linear 6), and 0.1
 * made its log-gains collapse in pass 1 on blobs5d with the cubic kernel (though on mnist it
 * was certified after 8 passes, polynomial 7).
 */
const FIT_ETA0: Partial<Record<GainName, number>> = { 'kha-et': 0.1 };

/** The gain parameters a fit runs with: the given ones, and FIT_ETA0 where η0 is not given. */
export function fitGainParameters(gain: GainName, given: GainParameters = {}): GainParameters {
  const eta0 = given.eta0 ?? FIT_ETA0[gain];
  return eta0 === undefined ? given : { ...given, eta0 };
}

/** s: max_p K′_pp = max_p (k(x_p, x_p) − 2 m_p + m̄) for polynomial and linear kernels, 1 for Gaussian ones. */
export function kernelScale(
  kernel: KernelSpec,
  X: Float64Array,
  l: number,
  d: number,
  rowMeans: Float64Array,
  grandMean: number,
): number {
  if (kernel.type === 'gaussian') return 1;
  let sum = 0;
  let max = 0;
  for (let p = 0; p < l; p++) {
    let norm2 = 0;
    for (let c = p * d; c < (p + 1) * d; c++) norm2 += X[c] * X[c];
    const k = kernel.type === 'linear' ? norm2 : (norm2 + kernel.coef0) ** kernel.degree;
    const diagonal = k - 2 * rowMeans[p] + grandMean;
    sum += diagonal;
    max = Math.max(max, diagonal);
  }
  const scale = Math.max(sum / l, max / SPREAD);
  // all points equal: K′ = 0, nothing to scale (the fit refuses it)
  return scale > 0 ? scale : 1;
}

/** The rows of M/s. The inner source is called before the first await, so its prefetching still starts at call time. */
export function scaledSource(source: RowSource, scale: number): RowSource {
  if (scale === 1) return source;
  return {
    l: source.l,
    trace: source.trace === undefined ? undefined : source.trace / scale,
    async rows(indices, out) {
      await source.rows(indices, out);
      const n = indices.length * source.l;
      for (let j = 0; j < n; j++) out[j] /= scale;
    },
  };
}
